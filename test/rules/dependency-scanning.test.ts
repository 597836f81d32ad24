import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import rule from '../../src/rules/dependency-scanning.js';
import type { ReportDescriptor } from '../../src/rules/types.js';
import { createProjectModel, type TestProjectModel } from '../project/project-model.js';
import { makeProject } from '../helpers/temp.js';

const FIXTURES = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../test/fixtures/dependency-scanning',
);
const ADVISORY_DB = path.join(FIXTURES, 'advisory-db');

interface Report {
  /** `path:line severity messageId` */
  key: string;
  message: string;
}

async function runRule(project: TestProjectModel): Promise<Report[]> {
  const reports: ReportDescriptor[] = [];
  await rule.checkProject?.(project, [], {
    names: {} as never,
    options: {},
    report: (descriptor) => reports.push(descriptor),
  });
  return reports.map((descriptor) => ({
    key: `${descriptor.path}:${descriptor.range.startLine} ${descriptor.severity ?? rule.severity} ${descriptor.messageId}`,
    message: rule.messages[descriptor.messageId].replace(/\{(\w+)\}/g, (_, name: string) =>
      String(descriptor.data?.[name] ?? `{${name}}`),
    ),
  }));
}

async function runFixture(name: string, advisoryDb: string | null = null): Promise<Report[]> {
  return runRule(createProjectModel(path.join(FIXTURES, name), { advisoryDb }));
}

async function getKeys(name: string): Promise<string[]> {
  return (await runFixture(name)).map((report) => report.key);
}

describe('dependency-scanning fixtures', () => {
  const cases: Record<string, string[]> = {
    'github-actions-compliant': [],
    'github-actions-ignored': ['.github/workflows/audit.yml:10 high scanCannotFail'],
    'github-actions-continue-on-error': ['.github/workflows/security.yml:9 low scanCannotFail'],
    'github-actions-audit-level-none': ['.github/workflows/checks.yml:13 high scanCannotFail'],
    'github-actions-manual-only': ['.github/workflows/audit.yml:15 high scanNotAutomated'],
    'github-actions-if-false': [
      '.github/workflows/ci.yml:10 high scanNotAutomated',
      '.github/workflows/ci.yml:19 high scanNotAutomated',
    ],
    'github-actions-scheduled': [],
    'gitlab-ci-template': [],
    'gitlab-ci-allow-failure': ['.gitlab-ci.yml:11 high scanCannotFail'],
    'circleci-orb': ['.circleci/config.yml:15 low scanCannotFail'],
    'circleci-ignored': ['.circleci/config.yml:13 high scanCannotFail'],
    jenkins: [],
    'jenkins-return-status': ['Jenkinsfile:8 high scanCannotFail'],
    'azure-pipelines': ['azure-pipelines.yml:18 low scanCannotFail'],
    'bitbucket-pipelines': ['bitbucket-pipelines.yml:10 high scanCannotFail'],
    'dependabot-missing-pip': ['.github/dependabot.yml:3 low dependabotMissingEcosystem'],
    renovate: [],
    'no-ci': ['package.json:1 high missingScan'],
    'script-only': [],
    'vulnerable-lockfiles': [],
  };
  for (const [name, expected] of Object.entries(cases)) {
    test(name, async () => {
      assert.deepEqual(await getKeys(name), expected);
    });
  }

  test('every fixture folder has a case', () => {
    const folders = fs
      .readdirSync(FIXTURES)
      .filter(
        (name) => name !== 'advisory-db' && fs.statSync(path.join(FIXTURES, name)).isDirectory(),
      );
    assert.deepEqual(folders.sort(), Object.keys(cases).sort());
  });

  // The same check as the shared marker runner: `finding` lines are reported, nothing else is.
  test('markers agree with findings', async () => {
    for (const name of Object.keys(cases)) {
      const expected = readMarkedLines(path.join(FIXTURES, name));
      if (expected === null) {
        continue;
      }
      const reported = (await runFixture(name)).map((report) => report.key.split(' ')[0]);
      assert.deepEqual(reported.sort(), [...expected].sort(), name);
    }
  });
});

