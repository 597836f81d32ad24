import type { ProjectModel, ProjectNote } from './types.js';

/** A project input (CI file, manifest, lockfile, advisory record) that could not be used. */
export type InputProblem = ProjectNote;

/**
 * Reads a project file as text. Returns an `InputProblem` when the file cannot be read or holds
 * NUL bytes (a binary file under a lockfile's name), so callers can note it and go on.
 */
export function readProjectText(project: ProjectModel, path: string): string | InputProblem {
  const text = project.readText(path);
  if (text === null) {
    return { path, kind: 'unreadable', reason: 'File could not be read.' };
  }
  if (text.includes('\u0000')) {
    return {
      path,
      kind: 'skipped',
      reason: 'File is binary (contains NUL bytes), so it was skipped.',
    };
  }
  return text;
}

/** Narrows a `readProjectText` result. */
export function isInputProblem(value: unknown): value is InputProblem {
  return typeof value === 'object' && value !== null && 'reason' in value;
}

/** Returns the message of a thrown value. */
export function getErrorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
