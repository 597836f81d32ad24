import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { runCli } from '../helpers/cli.js';
import { makeProject } from '../helpers/temp.js';

const SCHEMA = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../schema/report.schema.json',
);

function validate(report: unknown): string {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const check = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA, 'utf8')));
  return check(report) ? '' : ajv.errorsText(check.errors);
}

test('json report with suppressions matches the schema', () => {
  const root = makeProject({
    'app.py': [
      'import logging',
      'logger = logging.getLogger(__name__)',
      'def login(password):',
      '    # soc2lint-disable-next-line CC7.1.2 until=2099-01-01 -- test account only',
      '    logger.info("pw %s", password)',
      '    # soc2lint-disable-next-line CC7.1.2',
      '    logger.info("again %s", password)',
      '',
    ].join('\n'),
  });
  const run = runCli(['scan', root, '--format', 'json', '--rules', 'CC7.1.2']);
  const report = JSON.parse(run.stdout);
  assert.equal(report.summary.suppressed, 1);
  assert.ok(report.findings.some((finding: { ruleId: string }) => finding.ruleId === 'SOC2LINT.suppression'));
  assert.equal(validate(report), '');
});

test('json report with a baseline matches the schema', () => {
  const root = makeProject({
    'app.py': 'import logging\nlogger = logging.getLogger(__name__)\ndef f(token):\n    logger.info("t %s", token)\n',
  });
  const baseline = path.join(root, 'baseline.json');
  assert.equal(runCli(['baseline', root, '--output', baseline, '--rules', 'CC7.1.2']).status, 0);
  const run = runCli(['scan', root, '--format', 'json', '--rules', 'CC7.1.2', '--baseline', baseline]);
  const report = JSON.parse(run.stdout);
  assert.equal(report.baseline.matched, 1);
  assert.equal(validate(report), '');
});
