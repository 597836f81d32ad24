import { resolveRelative } from '../project-paths.js';
import type { LockedPackage, TextReader } from './types.js';

/** One logical line of a requirements file: continuation lines joined, comment removed. */
interface LogicalLine {
  text: string;
  line: number;
}

/** Result of reading a requirements file and the files it includes. */
export interface RequirementsResult {
  packages: LockedPackage[];
  /** Included files that could not be read, as `including-file: included-path`. */
  missingIncludes: string[];
}

const INCLUDE_OPTION = /^(?:-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+)(\S+)$/;
const PINNED_REQUIREMENT =
  /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*===?\s*([A-Za-z0-9][A-Za-z0-9.+!_-]*)\s*(?:;.*)?$/;

/**
 * Reads the `==` pins of a pip requirements file and of the files it includes with `-r` or
 * `-c`, which pip resolves relative to the including file. Requirements with only a range
 * (`>=`), a wildcard (`==1.*`) or a URL pin nothing and are left out. Environment markers are
 * not evaluated, so a pin for another platform is still listed.
 */
export function parseRequirements(path: string, readText: TextReader): RequirementsResult {
  const packages: LockedPackage[] = [];
  const missingIncludes: string[] = [];
  const visited = new Set<string>();
  const pending = [path];

  while (pending.length > 0) {
    const current = pending.shift() as string;
    if (visited.has(current)) {
      continue;
    }
    visited.add(current);
    const text = readText(current);
    if (text === null) {
      if (current !== path) {
        missingIncludes.push(current);
      }
      continue;
    }

    for (const logical of getLogicalLines(text)) {
      const include = INCLUDE_OPTION.exec(logical.text);
      if (include) {
        const target = resolveRelative(current, include[1]);
        if (target) {
          pending.push(target);
        }
        continue;
      }
      const pin = PINNED_REQUIREMENT.exec(removeOptions(logical.text));
      if (pin) {
        packages.push({
          ecosystem: 'PyPI',
          name: pin[1],
          version: pin[2],
          line: logical.line,
          path: current,
        });
      }
    }
  }
  return { packages, missingIncludes };
}

/** True when a requirements file names at least one requirement or includes another file. */
export function hasRequirements(text: string): boolean {
  const requirement = /^(?:[A-Za-z0-9]|-r\b|--requirement\b|-e\b|--editable\b)/;
  return getLogicalLines(text).some((logical) => requirement.test(logical.text));
}

function getLogicalLines(text: string): LogicalLine[] {
  const physical = text.split(/\r?\n/);
  const result: LogicalLine[] = [];
  let buffer = '';
  let start = 0;
  for (const [index, raw] of physical.entries()) {
    if (buffer === '') {
      start = index + 1;
    }
    // pip starts a comment at `#` at the start of a line or after whitespace, so `#egg=` in a URL stays.
    const withoutComment = raw.replace(/(^|\s)#.*$/, '');
    if (/\\\s*$/.test(withoutComment) && withoutComment === raw) {
      buffer += withoutComment.replace(/\\\s*$/, ' ');
      continue;
    }
    buffer += withoutComment;
    const text = buffer.trim();
    buffer = '';
    if (text !== '') {
      result.push({ text, line: start });
    }
  }
  if (buffer.trim() !== '') {
    result.push({ text: buffer.trim(), line: start });
  }
  return result;
}

// Per-requirement options such as `--hash=sha256:...` follow the requirement on the same line.
function removeOptions(text: string): string {
  return text.replace(/\s+--?[A-Za-z][\w-]*(?:[=\s]\S+)?/g, '').trim();
}
