import { containsRange } from '../../model/range.js';
import type { FileModel } from '../../model/types.js';

/** The module a local name was imported from, and the name it has there. */
export interface ImportedName {
  /** Module specifier without the `node:` scheme: `os`, `django.conf`, `./config`. */
  module: string;
  /** Name in the module; `*` for the module itself (`import os`, `import * as os`, default imports). */
  imported: string;
}

const importIndexes = new WeakMap<FileModel, Map<string, ImportedName>>();

/** Finds where a local name of `file` was imported from (`import`, `from ... import`, `require`). */
export function findImportedName(file: FileModel, local: string): ImportedName | null {
  let index = importIndexes.get(file);
  if (!index) {
    index = new Map();
    for (const fact of file.imports) {
      // Skip: `require('depd')('express')` calls what `depd` returns and imports no `express`,
      // though the JavaScript model lists it as an import around the `depd` one.
      if (file.imports.some((other) => containsRange(fact.range, other.range) && !containsRange(other.range, fact.range))) {
        continue;
      }
      const module = fact.module.replace(/^node:/, '');
      for (const name of fact.names) {
        // `import os`, `import os.path as osp`, `import * as os` and default imports bind the module.
        const isModule =
          name.imported === '*' || name.imported === 'default' || name.imported === fact.module;
        index.set(name.local, { module, imported: isModule ? '*' : name.imported });
      }
    }
    importIndexes.set(file, index);
  }
  return index.get(local) ?? null;
}

/**
 * Rewrites the first segment of a dotted path to where it was imported from, so that
 * `gethostname` (from `from socket import gethostname`) reads `socket.gethostname` and `os2.cpus`
 * (from `import * as os2 from 'node:os'`) reads `os.cpus`. Paths whose first segment was not
 * imported are returned unchanged.
 */
export function resolveImportedPath(file: FileModel, path: string): string {
  const dot = path.indexOf('.');
  const first = dot === -1 ? path : path.slice(0, dot);
  const rest = dot === -1 ? '' : path.slice(dot);
  const imported = findImportedName(file, first);
  if (!imported) {
    return path;
  }
  const base = imported.imported === '*' ? imported.module : `${imported.module}.${imported.imported}`;
  return `${base}${rest}`;
}
