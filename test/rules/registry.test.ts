import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { RULES } from '../../src/rules/index.js';
import { FIXTURES_DIR } from '../helpers/fixtures.js';

const RULES_SOURCE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src/rules');

/** Headings every rule page has, in this order. */
const PAGE_HEADINGS = [
  '## What it finds',
  '## Why it matters',
  '## Non-compliant',
  '## Compliant',
  '## Options',
  '## Known limits',
];

/** Fixture folder prefixes that cover each language a rule claims. */
const FIXTURE_PREFIXES: Record<string, string> = {
  python: 'python',
  javascript: 'js',
  typescript: 'ts',
};

function compareIds(left: string, right: string): number {
  const a = left.replace(/^CC/, '').split('.').map(Number);
  const b = right.replace(/^CC/, '').split('.').map(Number);
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) {
      return difference;
    }
  }
  return 0;
}

test('registry ids and names are unique', () => {
  assert.equal(new Set(RULES.map((rule) => rule.id)).size, RULES.length);
  assert.equal(new Set(RULES.map((rule) => rule.name)).size, RULES.length);
});

test('registry is ordered by id', () => {
  const ids = RULES.map((rule) => rule.id);
  assert.deepEqual(ids, [...ids].sort(compareIds));
});

for (const rule of RULES) {
  describe(`${rule.id} ${rule.name} metadata`, () => {
    test('file name equals the rule name', () => {
      assert.ok(fs.existsSync(path.join(RULES_SOURCE, `${rule.name}.ts`)), `${rule.name}.ts`);
      assert.match(rule.name, /^[a-z]+(-[a-z]+)*$/);
    });

    test('summary starts with a rule verb', () => {
      assert.match(rule.summary, /^(Disallow|Require|Enforce) /);
      assert.doesNotMatch(rule.summary, /\.$/);
    });

    test('criterion matches the id', () => {
      assert.ok(rule.id.startsWith(`${rule.criterion}.`), `${rule.id} in ${rule.criterion}`);
      assert.ok(rule.aicpa.length > 0, 'names the AICPA criteria it gives evidence for');
      assert.ok(rule.cwe.every((cwe) => /^CWE-\d+$/.test(cwe)), rule.cwe.join(', '));
    });

    test('messages have camelCase ids and end with a period', () => {
      for (const [id, message] of Object.entries(rule.messages)) {
        assert.match(id, /^[a-z][A-Za-z0-9]*$/, id);
        assert.match(message, /^[A-Z`{]/, `${id} starts with a capital or a placeholder`);
        assert.match(message, /\.$/, `${id} ends with a period`);
      }
    });

    test('page has the fixed headings in order', () => {
      const page = fs.readFileSync(path.join(RULES_SOURCE, `${rule.name}.md`), 'utf8');
      const lines = page.split('\n').filter((line) => line.trim() !== '');
      assert.equal(lines[0], `# ${rule.id} ${rule.name}`);
      assert.equal(lines[1], rule.summary);
      const headings = lines.filter((line) => line.startsWith('## '));
      assert.deepEqual(headings, PAGE_HEADINGS);
    });

    test('options have a description, a default and a page section', () => {
      const page = fs.readFileSync(path.join(RULES_SOURCE, `${rule.name}.md`), 'utf8');
      for (const [name, schema] of Object.entries(rule.options ?? {})) {
        assert.ok(schema.description.length > 0, `${name} has a description`);
        assert.notEqual(schema.default, undefined, `${name} has a default`);
        assert.match(page, new RegExp(`^### ${name}$`, 'm'), `${name} has a page section`);
      }
    });

    test('fixtures cover each claimed language', () => {
      const folders = fs.readdirSync(path.join(FIXTURES_DIR, rule.name));
      for (const language of rule.languages) {
        const prefix = FIXTURE_PREFIXES[language];
        if (prefix === undefined) {
          continue;
        }
        assert.ok(
          folders.some((folder) => folder.startsWith(`${prefix}-`)),
          `a ${prefix}-* fixture folder for ${language}`,
        );
      }
      assert.ok(folders.length > 0);
    });
  });
}
