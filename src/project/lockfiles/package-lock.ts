import { isJsonObject, parseJsonWithLines } from '../json-with-lines.js';
import type { LockedPackage } from './types.js';

/**
 * Parses `package-lock.json` or `npm-shrinkwrap.json`. Versions 2 and 3 list every installed
 * package under `packages` keyed by its `node_modules/...` path; version 1 nests them under
 * `dependencies`. Workspace folders and links are the project's own code and are left out.
 */
export function parsePackageLock(text: string, path: string): LockedPackage[] {
  const { value, keyLines } = parseJsonWithLines(text);
  if (!isJsonObject(value)) {
    throw new Error('Expected a JSON object at the top level');
  }

  const packages = value.packages;
  if (isJsonObject(packages)) {
    const lines = keyLines.get(packages);
    const result: LockedPackage[] = [];
    for (const [key, entry] of Object.entries(packages)) {
      if (!isJsonObject(entry) || entry.link === true || !key.includes('node_modules/')) {
        continue;
      }
      const name = typeof entry.name === 'string' ? entry.name : getNameFromInstallPath(key);
      addPackage(result, name, entry.version, lines?.get(key) ?? 1, path);
    }
    return result;
  }

  return parseVersionOneDependencies(value.dependencies, keyLines, path);
}

function parseVersionOneDependencies(
  dependencies: unknown,
  keyLines: WeakMap<object, Map<string, number>>,
  path: string,
): LockedPackage[] {
  const result: LockedPackage[] = [];
  const pending = [dependencies];
  while (pending.length > 0) {
    const current = pending.pop();
    if (!isJsonObject(current)) {
      continue;
    }
    const lines = keyLines.get(current);
    for (const [name, entry] of Object.entries(current)) {
      if (!isJsonObject(entry)) {
        continue;
      }
      addPackage(result, name, entry.version, lines?.get(name) ?? 1, path);
      pending.push(entry.dependencies);
    }
  }
  return result.sort((a, b) => a.line - b.line);
}

// An alias such as `"my-lodash": "npm:lodash@4.17.21"` installs the package named after `npm:`.
function addPackage(
  result: LockedPackage[],
  name: string,
  version: unknown,
  line: number,
  path: string,
): void {
  if (typeof version !== 'string' || version === '') {
    return;
  }
  const alias = /^npm:((?:@[^/@]+\/)?[^@]+)@(.+)$/.exec(version);
  if (alias) {
    result.push({ ecosystem: 'npm', name: alias[1], version: alias[2], line, path });
    return;
  }
  if (/^(file|link|git|git\+\w+|https?|github):/.test(version)) {
    return;
  }
  result.push({ ecosystem: 'npm', name, version, line, path });
}

function getNameFromInstallPath(installPath: string): string {
  const index = installPath.lastIndexOf('node_modules/');
  return installPath.slice(index + 'node_modules/'.length);
}
