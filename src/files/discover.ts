import fs from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import createDebug from 'debug';
import type { Language } from '../model/types.js';
import type { ScanNote } from '../engine/types.js';

const log = createDebug('soc2lint:files:discover');

/** Folder names never entered: dependencies, build output, caches and virtual environments. */
export const DEFAULT_EXCLUDED_DIRS = new Set([
  '.git',
  '.hg',
  '.svn',
  'node_modules',
  'bower_components',
  'dist',
  'build',
  'out',
  'vendor',
  'third_party',
  '.next',
  '.nuxt',
  '.output',
  '.venv',
  'venv',
  '.env',
  'virtualenv',
  '.virtualenvs',
  '.tox',
  '.nox',
  '__pycache__',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  'site-packages',
  'coverage',
  '.nyc_output',
  '.cache',
  '.turbo',
  '.yarn',
  '.pnpm-store',
]);

const LANGUAGE_BY_EXTENSION: Record<string, Language> = {
  '.py': 'python',
  '.js': 'javascript',
  '.cjs': 'javascript',
  '.mjs': 'javascript',
  '.jsx': 'javascript',
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.tsx': 'tsx',
};

/** Returns the language of a source file from its extension, or null for other files. */
export function detectLanguage(filePath: string): Language | null {
  if (filePath.endsWith('.d.ts') || filePath.endsWith('.d.mts') || filePath.endsWith('.d.cts')) {
    return null;
  }
  return LANGUAGE_BY_EXTENSION[path.extname(filePath).toLowerCase()] ?? null;
}

/** Bundles recognized by name; other minified files are recognized by content when read. */
const MINIFIED_NAME = /[.-]min\.(js|mjs|cjs)$|\.bundle\.js$|-bundle\.js$|\.chunk\.js$/;

export interface DiscoveredFile {
  /** Path relative to the root, with forward slashes. */
  path: string;
  absolutePath: string;
  size: number;
  /** Null for files that are not source code (CI files, manifests, lockfiles). */
  language: Language | null;
}

export interface DiscoverOptions {
  /** Extra .gitignore-style patterns relative to the root (configuration `ignore`). */
  ignore: string[];
  maxFileSize: number;
}

export interface Discovery {
  files: DiscoveredFile[];
  notes: ScanNote[];
}

interface IgnoreScope {
  /** Folder of the .gitignore, relative to the root ('' for the root). */
  dir: string;
  matcher: Ignore;
}

/**
 * Walks `root` and returns the files to scan. Honors .gitignore files at every level and the
 * configured patterns, and skips the default folders. A symbolic link is followed only when it
 * resolves inside the root to a folder not yet visited, so links out of the root and link loops
 * are never followed. The walk uses an explicit stack, so deep trees cannot overflow it.
 */
export function discoverFiles(root: string, options: DiscoverOptions): Discovery {
  const files: DiscoveredFile[] = [];
  const notes: ScanNote[] = [];
  const realRoot = fs.realpathSync(root);
  const visited = new Set<string>([realRoot]);
  const configured = ignore().add(options.ignore);
  const stack: { dir: string; scopes: IgnoreScope[] }[] = [{ dir: '', scopes: [] }];

  while (stack.length > 0) {
    const { dir, scopes: parentScopes } = stack.pop()!;
    const absoluteDir = path.join(root, dir);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(absoluteDir, { withFileTypes: true });
    } catch (error) {
      notes.push({ path: dir || '.', kind: 'unreadable', reason: describeIoError(error) });
      continue;
    }

    const scopes = withGitignore(parentScopes, dir, absoluteDir, entries);
    if (entries.some((entry) => entry.name === 'pyvenv.cfg') && dir !== '') {
      log('skipped virtual environment %s', dir);
      continue;
    }

    entries.sort((left, right) => (left.name < right.name ? 1 : -1));
    for (const entry of entries) {
      const relative = dir === '' ? entry.name : `${dir}/${entry.name}`;
      // Node.js decodes names as UTF-8; a name that is not valid UTF-8 cannot be opened again.
      if (entry.name.includes('\uFFFD')) {
        notes.push({
          path: relative,
          kind: 'unreadable',
          reason: 'the file name is not valid UTF-8, so it cannot be opened; rename it',
        });
        continue;
      }
      const absolute = path.join(absoluteDir, entry.name);
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();

      if (entry.isSymbolicLink()) {
        const target = resolveLink(absolute, realRoot);
        if (target.kind === 'outside') {
          notes.push({ path: relative, kind: 'skipped', reason: 'symbolic link leads outside the scanned root' });
          continue;
        }
        if (target.kind === 'broken' || target.kind === 'loop') {
          const reason = target.kind === 'loop' ? 'symbolic link loop' : 'broken symbolic link';
          notes.push({ path: relative, kind: 'skipped', reason });
          continue;
        }
        if (target.isDirectory) {
          if (visited.has(target.realPath)) {
            log('skipped link loop or repeated folder %s', relative);
            continue;
          }
          visited.add(target.realPath);
        }
        isDirectory = target.isDirectory;
        isFile = target.isFile;
      }

      if (isDirectory) {
        if (DEFAULT_EXCLUDED_DIRS.has(entry.name) || isIgnored(relative + '/', scopes, configured)) {
          continue;
        }
        if (!entry.isSymbolicLink()) {
          try {
            visited.add(fs.realpathSync(absolute));
          } catch {
            // An unreadable folder is reported when it is listed.
          }
        }
        stack.push({ dir: relative, scopes });
        continue;
      }
      if (!isFile || isIgnored(relative, scopes, configured)) {
        continue;
      }

      const file = describeFile(relative, absolute, options, notes);
      if (file) {
        files.push(file);
      }
    }
  }

  files.sort(compareByPath);
  return { files, notes };
}

