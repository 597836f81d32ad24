/** A file of the scanned tree that is not source code: CI configuration, manifests, lockfiles. */
export interface ProjectFile {
  /** Path relative to the scanned root, with forward slashes. */
  path: string;
  absolutePath: string;
  size: number;
}

/**
 * What project rules see besides file summaries. `files` lists every discovered path (source or
 * not) that survived ignore rules, so a rule can look for `Dockerfile`, `.github/dependabot.yml`
 * and lockfiles; `readText` reads one of them lazily and caches the text.
 */
export interface ProjectModel {
  root: string;
  files: ProjectFile[];
  /** Source files that were analyzed, relative paths. */
  sourcePaths: string[];
  readText(path: string): string | null;
  /** Advisory database location from `--advisory-db` or the configuration, if any. */
  advisoryDb: string | null;
  /** True when the user allowed online advisory lookups. */
  online: boolean;
  /**
   * Records that a project input (CI file, lockfile, advisory database) could not be read or
   * parsed, so the scan result can list it. Optional: rules skip the note when it is absent.
   */
  addNote?(note: ProjectNote): void;
  /**
   * Records that the scan could not do what the user asked (the advisory database named on the
   * command line is unreadable, the online lookup failed). The CLI prints each failure and exits
   * with 2 after writing the report, so a CI gate never passes on a check that did not run.
   */
  addFailure?(message: string): void;
}

/** A project input that a project rule could not use, and why. */
export interface ProjectNote {
  path: string;
  kind: 'unreadable' | 'syntax-error' | 'skipped' | 'error';
  reason: string;
}
