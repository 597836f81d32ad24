import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError } from '../../src/config/errors.js';
import { findExceptionsFile, loadExceptions } from '../../src/suppressions/exceptions.js';

const KNOWN_RULES: Record<string, string> = {
  'CC7.1.2': 'CC7.1.2',
  'sensitive-data-in-logs': 'CC7.1.2',
};

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'soc2lint-exceptions-'));
after(() => fs.rmSync(folder, { recursive: true, force: true }));

let fileCount = 0;

function writeFile(name: string, text: string): string {
  const directory = path.join(folder, String(fileCount++));
  fs.mkdirSync(directory);
  const file = path.join(directory, name);
  fs.writeFileSync(file, text);
  return file;
}

function load(file: string) {
  return loadExceptions(file, (key) => KNOWN_RULES[key]);
}

/** Loads `text` as an exceptions file and returns the ConfigError message it raises. */
function getLoadError(text: string, name = '.soc2lint-exceptions.yaml'): string {
  const file = writeFile(name, text);
  try {
    load(file);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `Expected a ConfigError, got ${String(error)}`);
    assert.ok(!error.message.includes('\n'), 'Expected a one-line message');
    return error.message.slice(file.length + 2);
  }
  throw new Error('Expected the file to be rejected, but it loaded');
}

const VALID = `version: 1
exceptions:
  - fingerprint: 3f2a9c01d4e5b6a7
    reason: The token is a public test key.
    ticket: SEC-101
    approver: dana@example.com
    expires: 2027-03-31

  - rule: sensitive-data-in-logs
    path: legacy/**/*.py
    reason: Legacy billing code, retired with the Q3 migration.
    ticket: 4521
`;

describe('loadExceptions', () => {
  it('loads a valid YAML file', () => {
    const { entries } = load(writeFile('.soc2lint-exceptions.yaml', VALID));

    assert.equal(entries.length, 2);
    assert.equal(entries[0]!.fingerprint, '3f2a9c01d4e5b6a7');
    assert.equal(entries[0]!.expires, '2027-03-31');
    assert.equal(entries[0]!.approver, 'dana@example.com');
    assert.equal(entries[0]!.line, 3);
    assert.equal(entries[1]!.ruleId, 'CC7.1.2');
    assert.equal(entries[1]!.ticket, '4521');
    assert.equal(entries[1]!.line, 9);
    assert.equal(entries[1]!.matchPath?.('legacy/billing/invoice.py'), true);
    assert.equal(entries[1]!.matchPath?.('app/invoice.py'), false);
  });

  it('loads a valid JSON file', () => {
    const json = JSON.stringify({
      exceptions: [{ rule: 'CC7.1.2', path: 'scripts/*.py', reason: 'One-off admin scripts.' }],
    });

    const { entries } = load(writeFile('.soc2lint-exceptions.json', json));

    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.matchPath?.('scripts/seed.py'), true);
  });

  it('rejects an entry without a reason', () => {
    const message = getLoadError('exceptions:\n  - rule: CC7.1.2\n    path: src/**\n');

    assert.equal(
      message,
      'exceptions[0] (CC7.1.2 src/**) has no reason. Add reason: saying why it is accepted.',
    );
  });

  it('rejects an empty reason', () => {
    const message = getLoadError('exceptions:\n  - fingerprint: abcdef12\n    reason: " "\n');

    assert.match(message, /^exceptions\[0\]\.reason \(abcdef12\) is empty\./);
  });

  it('rejects an entry with neither fingerprint nor rule and path', () => {
    const message = getLoadError('exceptions:\n  - rule: CC7.1.2\n    reason: all of it\n');

    assert.match(message, /^exceptions\[0\] \(CC7\.1\.2\) needs a fingerprint, or a rule and a/);
  });

  it('rejects an invalid date', () => {
    const message = getLoadError(
      'exceptions:\n  - fingerprint: abcdef12\n    reason: ok\n    expires: 31/03/2027\n',
    );

    assert.equal(
      message,
      'exceptions[0].expires (abcdef12) is "31/03/2027", not a date. Write it as YYYY-MM-DD.',
    );
  });

  it('rejects an impossible date', () => {
    const message = getLoadError(
      'exceptions:\n  - fingerprint: abcdef12\n    reason: ok\n    expires: 2027-02-30\n',
    );

    assert.match(message, /^exceptions\[0\]\.expires "2027-02-30" is not a calendar date\./);
  });

  it('rejects an unknown key', () => {
    const message = getLoadError(
      'exceptions:\n  - fingerprint: abcdef12\n    reason: ok\n    aprover: dana\n',
    );

    assert.match(message, /^exceptions\[0\] \(abcdef12\) has unknown key "aprover"\. Use only /);
  });

  it('rejects an unknown rule', () => {
    const message = getLoadError('exceptions:\n  - rule: CC9.9.9\n    path: "*"\n    reason: ok\n');

    assert.match(message, /^exceptions\[0\]\.rule "CC9\.9\.9" is not a known rule id or name\./);
  });

  it('rejects a file without the exceptions list', () => {
    const message = getLoadError('- fingerprint: abcdef12\n  reason: ok\n');

    assert.equal(message, 'expected a mapping with an exceptions: list at the top level.');
  });

  it('rejects invalid YAML', () => {
    const message = getLoadError('exceptions: [\n');

    assert.match(message, /^invalid YAML: /);
  });

  it('rejects a missing file', () => {
    assert.throws(() => load(path.join(folder, 'none.yaml')), /exceptions file not found/);
  });
});

describe('findExceptionsFile', () => {
  it('finds the default names in order', () => {
    const directory = fs.mkdtempSync(path.join(folder, 'find-'));

    assert.equal(findExceptionsFile(directory), null);
    fs.writeFileSync(path.join(directory, '.soc2lint-exceptions.yml'), VALID);
    assert.equal(findExceptionsFile(directory), path.join(directory, '.soc2lint-exceptions.yml'));
    fs.writeFileSync(path.join(directory, '.soc2lint-exceptions.yaml'), VALID);
    assert.equal(findExceptionsFile(directory), path.join(directory, '.soc2lint-exceptions.yaml'));
  });
});
