import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { Finding, ScanResult, Suppression } from '../../src/engine/types.js';
import { formatJson, type JsonReport } from '../../src/report/json.js';
import { formatSarif } from '../../src/report/sarif.js';
import { formatText } from '../../src/report/text.js';
import { SUPPRESSION_RULE } from '../../src/suppressions/suppression-rule.js';
import { readRepoJson } from './golden.js';
import { RULES, SCAN_RESULT } from './scan-result.js';

const INLINE: Suppression = {
  kind: 'inline',
  reason: 'The key is a public test key.',
  ticket: null,
  approver: null,
  expires: '2099-12-31',
  location: { path: 'src/server.ts', line: 7 },
};

const EXCEPTION: Suppression = {
  kind: 'exception',
  reason: 'Login errors are shown only on the admin host.',
  ticket: 'SEC-12',
  approver: 'dana@example.com',
  expires: null,
  location: { path: '.soc2lint-exceptions.yaml', line: 3 },
};

const [SERVER_FINDING, LOGIN_ERROR, LOGIN_LOG] = SCAN_RESULT.findings as [
  Finding,
  Finding,
  Finding,
];

const PROBLEM: Finding = {
  ruleId: SUPPRESSION_RULE.id,
  ruleName: SUPPRESSION_RULE.name,
  criterion: SUPPRESSION_RULE.criterion,
  severity: 'high',
  cwe: [],
  messageId: 'missingReason',
  message: '`soc2lint-disable-line CC7.1.2` has no reason, so it suppresses nothing.',
  path: 'app/views/login.py',
  range: { startLine: 24, startColumn: 75, endLine: 24, endColumn: 110 },
  snippet: '',
  fingerprint: 'ffee',
  remediation: SUPPRESSION_RULE.remediation,
  functionName: null,
  aicpa: [],
};

/** The report test scan with one finding suppressed inline and one by the exceptions file. */
const SUPPRESSED_RESULT: ScanResult = {
  ...SCAN_RESULT,
  findings: [
    { ...SERVER_FINDING, suppression: INLINE },
    { ...LOGIN_ERROR, suppression: EXCEPTION },
    LOGIN_LOG,
  ],
};

function compileSarifSchema() {
  // The OASIS schema declares draft-04; see sarif.test.ts for why this reads it correctly.
  const ajv = new Ajv({ strict: false, validateSchema: false, allErrors: true });
  ajv.removeKeyword('id');
  addFormats.default(ajv);
  return ajv.compile(readRepoJson('test/report/sarif-schema-2.1.0.json') as object);
}

interface SarifRun {
  results: {
    ruleId: string;
    ruleIndex?: number;
    suppressions?: { kind: string; status: string; justification: string; properties?: object }[];
    baselineState?: string;
    properties: Record<string, unknown>;
  }[];
  tool: { driver: { rules: { id: string }[] } };
  properties?: Record<string, unknown>;
}

function toSarifRun(result: ScanResult, rules = RULES): SarifRun {
  const log = JSON.parse(formatSarif(result, rules, { toolVersion: '0.1.0' })) as {
    runs: SarifRun[];
  };
  return log.runs[0]!;
}

