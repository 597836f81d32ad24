import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { formatSarif, type SarifOptions } from '../../src/report/sarif.js';
import { SEVERITIES, type RuleMeta } from '../../src/rules/types.js';
import { assertGolden, readRepoJson } from './golden.js';
import { RULES, SCAN_RESULT } from './scan-result.js';

const OPTIONS: SarifOptions = {
  toolVersion: '0.1.0',
  informationUri: 'https://example.com/soc2lint',
  ruleHelp: (rule: RuleMeta) =>
    rule.id === 'CC7.1.2' ? '# CC7.1.2 sensitive-data-in-logs\n\nMask secrets.' : undefined,
};

const SECURITY_SEVERITY = { critical: '9.0', high: '7.0', medium: '5.0', low: '3.0' };
const LEVEL = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };

interface SarifResult {
  ruleId: string;
  ruleIndex?: number;
  level: string;
  message: { text: string };
  locations: {
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId: string };
      region: { startLine: number; snippet?: { text: string } };
    };
  }[];
  partialFingerprints: Record<string, string>;
  properties: Record<string, unknown>;
}

interface SarifRule {
  id: string;
  name: string;
  help: { text: string; markdown: string };
  defaultConfiguration: { level: string };
  properties: { tags: string[]; 'security-severity': string; precision: string };
}

interface SarifLog {
  version: string;
  runs: {
    tool: { driver: { name: string; rules: SarifRule[] } };
    invocations: {
      executionSuccessful: boolean;
      toolExecutionNotifications: { message: { text: string } }[];
    }[];
    originalUriBaseIds: Record<string, { uri: string }>;
    results: SarifResult[];
  }[];
}

function toSarifLog(result = SCAN_RESULT): SarifLog {
  return JSON.parse(formatSarif(result, RULES, OPTIONS)) as SarifLog;
}

/**
 * Compiles the OASIS SARIF 2.1.0 schema. It declares JSON Schema draft-04, which Ajv 8 does not
 * bundle. Its only draft-04 keyword is `id` (draft-07 `$id`), which Ajv 8 rejects, and all its
 * references are local (`#/definitions/…`), so Ajv's draft-07 validator reads it correctly once
 * the meta-schema check is off and `id` is dropped from the vocabulary.
 */
function compileSarifSchema() {
  const ajv = new Ajv({ strict: false, validateSchema: false, allErrors: true });
  ajv.removeKeyword('id');
  addFormats.default(ajv);
  return ajv.compile(readRepoJson('test/report/sarif-schema-2.1.0.json') as object);
}