describe('dependency-scanning messages', () => {
  test('missing scan names manifests', async () => {
    const [report] = await runFixture('no-ci');
    assert.equal(
      report.message,
      'No CI job scans package.json and requirements.txt for known vulnerabilities and there is no Dependabot or Renovate configuration. Run `npm audit` and `pip-audit` in CI or add .github/dependabot.yml.',
    );
  });

  test('manual-only scan names trigger', async () => {
    const [report] = await runFixture('github-actions-manual-only');
    assert.equal(
      report.message,
      'npm audit never runs on a change because of `on: workflow_dispatch` alone, which runs the workflow only when started by hand. Run it on push, pull_request or a schedule.',
    );
  });

  test('audit level none names option', async () => {
    const [report] = await runFixture('github-actions-audit-level-none');
    assert.equal(
      report.message,
      'npm audit cannot fail the build because of `--audit-level=none`, which makes npm audit exit 0. Let a vulnerability fail this step, or gate the build with another scan.',
    );
  });

  test('manual scan beside dependabot is clean', async () => {
    const root = makeProject({
      '.github/workflows/audit.yml':
        'on: workflow_dispatch\njobs:\n  a:\n    steps:\n      - run: npm audit\n',
      '.github/dependabot.yml':
        'version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n    schedule: { interval: weekly }\n',
      'package.json': '{"dependencies": {"lodash": "^4.17.21"}}',
    });
    assert.deepEqual(await runRule(createProjectModel(root)), []);
  });

  test('help-only scan is no scan', async () => {
    const root = makeProject({
      '.github/workflows/audit.yml':
        'on: push\njobs:\n  a:\n    steps:\n      - run: pip-audit --help\n      - run: pip-audit --version\n',
      'requirements.txt': 'flask==3.0.3\n',
    });
    const keys = (await runRule(createProjectModel(root))).map((report) => report.key);
    assert.deepEqual(keys, ['.github/workflows/audit.yml:1 high missingScan']);
  });

  test('ignored scan names reason', async () => {
    const [report] = await runFixture('github-actions-ignored');
    assert.equal(
      report.message,
      'npm audit cannot fail the build because of `|| true`. Let a vulnerability fail this step, or gate the build with another scan.',
    );
  });

  test('dependabot gap names ecosystem', async () => {
    const [report] = await runFixture('dependabot-missing-pip');
    assert.equal(
      report.message,
      '.github/dependabot.yml has no updates entry for PyPI, which requirements.txt uses. Add a `package-ecosystem: "pip"` entry.',
    );
  });

  test('missing scan points at CI file', async () => {
    const root = makeProject({
      'package.json': '{"dependencies": {"express": "^4.19.2"}}',
      '.github/workflows/test.yml': 'on: push\njobs:\n  test:\n    steps:\n      - run: npm test\n',
    });
    const keys = (await runRule(createProjectModel(root))).map((report) => report.key);
    assert.deepEqual(keys, ['.github/workflows/test.yml:1 high missingScan']);
  });

  test('uncovered ecosystem is low', async () => {
    const root = makeProject({
      'package.json': '{"dependencies": {"express": "^4.19.2"}}',
      'pyproject.toml': '[project]\nname = "tools"\ndependencies = [\n  "requests>=2.31",\n]\n',
      '.gitlab-ci.yml': 'audit:\n  script:\n    - npm audit\n',
    });
    const reports = await runRule(createProjectModel(root));
    assert.deepEqual(
      reports.map((report) => report.key),
      ['pyproject.toml:1 low ecosystemNotScanned'],
    );
    assert.equal(
      reports[0].message,
      'pyproject.toml declares PyPI dependencies that no CI scan, Dependabot or Renovate entry covers. Run `pip-audit` in CI for them.',
    );
  });

  test('manifest without dependencies ignored', async () => {
    const root = makeProject({
      'package.json': '{"name": "docs", "scripts": {"build": "vitepress build"}}',
      'pyproject.toml': '[tool.ruff]\nline-length = 100\n',
    });
    assert.deepEqual(await runRule(createProjectModel(root)), []);
  });

  test('disabled renovate does not count', async () => {
    const root = makeProject({
      'requirements.txt': 'flask==3.0.3\n',
      'renovate.json': '{"enabled": false}',
    });
    const keys = (await runRule(createProjectModel(root))).map((report) => report.key);
    assert.deepEqual(keys, ['requirements.txt:1 high missingScan']);
  });
});

