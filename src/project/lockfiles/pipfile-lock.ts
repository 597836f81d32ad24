import { isJsonObject, parseJsonWithLines } from '../json-with-lines.js';
import type { LockedPackage } from './types.js';

/** Parses `Pipfile.lock`: the `default` and `develop` groups map names to `{ "version": "==x" }`. */
export function parsePipfileLock(text: string, path: string): LockedPackage[] {
  const { value, keyLines } = parseJsonWithLines(text);
  if (!isJsonObject(value)) {
    throw new Error('Expected a JSON object at the top level');
  }

  const result: LockedPackage[] = [];
  for (const group of ['default', 'develop']) {
    const packages = value[group];
    if (!isJsonObject(packages)) {
      continue;
    }
    const lines = keyLines.get(packages);
    for (const [name, entry] of Object.entries(packages)) {
      const pin = isJsonObject(entry) && typeof entry.version === 'string' ? entry.version : '';
      const version = /^===?\s*(\S+)$/.exec(pin)?.[1];
      if (version) {
        result.push({ ecosystem: 'PyPI', name, version, line: lines?.get(name) ?? 1, path });
      }
    }
  }
  return result;
}
