import type { LockedPackage } from './types.js';

/** Local sources name the project's own code, not a published package. */
const LOCAL_SOURCES = new Set(['directory', 'editable', 'file', 'path', 'virtual', 'workspace']);

interface PackageTable {
  name: string | null;
  version: string | null;
  line: number;
  isLocal: boolean;
}

/**
 * Reads the `[[package]]` tables of `poetry.lock` and `uv.lock`: their `name` and `version`
 * keys and whether the package comes from a local source (uv's `source = { editable = "." }`,
 * Poetry's `[package.source]` with `type = "directory"`). This is not a general TOML parser: it
 * follows only those keys, skips multi-line strings and arrays, and ignores every other table.
 */
export function parseTomlLock(text: string, path: string): LockedPackage[] {
  const tables: PackageTable[] = [];
  let current: PackageTable | null = null;
  let section: 'package' | 'source' | 'other' = 'other';
  let openBrackets = 0;
  let openString: '"""' | "'''" | null = null;

  for (const [index, line] of text.split(/\r?\n/).entries()) {
    if (openString) {
      if (countOccurrences(line, openString) % 2 === 1) {
        openString = null;
      }
      continue;
    }
    if (openBrackets > 0) {
      openBrackets += countBrackets(line);
      continue;
    }

    const header = /^\s*(\[\[?)\s*([^[\]]+?)\s*\]\]?\s*(?:#.*)?$/.exec(line);
    if (header) {
      const isArrayTable = header[1] === '[[';
      if (isArrayTable && header[2] === 'package') {
        current = { name: null, version: null, line: index + 1, isLocal: false };
        tables.push(current);
        section = 'package';
      } else {
        section = !isArrayTable && header[2] === 'package.source' ? 'source' : 'other';
      }
      continue;
    }

    const keyValue = /^\s*([A-Za-z0-9_-]+)\s*=\s*(.*)$/.exec(line);
    if (!keyValue) {
      continue;
    }
    const [, key, value] = keyValue;
    for (const delimiter of ['"""', "'''"] as const) {
      if (value.startsWith(delimiter) && countOccurrences(value, delimiter) === 1) {
        openString = delimiter;
      }
    }
    openBrackets = Math.max(0, countBrackets(value));
    if (!current || section === 'other') {
      continue;
    }
    readKey(current, section, key, value, index + 1);
  }

  const result: LockedPackage[] = [];
  for (const table of tables) {
    if (table.name && table.version && !table.isLocal) {
      result.push({
        ecosystem: 'PyPI',
        name: table.name,
        version: table.version,
        line: table.line,
        path,
      });
    }
  }
  return result;
}

function readKey(
  table: PackageTable,
  section: 'package' | 'source',
  key: string,
  value: string,
  line: number,
): void {
  if (section === 'source') {
    if (key === 'type' && LOCAL_SOURCES.has(readString(value) ?? '')) {
      table.isLocal = true;
    }
    return;
  }
  if (key === 'name') {
    table.name = readString(value);
    table.line = line;
  } else if (key === 'version') {
    table.version = readString(value);
  } else if (key === 'source') {
    const kind = /^\{\s*([A-Za-z-]+)\s*=/.exec(value)?.[1];
    table.isLocal = kind !== undefined && LOCAL_SOURCES.has(kind);
  }
}

function readString(value: string): string | null {
  const match = /^(?:"((?:[^"\\]|\\.)*)"|'([^']*)')\s*(?:#.*)?$/.exec(value.trim());
  if (!match) {
    return null;
  }
  return match[1] ?? match[2];
}

function countOccurrences(text: string, part: string): number {
  return text.split(part).length - 1;
}

// Net count of `[` minus `]` outside quoted strings, to follow arrays that span lines.
function countBrackets(text: string): number {
  let depth = 0;
  let quote: string | null = null;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (quote) {
      if (char === '\\' && quote === '"') {
        index += 1;
      } else if (char === quote) {
        quote = null;
      }
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === '#') {
      break;
    } else if (char === '[') {
      depth += 1;
    } else if (char === ']') {
      depth -= 1;
    }
  }
  return depth;
}
