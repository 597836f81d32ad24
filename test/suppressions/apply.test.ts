import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../../src/engine/types.js';
import {
  applySuppressions,
  createProblemFindings,
  type SuppressionSources,
} from '../../src/suppressions/apply.js';
import { getLanguageSyntax } from '../../src/suppressions/comments.js';
import { parseDirectives } from '../../src/suppressions/directives.js';
import type { ExceptionEntry } from '../../src/suppressions/exceptions.js';

const PYTHON = getLanguageSyntax('python');

/** Rule ids and names these tests treat as registered. */
const KNOWN_RULES: Record<string, string> = {
  'CC7.1.2': 'CC7.1.2',
  'sensitive-data-in-logs': 'CC7.1.2',
  'CC7.4.1': 'CC7.4.1',
  'error-disclosure': 'CC7.4.1',
};

function createTestFinding(overrides: Partial<Finding> & { line: number }): Finding {
  const { line, ...rest } = overrides;
  return {
    ruleId: 'CC7.1.2',
    ruleName: 'sensitive-data-in-logs',
    criterion: 'CC7.1',
    severity: 'critical',
    cwe: ['CWE-532'],
    messageId: 'sensitiveArgument',
    message: '`password` reaches `logger.info` unmasked. Mask it or leave it out.',
    path: 'app.py',
    range: { startLine: line, startColumn: 5, endLine: line, endColumn: 30 },
    snippet: '',
    fingerprint: `fp-${line}`,
    remediation: '',
    functionName: null,
    aicpa: [],
    ...rest,
  };
}

function createSources(
  files: Record<string, string>,
  overrides: Partial<SuppressionSources> = {},
): SuppressionSources {
  const directives = new Map(
    Object.entries(files).map(([path, source]) => [path, parseDirectives(source, PYTHON)]),
  );
  return {
    directives,
    exceptions: null,
    exceptionsPath: null,
    today: '2026-06-15',
    resolveRule: (key) => KNOWN_RULES[key],
    activeRuleIds: new Set(['CC7.1.2', 'CC7.4.1']),
    reportUnused: false,
    ...overrides,
  };
}

function createEntry(overrides: Partial<ExceptionEntry>): ExceptionEntry {
  return {
    index: 0,
    line: 2,
    fingerprint: null,
    ruleId: null,
    path: null,
    reason: 'accepted by the security team',
    ticket: 'SEC-42',
    approver: 'dana@example.com',
    expires: null,
    matchPath: null,
    ...overrides,
  };
}

const APP = `import logging
# soc2lint-disable-next-line CC7.1.2 -- masked by the LogFilter in log.py
logger.info("pw %s", password)
logger.info("pw %s", password)  # soc2lint-disable-line sensitive-data-in-logs -- test fixture
logger.info("pw %s", password)
`;