describe('formatSarif', () => {
  it('matches the golden log', () => {
    assertGolden('report.sarif', formatSarif(SCAN_RESULT, RULES, OPTIONS));
  });

  it('validates against the SARIF 2.1.0 schema', () => {
    const validate = compileSarifSchema();

    const isValid = validate(toSarifLog());

    assert.deepEqual(validate.errors ?? [], []);
    assert.equal(isValid, true);
  });

  it('validates an empty scan against the schema', () => {
    const validate = compileSarifSchema();

    const isValid = validate(toSarifLog({ ...SCAN_RESULT, findings: [], notes: [] }));

    assert.deepEqual(validate.errors ?? [], []);
    assert.equal(isValid, true);
  });

  it('schema check rejects a broken log', () => {
    const validate = compileSarifSchema();
    const log = toSarifLog();
    log.runs[0].results[0].level = 'critical';

    assert.equal(validate(log), false);
  });

  it('lists every rule in id order', () => {
    const { rules } = toSarifLog().runs[0].tool.driver;

    assert.deepEqual(
      rules.map((rule) => rule.id),
      ['CC7.1.2', 'CC7.2.2', 'CC7.4.1'],
    );
    assert.deepEqual(
      rules.map((rule) => rule.name),
      ['sensitive-data-in-logs', 'rate-limiting', 'error-disclosure'],
    );
  });

  it('gives rules security-severity and level', () => {
    const { rules } = toSarifLog().runs[0].tool.driver;

    for (const rule of rules) {
      const meta = RULES.find((candidate) => candidate.id === rule.id);
      assert.ok(meta, `Expected metadata for ${rule.id}`);
      assert.equal(rule.properties['security-severity'], SECURITY_SEVERITY[meta.severity]);
      assert.equal(rule.defaultConfiguration.level, LEVEL[meta.severity]);
      assert.equal(rule.properties.precision, 'high');
    }
  });

  it('tags rules with criterion and CWE', () => {
    const { rules } = toSarifLog().runs[0].tool.driver;

    const tags = rules.map((rule) => rule.properties.tags);

    assert.deepEqual(tags, [
      ['security', 'CC7.1', 'external/cwe/cwe-532'],
      ['security', 'CC7.2', 'external/cwe/cwe-307', 'external/cwe/cwe-770'],
      ['security', 'CC7.4', 'external/cwe/cwe-209'],
    ]);
  });

  it('takes help from ruleHelp, else remediation', () => {
    const { rules } = toSarifLog().runs[0].tool.driver;

    assert.equal(rules[0].help.markdown, '# CC7.1.2 sensitive-data-in-logs\n\nMask secrets.');
    assert.equal(rules[1].help.text, RULES[0].remediation);
    assert.equal(rules[1].help.markdown, RULES[0].remediation);
  });

  it('gives results rule ids, indexes and severities', () => {
    const run = toSarifLog().runs[0];

    for (const result of run.results) {
      const finding = SCAN_RESULT.findings.find(
        (candidate) => candidate.fingerprint === result.partialFingerprints['soc2lint/v1'],
      );
      assert.ok(finding, `Expected a finding for ${result.partialFingerprints['soc2lint/v1']}`);
      assert.match(result.ruleId, /^CC\d+\.\d+\.\d+$/);
      assert.equal(result.ruleId, finding.ruleId);
      assert.equal(run.tool.driver.rules[result.ruleIndex ?? -1]?.id, result.ruleId);
      assert.equal(result.level, LEVEL[finding.severity]);
      assert.equal(result.properties['security-severity'], SECURITY_SEVERITY[finding.severity]);
    }
  });

  it('maps every severity to level and score', () => {
    const [finding] = SCAN_RESULT.findings;
    const findings = SEVERITIES.map((severity, line) => ({
      ...finding,
      severity,
      range: { ...finding.range, startLine: line + 1 },
    }));

    const { results } = toSarifLog({ ...SCAN_RESULT, findings }).runs[0];

    assert.deepEqual(
      results.map((result) => [result.level, result.properties['security-severity']]),
      [
        ['error', '9.0'],
        ['error', '7.0'],
        ['warning', '5.0'],
        ['note', '3.0'],
      ],
    );
  });

  it('sorts results by path and line', () => {
    const { results } = toSarifLog().runs[0];

    const order = results.map((result) => {
      const { artifactLocation, region } = result.locations[0].physicalLocation;
      return `${artifactLocation.uri}:${region.startLine}`;
    });

    assert.deepEqual(order, ['app/views/login.py:24', 'app/views/login.py:31', 'src/server.ts:8']);
  });

  it('keeps the snippet the finding carried', () => {
    const { results } = toSarifLog().runs[0];
    const [finding] = SCAN_RESULT.findings;

    const result = results.find(
      (candidate) => candidate.partialFingerprints['soc2lint/v1'] === finding.fingerprint,
    );

    assert.equal(result?.locations[0].physicalLocation.region.snippet?.text, finding.snippet);
    assert.match(finding.snippet, /sk_live_\*{4}/);
  });

  it('makes URIs relative to SRCROOT', () => {
    const run = toSarifLog().runs[0];

    assert.equal(run.originalUriBaseIds.SRCROOT.uri, 'file:///srv/payments-api/');
    for (const result of run.results) {
      const { artifactLocation } = result.locations[0].physicalLocation;
      assert.equal(artifactLocation.uriBaseId, 'SRCROOT');
      assert.doesNotMatch(artifactLocation.uri, /^\/|\\/);
    }
  });

  it('percent-encodes file names in URIs', () => {
    const [finding] = SCAN_RESULT.findings;
    const result = { ...SCAN_RESULT, findings: [{ ...finding, path: 'src/my app/#1.ts' }] };

    const [sarifResult] = toSarifLog(result).runs[0].results;
    const { artifactLocation } = sarifResult.locations[0].physicalLocation;

    assert.equal(artifactLocation.uri, 'src/my%20app/%231.ts');
  });

  it('reports notes as execution notifications', () => {
    const [invocation] = toSarifLog().runs[0].invocations;

    assert.equal(invocation.executionSuccessful, true);
    assert.deepEqual(
      invocation.toolExecutionNotifications.map((notification) => notification.message.text),
      ['static/vendor/chart.min.js: minified file (one line of 212 KB)'],
    );
  });
});
