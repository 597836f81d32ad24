import path from 'node:path';

const JS_EXTENSIONS = ['.js', '.ts', '.mjs', '.cjs', '.jsx', '.tsx', '.mts', '.cts'];

/** Finds the files that import specifiers name, among the files of one scan. */
export class ModuleIndex {
  private readonly files: Set<string>;
  /** Python files by dotted module name, including every suffix: `app.auth`, `auth`. */
  private readonly pythonModules = new Map<string, string[]>();

  constructor(paths: Iterable<string>) {
    this.files = new Set(paths);
    for (const file of this.files) {
      if (file.endsWith('.py')) {
        this.addPythonModule(file);
      }
    }
  }

  /**
   * Resolves a JavaScript or TypeScript specifier relative to `fromFile`: `./auth` may be
   * `auth.js`, `auth.ts` or `auth/index.js`, and an ESM `./auth.js` may be the source `auth.ts`.
   * Returns null for packages and for files outside the scan.
   */
  resolveScript(fromFile: string, specifier: string): string | null {
    if (!specifier.startsWith('.')) {
      return null;
    }
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), specifier));
    const withoutExtension = base.replace(/\.(?:js|mjs|cjs|jsx)$/, '');
    const candidates = [base];
    for (const stem of new Set([base, withoutExtension])) {
      candidates.push(...JS_EXTENSIONS.map((extension) => stem + extension));
      candidates.push(...JS_EXTENSIONS.map((extension) => `${stem}/index${extension}`));
    }
    return candidates.find((candidate) => this.files.has(candidate)) ?? null;
  }

  /**
   * Resolves a Python module (`app.auth`, `.views`, `..api.urls`) imported from `fromFile`.
   * Absolute names match the end of a file's module path, so `app.auth` finds
   * `src/app/auth/__init__.py`; when several files match, the one nearest `fromFile` wins.
   */
  resolvePython(fromFile: string, module: string): string | null {
    const leadingDots = /^\.*/.exec(module)![0].length;
    if (leadingDots > 0) {
      let directory = path.posix.dirname(fromFile);
      for (let level = 1; level < leadingDots; level++) {
        directory = path.posix.dirname(directory);
      }
      const rest = module.slice(leadingDots).split('.').filter((part) => part.length > 0);
      const stem = path.posix.join(directory, ...rest);
      const prefix = stem === '.' ? '' : `${stem}/`;
      const candidates = rest.length === 0 ? [`${prefix}__init__.py`] : [`${stem}.py`, `${prefix}__init__.py`];
      return candidates.find((candidate) => this.files.has(candidate)) ?? null;
    }
    const matches = this.pythonModules.get(module);
    if (!matches || matches.length === 0) {
      return null;
    }
    return [...matches].sort((left, right) => countShared(right, fromFile) - countShared(left, fromFile))[0]!;
  }

  private addPythonModule(file: string): void {
    const parts = file.replace(/\.py$/, '').split('/');
    if (parts[parts.length - 1] === '__init__') {
      parts.pop();
    }
    for (let start = 0; start < parts.length; start++) {
      const name = parts.slice(start).join('.');
      const list = this.pythonModules.get(name) ?? [];
      list.push(file);
      this.pythonModules.set(name, list);
    }
  }
}

/** Number of leading path segments two paths share. */
function countShared(left: string, right: string): number {
  const a = left.split('/');
  const b = right.split('/');
  let count = 0;
  while (count < a.length && count < b.length && a[count] === b[count]) {
    count++;
  }
  return count;
}