describe('applySuppressions', () => {
  it('applies next-line and same-line comments', () => {
    const findings = [3, 4, 5].map((line) => createTestFinding({ line }));

    const problems = applySuppressions(findings, createSources({ 'app.py': APP }));

    assert.deepEqual(problems, []);
    assert.deepEqual(findings[0]!.suppression, {
      kind: 'inline',
      reason: 'masked by the LogFilter in log.py',
      ticket: null,
      approver: null,
      expires: null,
      location: { path: 'app.py', line: 2 },
    });
    assert.equal(findings[1]!.suppression?.reason, 'test fixture');
    assert.equal(findings[1]!.suppression?.location.line, 4);
    assert.equal(findings[2]!.suppression, undefined);
  });

  it('leaves other rules unsuppressed', () => {
    const finding = createTestFinding({ line: 3, ruleId: 'CC7.4.1', ruleName: 'error-disclosure' });

    applySuppressions([finding], createSources({ 'app.py': APP }));

    assert.equal(finding.suppression, undefined);
  });

  it('applies a file-level comment', () => {
    const source = `
"""Legacy module."""
# soc2lint-disable-file CC7.1.2, CC7.4.1 -- retired in Q3
`;
    const findings = [
      createTestFinding({ line: 40 }),
      createTestFinding({ line: 50, ruleId: 'CC7.4.1', ruleName: 'error-disclosure' }),
    ];

    applySuppressions(findings, createSources({ 'app.py': source }));

    assert.equal(findings[0]!.suppression?.kind, 'file');
    assert.equal(findings[1]!.suppression?.kind, 'file');
    assert.equal(findings[1]!.suppression?.reason, 'retired in Q3');
  });

  it('applies comments only to their own file', () => {
    const finding = createTestFinding({ line: 3, path: 'other.py' });

    applySuppressions([finding], createSources({ 'app.py': APP }));

    assert.equal(finding.suppression, undefined);
  });

  it('brings back a finding after expiry', () => {
    const source = `
# soc2lint-disable-next-line CC7.1.2 until=2026-06-14 -- until the new logger ships
log(x)
`;
    const finding = createTestFinding({ line: 3 });

    applySuppressions([finding], createSources({ 'app.py': source }));

    assert.equal(finding.suppression, undefined);
    assert.equal(finding.expiredSuppression?.expires, '2026-06-14');
    assert.match(finding.message, / Its inline suppression expired on 2026-06-14\.$/);
  });

  it('keeps a suppression through its expiry day', () => {
    const source = `
# soc2lint-disable-next-line CC7.1.2 until=2026-06-15 -- until the new logger ships
log(x)
`;
    const finding = createTestFinding({ line: 3 });

    applySuppressions([finding], createSources({ 'app.py': source }));

    assert.equal(finding.suppression?.expires, '2026-06-15');
    assert.equal(finding.expiredSuppression, undefined);
  });

  it('reports a comment without a reason', () => {
    const source = 'x = 1\n# soc2lint-disable-next-line CC7.1.2\nlog(x)\n';
    const finding = createTestFinding({ line: 3 });

    const problems = applySuppressions([finding], createSources({ 'app.py': source }));

    assert.equal(finding.suppression, undefined);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.messageId, 'missingReason');
    assert.equal(problems[0]!.path, 'app.py');
    assert.equal(problems[0]!.severity, 'high');
  });

  it('reports an unknown rule and applies the known one', () => {
    const source = `
# soc2lint-disable-next-line CC7.1.2, CC9.9.9 -- typo in the second id
log(x)
`;
    const finding = createTestFinding({ line: 3 });

    const problems = applySuppressions([finding], createSources({ 'app.py': source }));

    assert.equal(finding.suppression?.kind, 'inline');
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.messageId, 'unknownRule');
    assert.equal(problems[0]!.data.rule, 'CC9.9.9');
  });

  it('reports unused comments on request', () => {
    const findings = [createTestFinding({ line: 3 })];

    const quiet = applySuppressions(findings, createSources({ 'app.py': APP }));
    const problems = applySuppressions(
      [createTestFinding({ line: 3 })],
      createSources({ 'app.py': APP }, { reportUnused: true }),
    );

    assert.deepEqual(quiet, []);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.messageId, 'unusedSuppression');
    assert.equal(problems[0]!.range.startLine, 4);
    assert.equal(problems[0]!.severity, 'low');
  });

  it('skips unused checks for rules that did not run', () => {
    const problems = applySuppressions(
      [],
      createSources({ 'app.py': APP }, { reportUnused: true, activeRuleIds: new Set(['CC7.4.1']) }),
    );

    assert.deepEqual(problems, []);
  });

  it('applies an exception by fingerprint', () => {
    const finding = createTestFinding({ line: 9, fingerprint: 'abc123' });
    const entry = createEntry({ fingerprint: 'abc123' });
    const exceptions = { file: '/repo/.soc2lint-exceptions.yaml', entries: [entry] };

    applySuppressions(
      [finding],
      createSources({}, { exceptions, exceptionsPath: '.soc2lint-exceptions.yaml' }),
    );

    assert.deepEqual(finding.suppression, {
      kind: 'exception',
      reason: 'accepted by the security team',
      ticket: 'SEC-42',
      approver: 'dana@example.com',
      expires: null,
      location: { path: '.soc2lint-exceptions.yaml', line: 2 },
    });
  });

  it('applies an exception by rule and path', () => {
    const matching = createTestFinding({ line: 9, path: 'legacy/billing.py' });
    const otherPath = createTestFinding({ line: 9, path: 'app/billing.py' });
    const entry = createEntry({
      ruleId: 'CC7.1.2',
      path: 'legacy/**',
      matchPath: (path) => path.startsWith('legacy/'),
    });

    applySuppressions(
      [matching, otherPath],
      createSources(
        {},
        { exceptions: { file: '/repo/x.yaml', entries: [entry] }, exceptionsPath: 'x.yaml' },
      ),
    );

    assert.equal(matching.suppression?.kind, 'exception');
    assert.equal(otherPath.suppression, undefined);
  });

  it('brings back a finding after its exception expires', () => {
    const finding = createTestFinding({ line: 9, fingerprint: 'abc123' });
    const entry = createEntry({ fingerprint: 'abc123', expires: '2026-01-31' });

    applySuppressions(
      [finding],
      createSources(
        {},
        { exceptions: { file: '/repo/x.yaml', entries: [entry] }, exceptionsPath: 'x.yaml' },
      ),
    );

    assert.equal(finding.suppression, undefined);
    assert.equal(finding.expiredSuppression?.kind, 'exception');
    assert.match(finding.message, /Its exceptions-file suppression expired on 2026-01-31\.$/);
  });

  it('prefers a comment in effect over an expired one', () => {
    const source = `# soc2lint-disable-file CC7.1.2 until=2020-01-01 -- old
x = 1
log(x)  # soc2lint-disable-line CC7.1.2 -- current
`;
    const finding = createTestFinding({ line: 3 });

    applySuppressions([finding], createSources({ 'app.py': source }));

    assert.equal(finding.suppression?.reason, 'current');
    assert.equal(finding.expiredSuppression, undefined);
  });

  it('reports unused exceptions on request', () => {
    const entry = createEntry({ index: 3, line: 12, fingerprint: 'gone' });

    const problems = applySuppressions(
      [createTestFinding({ line: 1 })],
      createSources(
        {},
        {
          exceptions: { file: '/repo/.soc2lint-exceptions.yaml', entries: [entry] },
          exceptionsPath: '.soc2lint-exceptions.yaml',
          reportUnused: true,
        },
      ),
    );

    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.messageId, 'unusedException');
    assert.equal(problems[0]!.path, '.soc2lint-exceptions.yaml');
    assert.equal(problems[0]!.range.startLine, 12);
    assert.equal(problems[0]!.data.entry, 'exceptions[3] (gone)');
  });
});

describe('createProblemFindings', () => {
  it('builds findings of the suppression rule', () => {
    const source = 'x = 1\n# soc2lint-disable-next-line CC7.1.2\nlog(x)\n';
    const problems = applySuppressions([], createSources({ 'app.py': source }));

    const [finding] = createProblemFindings(problems, () => source.split('\n'));

    assert.equal(finding?.ruleId, 'SOC2LINT.suppression');
    assert.equal(finding?.severity, 'high');
    assert.equal(finding?.range.startLine, 2);
    assert.equal(finding?.snippet, '# soc2lint-disable-next-line CC7.1.2');
    assert.match(finding!.message, /has no reason, so it suppresses nothing/);
  });
});