describe('dependency-scanning advisories', () => {
  test('vulnerable locked versions', async () => {
    const reports = await runFixture('vulnerable-lockfiles', ADVISORY_DB);
    assert.deepEqual(
      reports.map((report) => report.key),
      [
        'package-lock.json:15 high vulnerableDependency',
        'package-lock.json:19 critical vulnerableDependency',
        'poetry.lock:4 medium vulnerableDependency',
        'requirements.txt:2 medium vulnerableDependency',
        'requirements.txt:4 high vulnerableDependency',
      ],
    );
    assert.equal(
      reports[0].message,
      'lodash 4.17.20 has known advisories: GHSA-35jh-r3h4-6jhm (CVE-2021-23337). Upgrade it to 4.17.21 or later.',
    );
    assert.equal(
      reports[3].message,
      'requests 2.30.0 has known advisories: GHSA-j8r2-6x86-q33q (CVE-2023-32681). Upgrade it to 2.31.0 or later.',
    );
  });

  test('advisory without fix', async () => {
    const root = makeProject({
      'requirements.txt': 'Jinja2==2.10\n',
      '.github/workflows/a.yml': 'on: push\njobs:\n  a:\n    steps:\n      - run: pip-audit\n',
    });
    const reports = await runRule(createProjectModel(root, { advisoryDb: ADVISORY_DB }));
    assert.deepEqual(
      reports.map((report) => report.key),
      ['requirements.txt:1 medium vulnerableDependencyNoFix'],
    );
    assert.equal(
      reports[0].message,
      'Jinja2 2.10 has known advisories with no fixed version: GHSA-h5c8-rqwp-cp95 (CVE-2024-22195), PYSEC-2019-217 (CVE-2019-10906). Replace or remove it, or record the accepted risk.',
    );
  });
});

