import fs from 'node:fs';
import path from 'node:path';
import type { ProjectFile, ProjectModel, ProjectNote } from '../../src/project/types.js';

/** A project model for tests, with the notes and failures that rules added to it. */
export interface TestProjectModel extends ProjectModel {
  notes: ProjectNote[];
  failures: string[];
}

/**
 * Builds a `ProjectModel` from a directory the way the engine does: every file below `root`,
 * dot-folders included and `.git` left out, with paths relative to the root.
 */
export function createProjectModel(
  root: string,
  options: { advisoryDb?: string | null; online?: boolean } = {},
): TestProjectModel {
  const files: ProjectFile[] = [];
  const pending = [''];
  while (pending.length > 0) {
    const relative = pending.pop() as string;
    for (const entry of fs.readdirSync(path.join(root, relative), { withFileTypes: true })) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      const absolutePath = path.join(root, child);
      if (entry.isDirectory() && entry.name !== '.git') {
        pending.push(child);
      } else if (entry.isFile()) {
        files.push({ path: child, absolutePath, size: fs.statSync(absolutePath).size });
      }
    }
  }
  files.sort((a, b) => a.path.localeCompare(b.path));

  const notes: ProjectNote[] = [];
  const failures: string[] = [];
  return {
    root,
    files,
    sourcePaths: files
      .map((file) => file.path)
      .filter((file) => /\.(py|js|ts|mjs|cjs|tsx|jsx)$/.test(file)),
    readText(relative: string): string | null {
      try {
        return fs.readFileSync(path.join(root, relative), 'utf8');
      } catch {
        return null;
      }
    },
    advisoryDb: options.advisoryDb ?? null,
    online: options.online ?? false,
    addNote(note: ProjectNote): void {
      notes.push(note);
    },
    addFailure(message: string): void {
      failures.push(message);
    },
    notes,
    failures,
  };
}
