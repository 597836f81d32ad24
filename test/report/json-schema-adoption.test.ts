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

test('json report of every rule matches the schema', () => {
  const root = makeProject({
    'app.py': [
      'import logging',
      'import os',
      'from flask import Flask, jsonify, request',
      'app = Flask(__name__)',
      'logger = logging.getLogger(__name__)',
      '@app.route("/login", methods=["POST"])',
      'def login():',
      '    password = request.form["password"]',
      '    logger.info(f"login attempt with {password}")',
      '    return jsonify(ok=True)',
      '@app.route("/healthz")',
      'def health():',
      '    return jsonify(env=dict(os.environ))',
      '',
    ].join('\n'),
    'requirements.txt': 'flask==3.0.0\n',
  });
  const run = runCli(['scan', root, '--format', 'json']);
  const report = JSON.parse(run.stdout);
  const rules = new Set(report.findings.map((finding: { ruleId: string }) => finding.ruleId));
  for (const ruleId of ['CC7.1.2', 'CC7.2.2', 'CC7.5.1', 'CC7.5.2']) {
    assert.ok(rules.has(ruleId), `a ${ruleId} finding in ${[...rules].join(', ')}`);
  }
  assert.equal(validate(report), '');
});
