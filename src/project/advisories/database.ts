import fs from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { getErrorMessage, type InputProblem } from '../input-problem.js';
import type { Ecosystem } from '../lockfiles/types.js';
import { isOsvRecord, type OsvRecord } from './osv-record.js';
import { normalizePackageName } from './version-match.js';

const ECOSYSTEMS: Ecosystem[] = ['npm', 'PyPI'];

/** OSV records by package, keyed by `ecosystem:normalized-name`; withdrawn records left out. */
export type AdvisoryIndex = Map<string, OsvRecord[]>;

/** Returns the index key of a package. */
export function getPackageKey(ecosystem: Ecosystem, name: string): string {
  return `${ecosystem}:${normalizePackageName(ecosystem, name)}`;
}

/** The next step that failure messages about an unusable advisory database suggest. */
const DATABASE_HELP =
  'Pass a folder of OSV JSON records or an OSV .zip with --advisory-db (or advisoryDb in the configuration).';

/**
 * Loads OSV records from a directory (every `*.json` below it, symbolic links not followed) or a
 * `.zip` archive such as the per-ecosystem `all.zip` that OSV publishes. Records for ecosystems
 * other than npm and PyPI are dropped; unreadable or invalid records become problems. `failure`
 * is set when the database as a whole is unusable: the location cannot be read, or it contains
 * no valid OSV record.
 */
export function loadAdvisoryDatabase(location: string): {
  index: AdvisoryIndex;
  problems: InputProblem[];
  failure: string | null;
} {
  const index: AdvisoryIndex = new Map();
  const problems: InputProblem[] = [];
  let entries: Array<[string, () => string]>;
  try {
    entries = fs.statSync(location).isDirectory() ? listDirectory(location) : listZip(location);
  } catch (error) {
    const message = getErrorMessage(error);
    problems.push({
      path: location,
      kind: 'unreadable',
      reason: `Advisory database could not be read: ${message}.`,
    });
    const failure = `Advisory database ${location} could not be read: ${message}. ${DATABASE_HELP}`;
    return { index, problems, failure };
  }

  let validCount = 0;
  let invalidCount = 0;
  let firstInvalid = '';
  for (const [name, read] of entries) {
    try {
      const record: unknown = JSON.parse(read());
      if (!isOsvRecord(record)) {
        throw new Error('not an OSV record: no string `id`');
      }
      addRecord(index, record);
      validCount += 1;
    } catch (error) {
      invalidCount += 1;
      firstInvalid ||= `${name}: ${getErrorMessage(error)}`;
    }
  }
  if (invalidCount > 0) {
    problems.push({
      path: location,
      kind: 'skipped',
      reason:
        `${invalidCount} advisory record(s) skipped as invalid JSON or not OSV. ` +
        `First: ${firstInvalid}.`,
    });
  }
  let failure: string | null = null;
  if (validCount === 0) {
    const found = entries.length === 0 ? 'no JSON files' : `${entries.length} JSON file(s), none valid`;
    failure = `Advisory database ${location} contains no OSV records (${found}). ${DATABASE_HELP}`;
  }
  return { index, problems, failure };
}

/** Adds a record under every npm or PyPI package it affects, unless it is withdrawn. */
export function addRecord(index: AdvisoryIndex, record: OsvRecord): void {
  if (record.withdrawn) {
    return;
  }
  const keys = new Set<string>();
  for (const affected of Array.isArray(record.affected) ? record.affected : []) {
    const ecosystem = ECOSYSTEMS.find((name) => name === affected.package?.ecosystem);
    const name = affected.package?.name;
    if (ecosystem && typeof name === 'string') {
      keys.add(getPackageKey(ecosystem, name));
    }
  }
  for (const key of keys) {
    const records = index.get(key) ?? [];
    records.push(record);
    index.set(key, records);
  }
}

function listDirectory(root: string): Array<[string, () => string]> {
  const files: Array<[string, () => string]> = [];
  const pending = [root];
  while (pending.length > 0) {
    const directory = pending.pop() as string;
    for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
      const fullPath = path.join(directory, entry.name);
      if (entry.isDirectory()) {
        pending.push(fullPath);
      } else if (entry.isFile() && entry.name.endsWith('.json')) {
        files.push([path.relative(root, fullPath), () => fs.readFileSync(fullPath, 'utf8')]);
      }
    }
  }
  return files.sort(([a], [b]) => a.localeCompare(b));
}

function listZip(location: string): Array<[string, () => string]> {
  const archive = unzipSync(fs.readFileSync(location), {
    filter: (file) => file.name.endsWith('.json'),
  });
  const decoder = new TextDecoder();
  return Object.entries(archive).map(([name, data]) => [name, () => decoder.decode(data)]);
}
