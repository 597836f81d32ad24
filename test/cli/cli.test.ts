import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { makeProject } from '../helpers/temp.js';

test('cli --help lists the commands', () => {
  const run = runCli(['--help']);
  assert.equal(run.status, 0);
  for (const command of ['scan', 'rules', 'explain']) {
    assert.match(run.stdout, new RegExp(`\\n  ${command}`));
  }
});

test('cli help for each command', () => {
  for (const command of ['scan', 'rules', 'explain']) {
    const run = runCli([command, '--help']);
    assert.equal(run.status, 0, command);
    assert.match(run.stdout, new RegExp(`Usage: soc2lint ${command}`));
  }
  assert.match(runCli(['scan', '--help']).stdout, /--fail-on <severity>/);
});

test('cli missing path exits 2', () => {
  const run = runCli(['scan', '/nonexistent/project']);
  assert.equal(run.status, 2);
  assert.equal(run.stderr, 'error: /nonexistent/project: path not found. Check the path and try again.\n');
  assert.equal(run.stdout, '');
});

test('cli invalid configuration exits 2', () => {
  const root = makeProject({ 'soc2lint.config.json': '{ "failOn": "urgent" }', 'a.py': 'x = 1\n' });
  const run = runCli(['scan', root]);
  assert.equal(run.status, 2);
  assert.equal(
    run.stderr,
    `error: ${path.join(root, 'soc2lint.config.json')}: failOn is "urgent", which is not one of critical, high, medium, low.\n`,
  );
});

test('cli unknown rule exits 2', () => {
  const root = makeProject({ 'a.py': 'x = 1\n' });
  const run = runCli(['scan', root, '--rules', 'CC9.9.9']);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /--rules: unknown rule "CC9.9.9"\. Run `soc2lint rules`/);
});

test('cli invalid option value exits 2', () => {
  const run = runCli(['scan', '.', '--fail-on', 'urgent']);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /expected one of critical, high, medium, low/);
  assert.equal(runCli(['scan', '--format', 'xml']).status, 2);
  assert.equal(runCli(['scan', '--no-such-flag']).status, 2);
});

test('cli empty folder warns and exits 0', () => {
  const root = makeProject({});
  const run = runCli(['scan', root]);
  assert.equal(run.status, 0);
  assert.match(run.stderr, /^warning: no Python, JavaScript or TypeScript files to analyze under /);
});

test('cli clean project exits 0', () => {
  const root = makeProject({ 'app.py': 'def add(a, b):\n    return a + b\n' });
  const run = runCli(['scan', root, '--format', 'json']);
  assert.equal(run.status, 0);
  const report = JSON.parse(run.stdout);
  assert.deepEqual(report.findings, []);
});

test('cli findings below --fail-on exit 0', () => {
  const root = makeProject({
    'app.py': 'import logging\nlog = logging.getLogger(__name__)\ndef f(token):\n    log.info("t %s", token)\n',
  });
  const critical = runCli(['scan', root, '--rules', 'CC7.1.2']);
  assert.equal(critical.status, 1);
  assert.match(critical.stdout, /`token` reaches `log.info` unmasked/);
  const report = JSON.parse(runCli(['scan', root, '--rules', 'CC7.1.2', '--format', 'json']).stdout);
  assert.equal(report.findings[0].severity, 'critical');
  const config = { 'soc2lint.config.json': '{ "rules": { "CC7.1.2": "low" } }' };
  const lowered = makeProject({ ...config, 'app.py': 'import logging\nlog = logging.getLogger()\nlog.info("%s", password)\n' });
  assert.equal(runCli(['scan', lowered, '--rules', 'CC7.1.2']).status, 0);
  assert.equal(runCli(['scan', lowered, '--rules', 'CC7.1.2', '--fail-on', 'low']).status, 1);
});

test('cli sarif --output writes the file only', () => {
  const root = makeProject({ 'app.py': 'x = 1\n' });
  const output = path.join(root, 'out.sarif');
  const run = runCli(['scan', root, '--format', 'sarif', '--output', output]);
  assert.equal(run.status, 0);
  assert.equal(run.stdout, '');
  const sarif = JSON.parse(fs.readFileSync(output, 'utf8'));
  assert.equal(sarif.version, '2.1.0');
});

test('cli output folder must exist', () => {
  const run = runCli(['scan', '.', '--output', '/nonexistent/dir/out.json']);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /folder \/nonexistent\/dir not found/);
});

