import semver from 'semver';
import { isMap, isScalar, LineCounter, parseAllDocuments, type YAMLMap } from 'yaml';
import type { LockedPackage } from './types.js';

/**
 * Parses `pnpm-lock.yaml`. The keys of `packages` changed across lockfile versions:
 * `/lodash/4.17.21` and `/@scope/name/1.0.0_peer@2.0.0` in 5.x, `/lodash@4.17.21(peer@2.0.0)` in
 * 6.x, and `lodash@4.17.21` without the leading slash from 9.0 on. Entries that carry `name` and
 * `version` fields (tarball dependencies) use those. pnpm 9 may put a second YAML document
 * before the main one (the package manager's own dependencies); every document is read.
 */
export function parsePnpmLock(text: string, path: string): LockedPackage[] {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter, uniqueKeys: false });
  const documents = Array.isArray(parsed) ? parsed : [];
  const result: LockedPackage[] = [];
  for (const document of documents) {
    if (document.errors.length > 0) {
      throw new Error(document.errors[0].message);
    }
    if (!isMap(document.contents)) {
      throw new Error('Expected a YAML mapping at the top level');
    }
    result.push(...readPackages(document.contents, lineCounter, path));
  }
  return result;
}

function readPackages(root: YAMLMap, lineCounter: LineCounter, path: string): LockedPackage[] {
  const lockfileVersion = Number.parseFloat(String(root.get('lockfileVersion') ?? '0'));
  const packages = root.get('packages', true);
  if (!isMap(packages)) {
    return [];
  }

  const result: LockedPackage[] = [];
  for (const pair of packages.items) {
    if (!isScalar(pair.key)) {
      continue;
    }
    const key = String(pair.key.value);
    const fields = isMap(pair.value) ? pair.value : null;
    const fieldName = fields?.get('name');
    const fieldVersion = fields?.get('version');
    const parsed =
      typeof fieldName === 'string' && typeof fieldVersion === 'string'
        ? { name: fieldName, version: fieldVersion }
        : parsePackageKey(key, lockfileVersion);
    if (!parsed || !semver.valid(parsed.version)) {
      continue;
    }
    const offset = pair.key.range?.[0] ?? 0;
    const line = lineCounter.linePos(offset).line;
    result.push({ ecosystem: 'npm', name: parsed.name, version: parsed.version, line, path });
  }
  return result;
}

function parsePackageKey(
  key: string,
  lockfileVersion: number,
): { name: string; version: string } | null {
  let id = key.replace(/^\//, '').replace(/\(.*$/, '');
  if (lockfileVersion > 0 && lockfileVersion < 6) {
    id = id.replace(/_.*$/, '');
    const segments = id.split('/');
    // A registry host may precede the name: `registry.example.com/lodash/4.17.21`.
    if (segments.length > 2 && segments[0].includes('.') && !segments[0].startsWith('@')) {
      segments.shift();
    }
    const isScoped = segments[0]?.startsWith('@');
    const nameLength = isScoped ? 2 : 1;
    if (segments.length !== nameLength + 1) {
      return null;
    }
    return { name: segments.slice(0, nameLength).join('/'), version: segments[nameLength] };
  }
  const separator = id.indexOf('@', 1);
  if (separator <= 0) {
    return null;
  }
  return { name: id.slice(0, separator), version: id.slice(separator + 1) };
}
