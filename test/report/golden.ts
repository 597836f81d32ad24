import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';

/** Golden files live in the source tree, while the tests run from `dist/test/report/`. */
const GOLDEN_DIR = new URL('../../../test/report/golden/', import.meta.url);

/**
 * Asserts that `actual` equals the golden file `name` byte for byte. With UPDATE_GOLDEN=1 it
 * rewrites the file instead, so review the diff before committing it.
 */
export function assertGolden(name: string, actual: string): void {
  const url = new URL(name, GOLDEN_DIR);
  if (process.env.UPDATE_GOLDEN === '1') {
    writeFileSync(url, actual);
    return;
  }

  const expected = readFileSync(url, 'utf8');
  assert.equal(actual, expected, `Output differs from test/report/golden/${name}`);
}

/** Reads a JSON file relative to the repository root. */
export function readRepoJson(path: string): unknown {
  const url = new URL(`../../../${path}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8'));
}