describe('dependency-scanning bad input', () => {
  test('broken files do not stop findings', async () => {
    const root = makeProject({
      '.github/workflows/broken.yml': 'jobs:\n  audit: [unclosed\n',
      '.github/workflows/audit.yml':
        'on: push\njobs:\n  a:\n    steps:\n      - run: npm audit || true\n',
      'package.json': '{"dependencies": {"lodash": "^4.17.20"}}',
      'package-lock.json': Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0xff]),
      'Pipfile.lock': '{"default": {"requests": ',
      'yarn.lock': 'lodash@^4.17.20:\n  version "4.17.20"\n',
      'pnpm-lock.yaml': 'packages: [: bad\n',
      'requirements.txt': 'requests==2.30.0\n',
    });
    const project = createProjectModel(root, { advisoryDb: ADVISORY_DB });
    const keys = (await runRule(project)).map((report) => report.key);
    assert.deepEqual(keys, [
      '.github/workflows/audit.yml:5 high scanCannotFail',
      'requirements.txt:1 low ecosystemNotScanned',
      'requirements.txt:1 medium vulnerableDependency',
      'yarn.lock:1 high vulnerableDependency',
    ]);
    assert.deepEqual(project.notes.map((note) => `${note.path} ${note.kind}`).sort(), [
      '.github/workflows/broken.yml syntax-error',
      'Pipfile.lock syntax-error',
      'package-lock.json skipped',
      'pnpm-lock.yaml syntax-error',
    ]);
  });

  test('invalid package.json noted', async () => {
    const root = makeProject({
      'package.json': '{"dependencies": ',
      'requirements.txt': 'flask==3.0.3\n',
    });
    const project = createProjectModel(root);
    const keys = (await runRule(project)).map((report) => report.key);
    assert.deepEqual(keys, ['requirements.txt:1 high missingScan']);
    assert.deepEqual(
      project.notes.map((note) => note.path),
      ['package.json'],
    );
  });

  test('missing advisory database noted', async () => {
    const project = createProjectModel(path.join(FIXTURES, 'vulnerable-lockfiles'), {
      advisoryDb: '/nonexistent/osv',
    });
    assert.deepEqual(await runRule(project), []);
    assert.equal(project.notes[0].kind, 'unreadable');
    assert.equal(project.failures.length, 1);
    assert.match(project.failures[0], /^Advisory database \/nonexistent\/osv could not be read: /);
  });

  test('readable database is no failure', async () => {
    const project = createProjectModel(path.join(FIXTURES, 'vulnerable-lockfiles'), {
      advisoryDb: ADVISORY_DB,
    });
    await runRule(project);
    assert.deepEqual(project.failures, []);
  });

  test('failed online lookup is a failure', async () => {
    const server = http.createServer((request, response) => {
      request.resume();
      response.writeHead(502, { 'content-type': 'text/plain' });
      response.end('bad gateway');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    process.env.SOC2LINT_OSV_URL = baseUrl;
    try {
      const project = createProjectModel(path.join(FIXTURES, 'vulnerable-lockfiles'), {
        online: true,
      });
      assert.deepEqual(await runRule(project), []);
      assert.deepEqual(project.failures, [
        `Online advisory lookup at ${baseUrl} failed: POST ${baseUrl}/v1/querybatch failed with HTTP 502. ` +
          'Check the network connection and SOC2LINT_OSV_URL, or scan without --online.',
      ]);
      assert.equal(project.notes.at(-1)?.kind, 'error');
    } finally {
      delete process.env.SOC2LINT_OSV_URL;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('dependency-scanning catalogue examples', () => {
  test('scanning workflow is compliant', async () => {
    const workflow = `name: Security Vulnerability Scan
on:
  push:
    branches: [main]
jobs:
  dependency-scan:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Install dependencies
        run: |
          pip install -r requirements.txt
      - name: Safety
        run: |
          pip install safety
          safety check --json > safety-report.json || true
      - name: Snyk
        uses: snyk/actions/python@master
        with:
          args: --severity-threshold=high
      - name: OWASP Dependency-Check
        uses: dependency-check/Dependency-Check_Action@main
        with:
          project: app
          path: .
          format: JSON
  npm-audit:
    runs-on: ubuntu-latest
    steps:
      - run: npm audit --audit-level=high --json > npm-audit.json || true
      - run: npm audit fix
`;
    const root = makeProject({
      '.github/workflows/security-scan.yml': workflow,
      'requirements.txt': 'flask==3.0.3\n',
    });
    const reports = await runRule(createProjectModel(root));
    const severe = reports.filter((report) => !report.key.includes(' low '));
    assert.deepEqual(severe, []);
    assert.deepEqual(
      reports.map((report) => report.key),
      [
        '.github/workflows/security-scan.yml:16 low scanCannotFail',
        '.github/workflows/security-scan.yml:21 low scanCannotFail',
        '.github/workflows/security-scan.yml:30 low scanCannotFail',
      ],
    );
  });

  test('outdated pins without CI', async () => {
    const root = makeProject({
      'requirements.txt': 'Django==2.2.0\nrequests==2.18.0\ncryptography==2.0\n',
      'package.json': JSON.stringify(
        { dependencies: { express: '4.16.0', lodash: '4.17.4', axios: '0.18.0' } },
        null,
        2,
      ),
    });
    const keys = (await runRule(createProjectModel(root))).map((report) => report.key);
    assert.deepEqual(keys, ['package.json:1 high missingScan']);
  });

  test('script without manifests is clean', async () => {
    const root = makeProject({
      'scripts/check_dependencies.py': 'import subprocess\nsubprocess.run(["safety", "check"])\n',
    });
    assert.deepEqual(await runRule(createProjectModel(root)), []);
  });
});

describe('dependency-scanning metadata', () => {
  test('summary and page headings', () => {
    assert.match(rule.summary, /^Require /);
    const page = fs.readFileSync(
      path.resolve(
        path.dirname(fileURLToPath(import.meta.url)),
        '../../../src/rules/dependency-scanning.md',
      ),
      'utf8',
    );
    const lines = page.split('\n');
    assert.equal(lines[0], `# ${rule.id} ${rule.name}`);
    assert.equal(lines[1], rule.summary);
    const headings = lines.filter((line) => line.startsWith('## '));
    assert.deepEqual(headings, [
      '## What it finds',
      '## Why it matters',
      '## Non-compliant',
      '## Compliant',
      '## Options',
      '## Known limits',
    ]);
  });
});

/** Lines marked `finding` for CC7.5.2 in a fixture folder, as `path:line`; null without markers. */
function readMarkedLines(root: string): Set<string> | null {
  const marked = new Set<string>();
  const pending = [''];
  let hasMarkers = false;
  while (pending.length > 0) {
    const relative = pending.pop() as string;
    for (const entry of fs.readdirSync(path.join(root, relative), { withFileTypes: true })) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        pending.push(child);
        continue;
      }
      const lines = fs.readFileSync(path.join(root, child), 'utf8').split('\n');
      let pendingKind: string | null = null;
      for (const [index, line] of lines.entries()) {
        const marker =
          /^\s*(?:#|\/\/)\s*(finding|clean|known-miss|known-noise):\s*CC7\.5\.2\b/.exec(line);
        if (marker) {
          hasMarkers = true;
          pendingKind = pendingKind === 'finding' ? 'finding' : marker[1];
          continue;
        }
        if (pendingKind === 'finding' || pendingKind === 'known-noise') {
          marked.add(`${child}:${index + 1}`);
        }
        pendingKind = null;
      }
    }
  }
  return hasMarkers ? marked : null;
}
