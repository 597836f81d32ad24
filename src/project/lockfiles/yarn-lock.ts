import type { LockedPackage } from './types.js';

interface YarnEntry {
  line: number;
  descriptors: string[];
  version: string | null;
  resolution: string | null;
}

/**
 * Parses `yarn.lock` in both formats: version 1 (`version "1.2.3"`) and Berry, Yarn 2 and later
 * (`version: 1.2.3` with a `resolution:` field and a `__metadata` entry). Berry entries whose
 * resolution is not an `npm:` one (workspaces, patches, links, git) are left out.
 */
export function parseYarnLock(text: string, path: string): LockedPackage[] {
  const lines = text.split(/\r?\n/);
  const isBerry = lines.some((line) => /^__metadata:\s*$/.test(line));
  const entries: YarnEntry[] = [];
  let current: YarnEntry | null = null;

  for (const [index, line] of lines.entries()) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) {
      continue;
    }
    if (!/^\s/.test(line)) {
      current = null;
      if (line.endsWith(':') && !line.startsWith('__metadata')) {
        current = {
          line: index + 1,
          descriptors: splitDescriptors(line.slice(0, -1)),
          version: null,
          resolution: null,
        };
        entries.push(current);
      }
      continue;
    }
    if (!current) {
      continue;
    }
    const field = /^ {2}(version|resolution):?\s+"?([^"]+?)"?\s*$/.exec(line);
    if (field?.[1] === 'version') {
      current.version = field[2];
    } else if (field?.[1] === 'resolution') {
      current.resolution = field[2];
    }
  }

  const result: LockedPackage[] = [];
  for (const entry of entries) {
    const name = isBerry ? getBerryName(entry) : getDescriptorName(entry.descriptors[0] ?? '');
    if (name && entry.version) {
      result.push({ ecosystem: 'npm', name, version: entry.version, line: entry.line, path });
    }
  }
  return result;
}

function splitDescriptors(header: string): string[] {
  return header
    .split(',')
    .map((part) => part.trim().replace(/^"|"$/g, ''))
    .filter((part) => part !== '');
}

// `@babel/core@^7.0.0` → `@babel/core`: the version separator is the first `@` after the scope.
function getDescriptorName(descriptor: string): string | null {
  const separator = descriptor.indexOf('@', 1);
  if (separator <= 0) {
    return null;
  }
  return descriptor.slice(0, separator);
}

function getBerryName(entry: YarnEntry): string | null {
  const resolution = entry.resolution ?? entry.descriptors[0] ?? '';
  const name = getDescriptorName(resolution);
  if (!name || !resolution.startsWith(`${name}@npm:`)) {
    return null;
  }
  return name;
}