function describeFile(
  relative: string,
  absolute: string,
  options: DiscoverOptions,
  notes: ScanNote[],
): DiscoveredFile | null {
  let size: number;
  try {
    size = fs.statSync(absolute).size;
  } catch (error) {
    notes.push({ path: relative, kind: 'unreadable', reason: describeIoError(error) });
    return null;
  }

  const language = detectLanguage(relative);
  if (language !== null) {
    if (MINIFIED_NAME.test(relative)) {
      notes.push({ path: relative, kind: 'skipped', reason: 'minified or bundled file' });
      return null;
    }
    if (size > options.maxFileSize) {
      notes.push({
        path: relative,
        kind: 'skipped',
        reason: `larger than the size limit (${size} > ${options.maxFileSize} bytes; see --max-file-size)`,
      });
      return null;
    }
  }
  return { path: relative, absolutePath: absolute, size, language };
}

function withGitignore(
  parentScopes: IgnoreScope[],
  dir: string,
  absoluteDir: string,
  entries: fs.Dirent[],
): IgnoreScope[] {
  if (!entries.some((entry) => entry.name === '.gitignore' && entry.isFile())) {
    return parentScopes;
  }
  try {
    const text = fs.readFileSync(path.join(absoluteDir, '.gitignore'), 'utf8');
    return [...parentScopes, { dir, matcher: ignore().add(text) }];
  } catch (error) {
    log('could not read %s/.gitignore: %s', dir, (error as Error).message);
    return parentScopes;
  }
}

function isIgnored(relative: string, scopes: IgnoreScope[], configured: Ignore): boolean {
  if (configured.ignores(relative)) {
    return true;
  }
  for (const scope of scopes) {
    const local = scope.dir === '' ? relative : relative.slice(scope.dir.length + 1);
    if (local && scope.matcher.ignores(local)) {
      return true;
    }
  }
  return false;
}

type LinkTarget =
  | { kind: 'inside'; realPath: string; isDirectory: boolean; isFile: boolean }
  | { kind: 'outside' }
  | { kind: 'loop' }
  | { kind: 'broken' };

function resolveLink(absolute: string, realRoot: string): LinkTarget {
  let realPath: string;
  let stats: fs.Stats;
  try {
    realPath = fs.realpathSync(absolute);
    stats = fs.statSync(realPath);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ELOOP' ? { kind: 'loop' } : { kind: 'broken' };
  }
  if (realPath !== realRoot && !realPath.startsWith(realRoot + path.sep)) {
    return { kind: 'outside' };
  }
  return { kind: 'inside', realPath, isDirectory: stats.isDirectory(), isFile: stats.isFile() };
}

/** Turns a Node.js file system error into a short reason: `permission denied`. */
export function describeIoError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'not found';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EISDIR':
      return 'is a folder';
    default:
      return (error as Error).message;
  }
}

/** Orders files by path in code-unit order, the same on every machine and locale. */
function compareByPath(left: DiscoveredFile, right: DiscoveredFile): number {
  if (left.path === right.path) {
    return 0;
  }
  return left.path < right.path ? -1 : 1;
}
