import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { formatJson, type JsonReport } from '../../src/report/json.js';
import { assertGolden, readRepoJson } from './golden.js';
import { RULES, SCAN_RESULT } from './scan-result.js';

const OPTIONS = { toolVersion: '0.1.0' };

function compileReportSchema() {
  const ajv = new Ajv2020({ allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(readRepoJson('schema/report.schema.json') as object);
}

describe('formatJson', () => {
  it('matches the golden report', () => {
    assertGolden('report.json', formatJson(SCAN_RESULT, RULES, OPTIONS));
  });

  it('validates against schema/report.schema.json', () => {
    const validate = compileReportSchema();
    const report: unknown = JSON.parse(formatJson(SCAN_RESULT, RULES, OPTIONS));

    const isValid = validate(report);

    assert.deepEqual(validate.errors ?? [], []);
    assert.equal(isValid, true);
  });

  it('validates an empty scan against the schema', () => {
    const validate = compileReportSchema();
    const result = { ...SCAN_RESULT, findings: [], notes: [] };

    const isValid = validate(JSON.parse(formatJson(result, RULES, OPTIONS)));

    assert.deepEqual(validate.errors ?? [], []);
    assert.equal(isValid, true);
  });

  it('rejects a report with an unknown field', () => {
    const validate = compileReportSchema();
    const report = JSON.parse(formatJson(SCAN_RESULT, RULES, OPTIONS)) as JsonReport;
    const tampered = { ...report, findings: [{ ...report.findings[0], extra: true }] };

    assert.equal(validate(tampered), false);
  });

  it('sorts findings by path, line and column', () => {
    const report = JSON.parse(formatJson(SCAN_RESULT, RULES, OPTIONS)) as JsonReport;

    const order = report.findings.map(
      (finding) => `${finding.path}:${finding.startLine}:${finding.startColumn}`,
    );

    assert.deepEqual(order, [
      'app/views/login.py:24:9',
      'app/views/login.py:31:16',
      'src/server.ts:8:1',
    ]);
  });

  it('counts findings by severity and rule', () => {
    const report = JSON.parse(formatJson(SCAN_RESULT, RULES, OPTIONS)) as JsonReport;

    assert.equal(report.summary.findings, 3);
    assert.deepEqual(report.summary.bySeverity, { critical: 2, high: 1, medium: 0, low: 0 });
    assert.deepEqual(report.summary.byRule, { 'CC7.1.2': 2, 'CC7.4.1': 1 });
  });

  it('keeps the snippet the finding carried', () => {
    const report = JSON.parse(formatJson(SCAN_RESULT, RULES, OPTIONS)) as JsonReport;
    const masked = report.findings.find((finding) => finding.path === 'src/server.ts');

    assert.equal(masked?.snippet, SCAN_RESULT.findings[0].snippet);
  });
});