test('cli rules lists every rule', () => {
  const run = runCli(['rules', '--format', 'json']);
  assert.equal(run.status, 0);
  const rules = JSON.parse(run.stdout) as { id: string }[];
  const ids = rules.map((rule) => rule.id);
  assert.deepEqual(ids, [...ids].sort());
});

test('cli explain unknown rule exits 2', () => {
  const run = runCli(['explain', 'nope']);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /unknown rule "nope"/);
});

test('cli unknown rule option exits 2', () => {
  const root = makeProject({
    'soc2lint.config.yaml': 'rules:\n  error-disclosure:\n    options: { bogus: 1 }\n',
    'a.py': 'x = 1\n',
  });
  const run = runCli(['scan', root]);
  assert.equal(run.status, 2);
  assert.match(
    run.stderr,
    /rules\.error-disclosure\.options\.bogus is not an option of CC7\.4\.1\. Its options are clientSafeExceptions\./,
  );
});

test('cli rule option of the wrong type exits 2', () => {
  const root = makeProject({
    'soc2lint.config.json': '{ "rules": { "CC7.2.2": { "options": { "endpoints": "/x" } } } }',
    'a.py': 'x = 1\n',
  });
  const run = runCli(['scan', root]);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /rules\.CC7\.2\.2\.options\.endpoints must be a list of strings, got "\/x"\./);
});

test('cli named pipe argument is skipped', () => {
  const root = makeProject({ 'ok.py': 'x = 1\n' });
  const pipe = path.join(root, 'pipe.js');
  spawnSync('mkfifo', [pipe]);
  const run = runCli(['scan', pipe, path.join(root, 'ok.py'), '--format', 'json']);
  assert.equal(run.status, 0);
  const report = JSON.parse(run.stdout);
  assert.deepEqual(report.notes, [{ path: 'pipe.js', kind: 'skipped', reason: 'not a regular file' }]);
});

test('cli --output naming a folder exits 2', () => {
  const root = makeProject({ 'a.py': 'x = 1\n' });
  const run = runCli(['scan', root, '--output', root]);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /is a folder\. Give the path of a file to write\./);
});

test('cli missing advisory database exits 2', () => {
  const root = makeProject({ 'a.py': 'x = 1\n' });
  const run = runCli(['scan', root, '--advisory-db', path.join(root, 'nope')]);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /--advisory-db .*nope: not found\. Give a folder or \.zip of OSV JSON files\./);
});

test('cli two configuration files exit 2', () => {
  const root = makeProject({ 'soc2lint.config.json': '{}', 'soc2lint.config.yaml': '{}\n', 'a.py': '' });
  const run = runCli(['scan', root]);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /found soc2lint\.config\.json and soc2lint\.config\.yaml\. Keep one/);
});

test('cli rule selection leaving nothing exits 2', () => {
  const root = makeProject({ 'a.py': 'x = 1\n' });
  const empty = runCli(['scan', root, '--rules', '']);
  assert.equal(empty.status, 2);
  assert.match(empty.stderr, /--rules: no rule given/);
  const none = runCli(['scan', root, '--rules', 'CC7.4.1', '--exclude-rules', 'error-disclosure']);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /No rule is left to run/);
});

test('cli files outside the working folder', () => {
  const root = makeProject({ 'a/one.py': 'x = 1\n', 'b/two.py': 'y = 2\n' });
  const run = runCli(['scan', path.join(root, 'a/one.py'), path.join(root, 'b'), '--format', 'json']);
  assert.equal(run.status, 0);
  const report = JSON.parse(run.stdout);
  assert.equal(report.root, root);
  assert.equal(report.summary.files, 2);
});

test('cli text report escapes control characters in paths', () => {
  const root = makeProject({
    'bad\nname.py': 'import logging\nlog = logging.getLogger()\nlog.info("%s", password)\n',
  });
  const run = runCli(['scan', root, '--rules', 'CC7.1.2']);
  assert.equal(run.status, 1);
  assert.match(run.stdout, /^bad\\nname\.py$/m);
});

test('cli explain the suppression rule', () => {
  for (const key of ['SOC2LINT.suppression', 'suppression-comments']) {
    const run = runCli(['explain', key]);
    assert.equal(run.status, 0, key);
    assert.match(run.stdout, /^# SOC2LINT\.suppression suppression-comments\n/);
  }
});

test('cli baseline fails when advisories cannot be read', () => {
  const root = makeProject({ 'a.py': 'x = 1\n', 'advisories/README.txt': 'no records here\n' });
  const run = runCli(['baseline', root, '--advisory-db', path.join(root, 'advisories')]);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /^error: /m);
  assert.equal(fs.existsSync(path.join(root, '.soc2lint-baseline.json')), false);
});
