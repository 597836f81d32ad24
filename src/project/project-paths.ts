import path from 'node:path';

/**
 * Folders whose manifests are not the project's own dependencies: installed packages, virtual
 * environments, vendored code and test fixtures.
 */
const SKIPPED_FOLDERS = new Set([
  '.git',
  '.tox',
  '.venv',
  '__fixtures__',
  'bower_components',
  'fixtures',
  'node_modules',
  'site-packages',
  'testdata',
  'vendor',
  'venv',
]);

/** True when `relativePath` lies in a folder whose manifests and lockfiles are not the project's. */
export function isInSkippedFolder(relativePath: string): boolean {
  const folders = relativePath.split('/').slice(0, -1);
  return folders.some((folder) => SKIPPED_FOLDERS.has(folder));
}

/** Returns the last segment of a forward-slash path. */
export function getBaseName(relativePath: string): string {
  return path.posix.basename(relativePath);
}

/** Returns the folder of a forward-slash path, `''` for the root. */
export function getFolder(relativePath: string): string {
  const folder = path.posix.dirname(relativePath);
  return folder === '.' ? '' : folder;
}

/** Resolves `target` against the folder of `from`; null when the result leaves the root. */
export function resolveRelative(from: string, target: string): string | null {
  const joined = path.posix.normalize(path.posix.join(getFolder(from), target.replace(/\\/g, '/')));
  if (joined.startsWith('../') || joined === '..' || path.posix.isAbsolute(joined)) {
    return null;
  }
  return joined;
}

/** Counts the folders above a path, so root-level files sort first. */
export function getDepth(relativePath: string): number {
  return relativePath.split('/').length - 1;
}
