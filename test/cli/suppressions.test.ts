import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import type { JsonReport } from '../../src/report/json.js';
import { runCli } from '../helpers/cli.js';
import { commitAll, createRepo, git, GIT_ENV, writeFiles } from '../helpers/git-repo.js';
import { makeProject } from '../helpers/temp.js';

// The CLI runs git with this process's environment; keep the machine's git settings out.
Object.assign(process.env, GIT_ENV);

const roots: string[] = [];
after(() => {
  for (const root of roots) {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

/** These tests read findings of `sensitive-data-in-logs`; they skip while it is not registered. */
const isRuleRegistered = runCli(['rules']).stdout.includes('CC7.1.2');

function skipWithoutRule(t: TestContext): boolean {
  if (!isRuleRegistered) {
    t.skip('CC7.1.2 sensitive-data-in-logs is not registered in src/rules/index.ts yet');
  }
  return !isRuleRegistered;
}

function createProject(files: Record<string, string>): string {
  const root = makeProject(files);
  roots.push(root);
  return root;
}

interface JsonRun {
  status: number | null;
  report: JsonReport;
  stderr: string;
}

/**
 * Scans `root` with JSON output. Unless `args` choose rules, only sensitive-data-in-logs runs, so
 * that rules added later do not change the counts.
 */
function scanJson(root: string, args: string[] = []): JsonRun {
  const choosesRules = args.includes('--rules') || args.includes('--exclude-rules');
  const rules = choosesRules ? [] : ['--rules', 'CC7.1.2'];
  const run = runCli(['scan', '.', '--format', 'json', ...rules, ...args], { cwd: root });
  assert.doesNotMatch(run.stderr, /error:/);
  assert.notEqual(run.stdout, '', `Expected a JSON report, got exit ${run.status}: ${run.stderr}`);
  return { status: run.status, report: JSON.parse(run.stdout) as JsonReport, stderr: run.stderr };
}

const LOGIN_PY = `import logging

logger = logging.getLogger(__name__)


def login(user, password):
    # soc2lint-disable-next-line CC7.1.2 -- the LogFilter in log.py masks password arguments
    logger.info("login %s %s", user, password)
    logger.info("retry %s", password)
`;

describe('inline suppressions', () => {
  it('applies a next-line comment in Python', (t) => {
    if (skipWithoutRule(t)) {
      return;
    }
    const root = createProject({ 'app.py': LOGIN_PY });

    const { status, report } = scanJson(root);

    assert.equal(status, 1);
    assert.equal(report.summary.findings, 1);
    assert.equal(report.summary.suppressed, 1);
    const suppressed = report.findings.find((finding) => finding.startLine === 8);
    assert.deepEqual(suppressed?.suppression, {
      kind: 'inline',
      reason: 'the LogFilter in log.py masks password arguments',
      ticket: null,
      approver: null,
      expires: null,
      location: { path: 'app.py', line: 7 },
    });
    const retry = report.findings.find((finding) => finding.startLine === 9);
    assert.equal(retry?.suppression, undefined);
  });

  it('applies a same-line comment in JavaScript', (t) => {
    if (skipWithoutRule(t)) {
      return;
    }
    const root = createProject({
      'app.js': `function login(user, password) {
  console.log('pw %s', password); // soc2lint-disable-line sensitive-data-in-logs -- dev-only
}
`,
    });

    const { status, report } = scanJson(root);

    assert.equal(status, 0);
    assert.equal(report.findings.length, 1);
    assert.equal(report.findings[0]!.suppression?.reason, 'dev-only');
  });

  it('applies a block comment in TypeScript', (t) => {
    if (skipWithoutRule(t)) {
      return;
    }
    const root = createProject({
      'app.ts': `export function login(user: string, password: string) {
  /* soc2lint-disable-next-line CC7.1.2 -- test double, never deployed */
  console.log('login %s', password);
}
`,
    });

    const { status, report } = scanJson(root);

    assert.equal(status, 0);
    assert.equal(report.findings[0]!.suppression?.kind, 'inline');
  });

  it('applies a file-level comment', (t) => {
    if (skipWithoutRule(t)) {
      return;
    }
    const root = createProject({
      'app.py': `# soc2lint-disable-file sensitive-data-in-logs -- log filter fixture\n${LOGIN_PY}`,
    });

    const { status, report } = scanJson(root);

    assert.equal(status, 0);
    assert.equal(report.summary.findings, 0);
    assert.equal(report.summary.suppressed, 2);
    const retry = report.findings.find((finding) => finding.startLine === 10);
    assert.equal(retry?.suppression?.kind, 'file');
    assert.equal(retry?.suppression?.location.line, 1);
  });

  it('brings a finding back after expiry', (t) => {
    if (skipWithoutRule(t)) {
      return;
    }
    const source = LOGIN_PY.replace('CC7.1.2 --', 'CC7.1.2 until=2020-01-31 --');
    const root = createProject({ 'app.py': source });

    const { status, report } = scanJson(root);

    assert.equal(status, 1);
    assert.equal(report.summary.findings, 2);
    const expired = report.findings.find((finding) => finding.startLine === 8);
    assert.equal(expired?.suppression, undefined);
    assert.equal(expired?.expiredSuppression?.expires, '2020-01-31');
    assert.match(expired!.message, / Its inline suppression expired on 2020-01-31\.$/);
  });

  it('keeps a suppression before its expiry', (t) => {
    if (skipWithoutRule(t)) {
      return;
    }
    const source = LOGIN_PY.replace('CC7.1.2 --', 'CC7.1.2 until=2999-12-31 --');
    const root = createProject({ 'app.py': source });

    const { report } = scanJson(root);

    const suppressed = report.findings.find((finding) => finding.startLine === 8);
    assert.equal(suppressed?.suppression?.expires, '2999-12-31');
  });

  it('reports a comment without a reason at any --fail-on', (t) => {
    if (skipWithoutRule(t)) {
      return;
    }
    const root = createProject({
      'app.py': LOGIN_PY.replace(
        '# soc2lint-disable-next-line CC7.1.2 -- the LogFilter in log.py masks password arguments',
        '# soc2lint-disable-next-line CC7.1.2',
      ).replace('    logger.info("retry %s", password)\n', ''),
    });

    const { status, report } = scanJson(root, ['--rules', 'CC7.1.2', '--fail-on', 'critical']);
    const ruleOff = scanJson(root, ['--exclude-rules', 'CC7.1.2', '--fail-on', 'critical']);

    assert.equal(status, 1);
    assert.deepEqual(
      report.findings.map((finding) => [finding.ruleId, finding.startLine, finding.severity]),
      [
        ['SOC2LINT.suppression', 7, 'high'],
        ['CC7.1.2', 8, 'critical'],
      ],
    );
    assert.match(report.findings[0]!.message, /has no reason, so it suppresses nothing/);
    // With the rule off, the comment is still reported and still fails the scan, and no other
    // rule's finding reaches --fail-on critical.
    const problems = ruleOff.report.findings.filter((finding) => finding.ruleId.startsWith('SOC'));
    const critical = ruleOff.report.findings.filter((finding) => finding.severity === 'critical');
    assert.equal(ruleOff.status, 1);
    assert.equal(problems.length, 1);
    assert.deepEqual(critical, []);
  });

  it('reports unused suppressions only on request', (t) => {
    if (skipWithoutRule(t)) {
      return;
    }
    const root = createProject({
      'app.py': `
def health():
    return "ok"  # soc2lint-disable-line CC7.1.2 -- left over from a refactor
`,
    });

    const quiet = scanJson(root);
    const requested = scanJson(root, ['--report-unused-suppressions']);

    assert.equal(quiet.status, 0);
    assert.deepEqual(quiet.report.findings, []);
    assert.equal(requested.status, 1);
    assert.equal(requested.report.findings.length, 1);
    assert.equal(requested.report.findings[0]!.ruleId, 'SOC2LINT.suppression');
    assert.equal(requested.report.findings[0]!.severity, 'low');
    assert.equal(
      requested.report.findings[0]!.message,
      '`soc2lint-disable-line CC7.1.2` matches no finding. Remove it.',
    );
  });

  it('leaves suppressed findings out with --omit-suppressed', (t) => {
    if (skipWithoutRule(t)) {
      return;
    }
    const root = createProject({ 'app.py': LOGIN_PY });

    const { report } = scanJson(root, ['--omit-suppressed']);

    assert.deepEqual(
      report.findings.map((finding) => finding.startLine),
      [9],
    );
    assert.equal(report.summary.suppressed, undefined);
  });

  it('writes SARIF suppressions', (t) => {
    if (skipWithoutRule(t)) {
      return;
    }
    const root = createProject({ 'app.py': LOGIN_PY });

    const run = runCli(['scan', '.', '--format', 'sarif', '--rules', 'CC7.1.2'], { cwd: root });
    const results = JSON.parse(run.stdout).runs[0].results as {
      suppressions?: { kind: string; status: string; justification: string }[];
    }[];

    assert.equal(results.length, 2);
    const suppressed = results.filter((result) => result.suppressions !== undefined);
    assert.equal(suppressed.length, 1);
    assert.equal(suppressed[0]!.suppressions![0]!.kind, 'inSource');
    assert.equal(suppressed[0]!.suppressions![0]!.status, 'accepted');
    assert.equal(
      suppressed[0]!.suppressions![0]!.justification,
      'the LogFilter in log.py masks password arguments',
    );
  });

  it('counts suppressed findings in the text report', (t) => {
    if (skipWithoutRule(t)) {
      return;
    }
    const root = createProject({ 'app.py': LOGIN_PY });

    const run = runCli(['scan', '.', '--rules', 'CC7.1.2'], { cwd: root });

    assert.equal(run.status, 1);
    assert.match(run.stdout, /^app\.py\n {2}9:5 /m);
    assert.doesNotMatch(run.stdout, /^ {2}8:5 /m);
    assert.match(
      run.stdout,
      /\n1 suppressed finding not shown; the JSON and SARIF reports give their reasons\.\n$/,
    );
  });
});

const UNSUPPRESSED_PY = LOGIN_PY.replace(/ {4}# soc2lint-disable-next-line.*\n/, '');

describe('exceptions file', () => {
  it('applies entries by fingerprint and by rule and path', (t) => {
    if (skipWithoutRule(t)) {
      return;
    }
    const root = createProject({ 'app.py': UNSUPPRESSED_PY, 'legacy/old.py': UNSUPPRESSED_PY });
    const before = scanJson(root).report;
    const login = before.findings.find((finding) => finding.path === 'app.py')!;
    writeFiles(root, {
      '.soc2lint-exceptions.yaml': `exceptions:
  - fingerprint: ${login.fingerprint}
    reason: The login message is dropped by the log shipper.
    ticket: SEC-101
    approver: dana@example.com
    expires: 2999-01-01
  - rule: sensitive-data-in-logs
    path: legacy/**
    reason: Legacy module, removed with the Q3 migration.
`,
    });

    const { status, report } = scanJson(root);

    assert.equal(before.summary.findings, 4);
    assert.equal(status, 1);
    assert.equal(report.summary.findings, 1);
    assert.equal(report.summary.suppressed, 3);
    const excepted = report.findings.find((finding) => finding.fingerprint === login.fingerprint);
    assert.deepEqual(excepted?.suppression, {
      kind: 'exception',
      reason: 'The login message is dropped by the log shipper.',
      ticket: 'SEC-101',
      approver: 'dana@example.com',
      expires: '2999-01-01',
      location: { path: '.soc2lint-exceptions.yaml', line: 2 },
    });
    const legacy = report.findings.filter((finding) => finding.path === 'legacy/old.py');
    assert.deepEqual(
      legacy.map((finding) => finding.suppression?.ticket),
      [null, null],
    );
  });

  it('reads a file given with --exceptions', (t) => {
    if (skipWithoutRule(t)) {
      return;
    }
    const root = createProject({ 'app.py': UNSUPPRESSED_PY });
    const file = path.join(root, 'config', 'accepted.json');
    writeFiles(root, {
      'config/accepted.json': JSON.stringify({
        exceptions: [{ rule: 'CC7.1.2', path: '*.py', reason: 'Demo app.' }],
      }),
    });

    const { status, report } = scanJson(root, ['--exceptions', file]);

    assert.equal(status, 0);
    assert.equal(report.summary.suppressed, 2);
    assert.equal(report.findings[0]!.suppression?.location.path, 'config/accepted.json');
  });

  it('reports unused entries on request', (t) => {
    if (skipWithoutRule(t)) {
      return;
    }
    const root = createProject({
      'app.py': 'x = 1\n',
      '.soc2lint-exceptions.yaml': `exceptions:
  - fingerprint: abcdef0123
    reason: fixed since
`,
    });

    const { status, report } = scanJson(root, ['--report-unused-suppressions']);

    assert.equal(status, 1);
    assert.equal(report.findings[0]!.path, '.soc2lint-exceptions.yaml');
    assert.equal(report.findings[0]!.startLine, 2);
    assert.match(report.findings[0]!.message, /^Exception exceptions\[0\] \(abcdef0123\) matches/);
  });

  it('rejects an invalid file with exit 2', () => {
    const root = createProject({
      'app.py': 'x = 1\n',
      '.soc2lint-exceptions.yaml': `exceptions:
  - rule: CC7.1.2
    path: src/**
    ticket: SEC-9
`,
    });

    const run = runCli(['scan', '.'], { cwd: root });

    assert.equal(run.status, 2, run.stderr);
    assert.equal(run.stdout, '');
    assert.equal(
      run.stderr,
      `error: ${path.join(root, '.soc2lint-exceptions.yaml')}: exceptions[0] (CC7.1.2 src/**) ` +
        'has no reason. Add reason: saying why it is accepted.\n',
    );
  });

  it('rejects a missing --exceptions file with exit 2', () => {
    const root = createProject({ 'app.py': 'x = 1\n' });

    const run = runCli(['scan', '.', '--exceptions', 'nope.yaml'], { cwd: root });

    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /^error: \S+nope\.yaml: exceptions file not found\. Check the /);
  });
});

describe('diff-aware scans', () => {
  function createRepoWithFindings(): string {
    const root = createRepo('soc2lint-cli-diff-');
    roots.push(root);
    writeFiles(root, { 'app.py': UNSUPPRESSED_PY });
    commitAll(root, 'Initial');
    git(root, 'checkout', '--quiet', '-b', 'feature');
    return root;
  }

  it('reports only findings on changed lines', (t) => {
    if (skipWithoutRule(t)) {
      return;
    }
    const root = createRepoWithFindings();
    writeFiles(root, {
      'app.py': `${UNSUPPRESSED_PY}    logger.info("third %s", password)\n`,
    });
    commitAll(root, 'Log again');
    writeFiles(root, {
      'new.py': 'def reset(token):\n    print(token)\n    logger.info("t %s", token)\n',
    });

    const { status, report } = scanJson(root, ['--diff-base', 'main']);
    const text = runCli(['scan', '.', '--rules', 'CC7.1.2', '--diff-base', 'main'], { cwd: root });

    assert.equal(status, 1);
    assert.deepEqual(
      report.findings.map((finding) => `${finding.path}:${finding.startLine}`),
      ['app.py:9', 'new.py:3'],
    );
    assert.equal(report.diff?.mode, 'diff-base');
    assert.equal(report.diff?.ref, 'main');
    assert.equal(report.diff?.baseCommit, git(root, 'rev-parse', 'main').trim());
    assert.equal(report.diff?.outside, 2);
    assert.equal(report.diff?.changedFiles, 2);
    assert.match(
      text.stderr,
      /^soc2lint: reporting changes since main \([0-9a-f]{12}\) in 2 files; 2 findings on /,
    );
  });

  it('passes when only unchanged lines have findings', (t) => {
    if (skipWithoutRule(t)) {
      return;
    }
    const root = createRepoWithFindings();
    writeFiles(root, { 'README.md': '# app\n' });

    const { status, report } = scanJson(root, ['--diff-base', 'main']);

    assert.equal(status, 0);
    assert.deepEqual(report.findings, []);
    assert.equal(report.diff?.outside, 2);
  });

  it('exits 2 naming a missing ref', () => {
    const root = createRepoWithFindings();

    const run = runCli(['scan', '.', '--diff-base', 'origin/main'], { cwd: root });

    assert.equal(run.status, 2);
    assert.equal(run.stdout, '');
    assert.equal(
      run.stderr,
      'error: --diff-base origin/main: ref not found in this clone. Fetch it first: ' +
        '`git fetch origin main:refs/remotes/origin/main`.\n',
    );
  });

  it('exits 2 outside a git repository', () => {
    const root = createProject({ 'app.py': 'x = 1\n' });

    const run = runCli(['scan', '.', '--diff-base', 'main'], { cwd: root });

    assert.equal(run.status, 2);
    assert.match(run.stderr, /^error: --diff-base main: \S+ is not in a git repository\./);
  });

  it('scans only staged lines with --staged', (t) => {
    if (skipWithoutRule(t)) {
      return;
    }
    const root = createRepoWithFindings();
    writeFiles(root, {
      'app.py': `${UNSUPPRESSED_PY}    logger.info("staged %s", password)\n`,
      'other.py': 'def f(password):\n    logger.info("x %s", password)\n',
    });
    git(root, 'add', 'app.py');

    const { status, report } = scanJson(root, ['--staged']);

    assert.equal(status, 1);
    assert.deepEqual(
      report.findings.map((finding) => `${finding.path}:${finding.startLine}`),
      ['app.py:9'],
    );
    assert.equal(report.diff?.mode, 'staged');
    assert.equal(report.summary.files, 1);
  });

  it('exits 0 with --staged and nothing staged', () => {
    const root = createRepoWithFindings();

    const run = runCli(['scan', '.', '--staged'], { cwd: root });

    assert.equal(run.status, 0);
    assert.equal(
      run.stderr,
      'soc2lint: reporting staged changes in 0 files; 0 findings on unchanged lines not shown.\n',
    );
  });

  it('rejects --staged with --diff-base', () => {
    const root = createRepoWithFindings();

    const run = runCli(['scan', '.', '--staged', '--diff-base', 'main'], { cwd: root });

    assert.equal(run.status, 2);
    assert.match(run.stderr, /^error: --diff-base and --staged exclude each other\./);
  });
});