describe('suppressed findings in SARIF', () => {
  it('validates against the SARIF 2.1.0 schema', () => {
    const validate = compileSarifSchema();
    const result: ScanResult = {
      ...SUPPRESSED_RESULT,
      findings: [...SUPPRESSED_RESULT.findings, PROBLEM],
      baseline: { file: '.soc2lint-baseline.json', matched: 4, absent: [] },
      diff: {
        mode: 'diff-base',
        ref: 'origin/main',
        baseCommit: 'a'.repeat(40),
        changedFiles: 2,
        outside: 1,
      },
    };

    const isValid = validate(
      JSON.parse(formatSarif(result, [...RULES, SUPPRESSION_RULE], { toolVersion: '0.1.0' })),
    );

    assert.deepEqual(validate.errors ?? [], []);
    assert.equal(isValid, true);
  });

  it('marks comments inSource and exceptions external', () => {
    const run = toSarifRun(SUPPRESSED_RESULT);
    const byRule = new Map(run.results.map((result) => [result.ruleId, result]));

    assert.deepEqual(byRule.get('CC7.4.1')?.suppressions, [
      {
        kind: 'external',
        status: 'accepted',
        justification: 'Login errors are shown only on the admin host.',
        location: {
          physicalLocation: {
            artifactLocation: { uri: '.soc2lint-exceptions.yaml', uriBaseId: 'SRCROOT' },
            region: { startLine: 3 },
          },
        },
        properties: { ticket: 'SEC-12', approver: 'dana@example.com' },
      },
    ]);
    const inline = run.results.find((result) => result.suppressions?.[0]?.kind === 'inSource');
    assert.equal(inline?.suppressions?.[0]?.justification, 'The key is a public test key.');
    assert.deepEqual(inline?.suppressions?.[0]?.properties, { expires: '2099-12-31' });
  });

  it('leaves unsuppressed results without suppressions', () => {
    const run = toSarifRun(SUPPRESSED_RESULT);

    const unsuppressed = run.results.filter((result) => result.suppressions === undefined);

    assert.equal(unsuppressed.length, 1);
  });

  it('marks results new against a baseline', () => {
    const run = toSarifRun({
      ...SCAN_RESULT,
      baseline: { file: 'b.json', matched: 2, absent: [] },
    });

    assert.deepEqual(
      run.results.map((result) => result.baselineState),
      ['new', 'new', 'new'],
    );
    assert.deepEqual(run.properties, { baseline: { file: 'b.json', matched: 2, absent: 0 } });
  });

  it('sets no baselineState without a baseline', () => {
    const run = toSarifRun(SCAN_RESULT);

    assert.equal(run.properties, undefined);
    assert.ok(run.results.every((result) => result.baselineState === undefined));
  });

  it('indexes the suppression rule when given', () => {
    const run = toSarifRun(
      { ...SCAN_RESULT, findings: [PROBLEM] },
      [...RULES, SUPPRESSION_RULE],
    );

    const index = run.results[0]!.ruleIndex!;
    assert.equal(run.tool.driver.rules[index]!.id, 'SOC2LINT.suppression');
  });
});

describe('suppressed findings in JSON', () => {
  it('counts suppressed findings apart', () => {
    const report = JSON.parse(
      formatJson(SUPPRESSED_RESULT, RULES, { toolVersion: '0.1.0' }),
    ) as JsonReport;

    assert.equal(report.summary.findings, 1);
    assert.equal(report.summary.suppressed, 2);
    assert.deepEqual(report.summary.bySeverity, { critical: 1, high: 0, medium: 0, low: 0 });
    assert.equal(report.findings.length, 3);
  });

  it('carries the suppression object', () => {
    const report = JSON.parse(
      formatJson(SUPPRESSED_RESULT, RULES, { toolVersion: '0.1.0' }),
    ) as JsonReport;

    const excepted = report.findings.find((finding) => finding.ruleId === 'CC7.4.1');
    assert.deepEqual(excepted?.suppression, EXCEPTION);
  });

  it('adds baseline and diff fields only when set', () => {
    const options = { toolVersion: '0.1.0' };
    const plain = JSON.parse(formatJson(SCAN_RESULT, RULES, options)) as JsonReport;
    const scoped = JSON.parse(
      formatJson(
        {
          ...SCAN_RESULT,
          baseline: { file: 'b.json', matched: 1, absent: [] },
          diff: { mode: 'staged', ref: 'INDEX', baseCommit: '', changedFiles: 1, outside: 0 },
        },
        RULES,
        options,
      ),
    ) as JsonReport;

    assert.equal(plain.baseline, undefined);
    assert.equal(plain.diff, undefined);
    assert.equal(plain.summary.suppressed, undefined);
    assert.deepEqual(scoped.baseline, { file: 'b.json', matched: 1, absent: [] });
    assert.equal(scoped.diff?.mode, 'staged');
  });
});

describe('suppressed findings in text', () => {
  it('counts them instead of listing them', () => {
    const text = formatText(SUPPRESSED_RESULT, RULES, { color: false });

    assert.doesNotMatch(text, /STRIPE_KEY/);
    assert.doesNotMatch(text, /str\(e\)/);
    assert.match(text, /logger\.warning/);
    assert.match(text, /^1 finding in 1 file: /m);
    assert.match(
      text,
      /^2 suppressed findings not shown; the JSON and SARIF reports give their reasons\.$/m,
    );
  });

  it('prints no count without suppressed findings', () => {
    const text = formatText(SCAN_RESULT, RULES, { color: false });

    assert.doesNotMatch(text, /suppressed/);
  });
});
