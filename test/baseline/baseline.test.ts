import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  compareWithBaseline,
  createBaseline,
  formatBaseline,
  readBaseline,
} from '../../src/baseline/baseline.js';
import { ConfigError } from '../../src/config/errors.js';
import type { BaselineEntry, Finding } from '../../src/engine/types.js';

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'soc2lint-baseline-'));
after(() => fs.rmSync(folder, { recursive: true, force: true }));

function createTestFinding(fingerprint: string, overrides: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'CC7.1.2',
    ruleName: 'sensitive-data-in-logs',
    criterion: 'CC7.1',
    severity: 'critical',
    cwe: ['CWE-532'],
    messageId: 'sensitiveArgument',
    message: `finding ${fingerprint}`,
    path: 'app.py',
    range: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 2 },
    snippet: '',
    fingerprint,
    remediation: '',
    functionName: null,
    aicpa: [],
    ...overrides,
  };
}

function toEntry(finding: Finding): BaselineEntry {
  const { fingerprint, ruleId, path: findingPath, message } = finding;
  return { fingerprint, ruleId, path: findingPath, message };
}

describe('createBaseline', () => {
  it('records findings sorted by path, rule and fingerprint', () => {
    const baseline = createBaseline([
      createTestFinding('b2', { path: 'z.py' }),
      createTestFinding('c3', { ruleId: 'CC7.4.1' }),
      createTestFinding('a1'),
    ]);

    assert.deepEqual(
      baseline.findings.map((entry) => `${entry.path} ${entry.ruleId} ${entry.fingerprint}`),
      ['app.py CC7.1.2 a1', 'app.py CC7.4.1 c3', 'z.py CC7.1.2 b2'],
    );
    assert.equal(baseline.version, 1);
    assert.deepEqual(baseline.findings[0], {
      fingerprint: 'a1',
      ruleId: 'CC7.1.2',
      path: 'app.py',
      message: 'finding a1',
    });
  });

  it('leaves out suppressed findings and suppression problems', () => {
    const suppressed = createTestFinding('s1', {
      suppression: {
        kind: 'inline',
        reason: 'ok',
        ticket: null,
        approver: null,
        expires: null,
        location: { path: 'app.py', line: 1 },
      },
    });
    const problem = createTestFinding('p1', { ruleId: 'SOC2LINT.suppression' });

    const baseline = createBaseline([suppressed, problem, createTestFinding('a1')]);

    assert.deepEqual(
      baseline.findings.map((entry) => entry.fingerprint),
      ['a1'],
    );
  });
});

describe('compareWithBaseline', () => {
  it('drops matched findings and lists gone entries', () => {
    const kept = createTestFinding('a1');
    const fixed = createTestFinding('f1');
    const entries = [toEntry(kept), toEntry(fixed)];
    const added = createTestFinding('n1');

    const { findings, comparison } = compareWithBaseline([kept, added], entries, 'b.json');

    assert.deepEqual(findings, [added]);
    assert.equal(comparison.matched, 1);
    assert.deepEqual(comparison.absent, [toEntry(fixed)]);
    assert.equal(comparison.file, 'b.json');
  });

  it('matches each entry at most once', () => {
    const finding = createTestFinding('a1');

    const { findings, comparison } = compareWithBaseline(
      [finding, { ...finding }],
      [toEntry(finding)],
      'b.json',
    );

    assert.equal(findings.length, 1);
    assert.equal(comparison.matched, 1);
  });

  it('keeps suppression problems and suppressed findings', () => {
    const problem = createTestFinding('p1', { ruleId: 'SOC2LINT.suppression' });
    const suppressed = createTestFinding('s1', {
      suppression: {
        kind: 'file',
        reason: 'ok',
        ticket: null,
        approver: null,
        expires: null,
        location: { path: 'app.py', line: 1 },
      },
    });

    const { findings, comparison } = compareWithBaseline(
      [problem, suppressed],
      [toEntry(problem), toEntry(suppressed)],
      'b.json',
    );

    assert.deepEqual(findings, [problem, suppressed]);
    assert.equal(comparison.matched, 0);
    // The suppressed finding still exists, so its entry is not gone; the problem's never matches.
    assert.deepEqual(
      comparison.absent.map((entry) => entry.fingerprint),
      ['p1'],
    );
  });
});

describe('readBaseline', () => {
  it('reads what formatBaseline writes', () => {
    const file = path.join(folder, 'round-trip.json');
    const baseline = createBaseline([createTestFinding('a1'), createTestFinding('b2')]);
    fs.writeFileSync(file, formatBaseline(baseline));

    assert.deepEqual(readBaseline(file), baseline.findings);
  });

  it('rejects a missing file with the fix', () => {
    const file = path.join(folder, 'missing.json');

    assert.throws(
      () => readBaseline(file),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message === `--baseline ${file}: not found. Create it with \`soc2lint baseline\`.`,
    );
  });

  it('rejects invalid JSON', () => {
    const file = path.join(folder, 'broken.json');
    fs.writeFileSync(file, '{ "version": 1, ');

    assert.throws(() => readBaseline(file), /^ConfigError: --baseline \S+\.json: invalid JSON: /);
  });

  it('rejects an entry without a fingerprint', () => {
    const file = path.join(folder, 'no-fingerprint.json');
    fs.writeFileSync(file, JSON.stringify({ version: 1, findings: [{ ruleId: 'CC7.1.2' }] }));

    assert.throws(
      () => readBaseline(file),
      /\/findings\/0 must have required property 'fingerprint'\. Write the file again/,
    );
  });
});
