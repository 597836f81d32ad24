/** Package ecosystems as OSV names them. */
export type Ecosystem = 'npm' | 'PyPI';

/** One package version pinned by a lockfile or a `==` requirement. */
export interface LockedPackage {
  ecosystem: Ecosystem;
  name: string;
  version: string;
  /** 1-based line of the entry that declares this package. */
  line: number;
  /** Path of the declaring file, relative to the project root, with forward slashes. */
  path: string;
}

/** A dependency manifest: a file that declares dependencies, with or without pinned versions. */
export interface Manifest {
  path: string;
  ecosystem: Ecosystem;
  /** True when the manifest declares at least one dependency. */
  hasDependencies: boolean;
}

/** Reads a project file as text; returns null when it is missing, unreadable or binary. */
export type TextReader = (path: string) => string | null;
