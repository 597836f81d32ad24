import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import type { JsonReport } from '../../src/report/json.js';
import { runCli } from '../helpers/cli.js';
import { makeProject } from '../helpers/temp.js';

/**
 * Code shapes that produce one finding of a registered rule. The scenario uses the first rule
 * that `soc2lint rules` lists, so it keeps working while rules are added.
 */
const VIOLATIONS: Record<string, { finding: (name: string) => string; fixed: string }> = {
  'CC7.1.2': {
    finding: (name) => `logger.info("${name} failed for %s", password)`,
    fixed: 'logger.info("login failed")',
  },
  'CC7.4.1': {
    finding: (name) => `return str(error) + "${name}", 500`,
    fixed: 'return "internal error", 500',
  },
};

const HEADER = `import logging

from flask import Flask

app = Flask(__name__)
logger = logging.getLogger(__name__)
`;

/** Lines inserted above everything, so that every finding moves down. */
const INSERTED = '"""Account endpoints."""\n\nimport os\n\n';

/**
 * Builds a Flask module with one route per name, each containing the rule's violation unless it
 * is listed in `fixed`.
 */
function writeModule(ruleId: string, names: string[], fixed: string[] = [], prefix = ''): string {
  const violation = VIOLATIONS[ruleId]!;
  const routes = names.map((name) => {
    const line = fixed.includes(name) ? violation.fixed : violation.finding(name);
    return [
      `@app.route("/${name}", methods=["POST"])`,
      `def ${name}(user, password):`,
      '    try:',
      '        check(user, password)',
      '    except Exception as error:',
      `        ${line}`,
      '',
    ].join('\n');
  });
  return `${prefix}${HEADER}\n\n${routes.join('\n\n')}`;
}

function findRegisteredRule(): string | null {
  const run = runCli(['rules', '--format', 'json']);
  if (run.status !== 0) {
    return null;
  }
  const ids = (JSON.parse(run.stdout) as { id: string }[]).map((rule) => rule.id);
  return Object.keys(VIOLATIONS).find((id) => ids.includes(id)) ?? null;
}

interface JsonRun {
  status: number | null;
  report: JsonReport;
  stderr: string;
}

function scanJson(root: string, ruleId: string, args: string[]): JsonRun {
  // Other rules (rate limiting on these login routes, say) are left out so that the counts are
  // those of the one rule the scenario is about.
  const run = runCli(['scan', '.', '--format', 'json', '--rules', ruleId, ...args], { cwd: root });
  assert.equal(run.stderr.includes('error:'), false, run.stderr);
  assert.notEqual(run.stdout, '', `Expected a JSON report, got exit ${run.status}: ${run.stderr}`);
  return { status: run.status, report: JSON.parse(run.stdout) as JsonReport, stderr: run.stderr };
}

const roots: string[] = [];
after(() => {
  for (const root of roots) {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('adoption with a baseline', (t) => {
  const ruleId = findRegisteredRule();
  if (ruleId === null) {
    t.skip(`none of ${Object.keys(VIOLATIONS).join(', ')} is registered in src/rules/index.ts yet`);
    return;
  }
  const root = makeProject({ 'app.py': writeModule(ruleId, ['login', 'reset']) });
  roots.push(root);

  // Day one: two findings, recorded in the default baseline file.
  const first = scanJson(root, ruleId, []);
  assert.equal(first.status, 1);
  assert.equal(first.report.summary.findings, 2);
  const baselineRun = runCli(['baseline', '.', '--rules', ruleId], { cwd: root });
  assert.equal(baselineRun.status, 0, baselineRun.stderr);
  const baselineFile = path.join(fs.realpathSync(root), '.soc2lint-baseline.json');
  assert.equal(baselineRun.stderr, `soc2lint: wrote 2 findings to ${baselineFile}.\n`);
  const baseline = JSON.parse(fs.readFileSync(path.join(root, '.soc2lint-baseline.json'), 'utf8'));
  const entries = baseline.findings as { ruleId: string; path: string }[];
  assert.deepEqual(
    entries.map((entry) => `${entry.ruleId} ${entry.path}`),
    [`${ruleId} app.py`, `${ruleId} app.py`],
  );

  // Lines inserted above and the calls reformatted: the baseline still matches both findings.
  const reformatted = writeModule(ruleId, ['login', 'reset'], [], INSERTED)
    .replace(/"login failed for %s", password/, '"login failed for %s",   password')
    .replace(/"reset failed for %s", password/, '"reset failed for %s",password')
    .replace(/\+ "login"/, '+"login"');
  fs.writeFileSync(path.join(root, 'app.py'), reformatted);
  const shifted = scanJson(root, ruleId, ['--baseline', '.soc2lint-baseline.json']);
  assert.equal(shifted.status, 0);
  assert.deepEqual(shifted.report.findings, []);
  assert.deepEqual(shifted.report.baseline, {
    file: '.soc2lint-baseline.json',
    matched: 2,
    absent: [],
  });

  // One new violation: exactly one new finding.
  fs.writeFileSync(
    path.join(root, 'app.py'),
    writeModule(ruleId, ['login', 'reset', 'register'], [], INSERTED),
  );
  const added = scanJson(root, ruleId, ['--baseline', '.soc2lint-baseline.json']);
  assert.equal(added.status, 1);
  assert.equal(added.report.findings.length, 1);
  assert.equal(added.report.findings[0]!.ruleId, ruleId);
  assert.equal(added.report.findings[0]!.functionName, 'register');
  assert.equal(added.report.baseline?.matched, 2);

  // One baselined finding fixed: it is reported gone, and the new one is still reported.
  fs.writeFileSync(
    path.join(root, 'app.py'),
    writeModule(ruleId, ['login', 'reset', 'register'], ['login'], INSERTED),
  );
  const fixed = scanJson(root, ruleId, ['--baseline', '.soc2lint-baseline.json']);
  assert.equal(fixed.status, 1);
  assert.deepEqual(
    fixed.report.findings.map((finding) => finding.functionName),
    ['register'],
  );
  assert.equal(fixed.report.baseline?.matched, 1);
  assert.equal(fixed.report.baseline?.absent.length, 1);
  assert.equal(fixed.report.baseline?.absent[0]!.path, 'app.py');
  assert.equal(fixed.report.baseline?.absent[0]!.ruleId, ruleId);

  // The text report prints the same counts on stderr.
  const text = runCli(['scan', '.', '--rules', ruleId, '--baseline', '.soc2lint-baseline.json'], {
    cwd: root,
  });
  assert.equal(text.status, 1);
  assert.equal(
    text.stderr,
    'soc2lint: baseline .soc2lint-baseline.json: 1 finding matched and not shown, 1 entry gone ' +
      '(fixed or no longer scanned); run `soc2lint baseline` to drop them.\n',
  );
});
