import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findScanSteps, readCiInputs } from '../../src/project/ci/index.js';
import { getIgnoredFailureReason } from '../../src/project/ci/shell-failure.js';
import { readRenovateConfig } from '../../src/project/ci/update-bots.js';
import { makeProject } from '../helpers/temp.js';
import { createProjectModel } from './project-model.js';

/** Scans of a one-file project as `path:line scanner [ignored by]`. */
function listScans(files: Record<string, string>): string[] {
  const inputs = readCiInputs(createProjectModel(makeProject(files)));
  assert.deepEqual(inputs.problems, []);
  return inputs.ciFiles.flatMap(findScanSteps).map((scan) => {
    const suffix = scan.ignoredBy ? ` [${scan.ignoredBy}]` : '';
    return `${scan.path}:${scan.line} ${scan.scanner.name}${suffix}`;
  });
}

test('github run and uses steps', () => {
  const workflow = `name: security
on: [push]
defaults:
  run:
    shell: bash
jobs:
  audit:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm audit signatures
      - name: audit
        run: |
          npm ci
          npm audit --audit-level=high
          echo "npm audit done"
      - run: pip-audit -r requirements.txt || true
      - run: npm audit --json | tee audit.json
      - uses: snyk/actions/setup@master
      - uses: snyk/actions/node@master
        continue-on-error: true
      - uses: aquasecurity/trivy-action@0.28.0
        with:
          scan-type: fs
          exit-code: '1'
      - uses: aquasecurity/trivy-action@0.28.0
        with:
          image-ref: app:latest
      - uses: actions/dependency-review-action@v4
        with:
          warn-only: true
  osv:
    uses: google/osv-scanner-action/.github/workflows/osv-scanner-reusable.yml@v1.9.0
  optional:
    runs-on: ubuntu-latest
    continue-on-error: true
    steps:
      - run: safety check
`;
  assert.deepEqual(listScans({ '.github/workflows/security.yml': workflow }), [
    '.github/workflows/security.yml:15 npm audit',
    '.github/workflows/security.yml:17 pip-audit [`|| true`]',
    '.github/workflows/security.yml:18 npm audit',
    '.github/workflows/security.yml:20 Snyk [`continue-on-error: true`]',
    '.github/workflows/security.yml:22 Trivy',
    '.github/workflows/security.yml:29 dependency review [`warn-only: true`]',
    '.github/workflows/security.yml:33 OSV-Scanner',
    '.github/workflows/security.yml:38 Safety [`continue-on-error: true` on job `optional`]',
  ]);
});

test('github default shell has no pipefail', () => {
  const workflow = `on: push
jobs:
  audit:
    runs-on: ubuntu-latest
    steps:
      - run: npm audit --json | tee audit.json
`;
  assert.deepEqual(listScans({ '.github/workflows/a.yaml': workflow }), [
    '.github/workflows/a.yaml:6 npm audit [a pipe into another command without `set -o pipefail`]',
  ]);
});

test('gitlab template, allow_failure and extends', () => {
  const gitlab = `include:
  - template: Jobs/Dependency-Scanning.gitlab-ci.yml
  - local: ci/audit.yml

.audit:
  allow_failure: true

npm-audit:
  extends: .audit
  script:
    - npm ci
    - npm audit --audit-level=high

pip-audit:
  image: python:3.12
  script:
    - pip install pip-audit
    - pip-audit --strict
  after_script:
    - osv-scanner -r .
`;
  const included = `yarn-audit:
  script: yarn audit || exit 0
`;
  assert.deepEqual(listScans({ '.gitlab-ci.yml': gitlab, 'ci/audit.yml': included }), [
    '.gitlab-ci.yml:2 GitLab dependency scanning',
    '.gitlab-ci.yml:12 npm audit [`allow_failure` on job `npm-audit`]',
    '.gitlab-ci.yml:18 pip-audit',
    '.gitlab-ci.yml:20 OSV-Scanner [`after_script`, whose failures GitLab ignores]',
    'ci/audit.yml:2 yarn audit [`|| exit 0`]',
  ]);
});

test('gitlab scanning disabled by variable', () => {
  const gitlab = `include:
  - template: Security/Dependency-Scanning.gitlab-ci.yml
variables:
  DEPENDENCY_SCANNING_DISABLED: "true"
`;
  assert.deepEqual(listScans({ '.gitlab-ci.yml': gitlab }), []);
});

test('circleci orbs and run steps', () => {
  const config = `version: 2.1
orbs:
  security: snyk/snyk@2.1.0
jobs:
  build:
    docker:
      - image: cimg/node:20.11
    steps:
      - checkout
      - run: npm audit || true
      - run:
          name: audit python
          command: |
            pip-audit
      - security/scan:
          fail-on-issues: false
      - security/scan
workflows:
  main:
    jobs:
      - build
`;
  assert.deepEqual(listScans({ '.circleci/config.yml': config }), [
    '.circleci/config.yml:10 npm audit [`|| true`]',
    '.circleci/config.yml:14 pip-audit',
    '.circleci/config.yml:15 Snyk [`fail-on-issues: false`]',
    '.circleci/config.yml:17 Snyk',
  ]);
});

test('jenkinsfile shell and plugin steps', () => {
  const jenkinsfile = `pipeline {
  agent any
  stages {
    stage('audit') {
      steps {
        // sh 'npm audit' in a comment does not run
        sh 'npm audit --audit-level=high'
        sh(script: 'pip-audit', returnStatus: true)
        sh label: 'yarn', script: 'yarn audit || true'
        sh '''
          npm ci
          osv-scanner --lockfile package-lock.json
        '''
        catchError(buildResult: 'SUCCESS', stageResult: 'FAILURE') {
          sh "safety check"
        }
        snykSecurity(snykInstallation: 'snyk', failOnIssues: false)
        dependencyCheck additionalArguments: '--scan .', odcInstallation: 'odc'
        dependencyCheckPublisher failedTotalCritical: 1
      }
    }
  }
}
`;
  assert.deepEqual(listScans({ Jenkinsfile: jenkinsfile }), [
    'Jenkinsfile:7 npm audit',
    'Jenkinsfile:8 pip-audit [`returnStatus: true`]',
    'Jenkinsfile:9 yarn audit [`|| true`]',
    'Jenkinsfile:12 OSV-Scanner',
    "Jenkinsfile:15 Safety [`catchError(buildResult: 'SUCCESS')`]",
    'Jenkinsfile:17 Snyk [`failOnIssues: false`]',
    'Jenkinsfile:18 OWASP Dependency-Check',
  ]);
});

test('azure pipelines steps and tasks', () => {
  const pipeline = `trigger:
  - main
stages:
  - stage: security
    jobs:
      - job: audit
        steps:
          - script: npm audit --audit-level=high
          - script: |
              pip-audit
              echo finished
          - bash: safety check
            continueOnError: true
          - task: SnykSecurityScan@1
            inputs:
              serviceConnectionEndpoint: snyk
              failOnIssues: false
          - task: dependency-check-build-task@6
            inputs:
              projectName: app
              scanPath: .
              failOnCVSS: '7'
      - job: optional
        continueOnError: true
        steps:
          - script: osv-scanner -r .
`;
  assert.deepEqual(listScans({ 'azure-pipelines.yml': pipeline }), [
    'azure-pipelines.yml:8 npm audit',
    'azure-pipelines.yml:10 pip-audit [a shell that does not stop on errors (no `set -e`)]',
    'azure-pipelines.yml:12 Safety [`continueOnError: true`]',
    'azure-pipelines.yml:14 Snyk [`failOnIssues: false`]',
    'azure-pipelines.yml:18 OWASP Dependency-Check',
    'azure-pipelines.yml:26 OSV-Scanner [`continueOnError: true` on job `optional`]',
  ]);
});

test('bitbucket steps, pipes and anchors', () => {
  const pipelines = `definitions:
  steps:
    - step: &audit
        name: audit
        script:
          - npm audit --audit-level=high
pipelines:
  default:
    - step: *audit
    - parallel:
        - step:
            script:
              - pipe: snyk/snyk-scan:1.0.0
                variables:
                  SNYK_TOKEN: $SNYK_TOKEN
                  DONT_BREAK_BUILD: "true"
  branches:
    main:
      - step: *audit
      - step:
          script:
            - set +e
            - pip-audit
            - echo done
          after-script:
            - osv-scanner -r .
`;
  assert.deepEqual(listScans({ 'bitbucket-pipelines.yml': pipelines }), [
    'bitbucket-pipelines.yml:6 npm audit',
    'bitbucket-pipelines.yml:13 Snyk [`DONT_BREAK_BUILD: true`]',
    'bitbucket-pipelines.yml:23 pip-audit',
    'bitbucket-pipelines.yml:26 OSV-Scanner [`after-script`, whose failures Bitbucket ignores]',
  ]);
});

test('shell failure reasons', () => {
  const strict = { errexit: true, pipefail: false };
  const loose = { errexit: false, pipefail: false };
  const reason = (lines: string[], index: number, shell = strict): string | null =>
    getIgnoredFailureReason(
      lines.map((text, line) => ({ text, line: line + 1 })),
      index,
      0,
      shell,
    );
  assert.equal(reason(['npm audit || true'], 0), '`|| true`');
  assert.equal(reason(['npm audit || exit 0'], 0), '`|| exit 0`');
  assert.equal(reason(['npm audit || echo "audit failed"'], 0), '`|| echo "audit failed"`');
  assert.equal(reason(['npm audit || exit 1'], 0), null);
  assert.equal(reason(['npm audit || (echo failed; exit 1)'], 0), null);
  assert.equal(reason(['npm audit 2>&1 > audit.txt'], 0), null);
  assert.equal(reason(['npm audit; true'], 0), null);
  assert.equal(
    reason(['npm audit; true'], 0, loose),
    'a shell that does not stop on errors (no `set -e`)',
  );
  assert.equal(reason(['set +e', 'npm audit', 'echo done'], 1), '`set +e`');
  assert.equal(reason(['set +e', 'npm audit'], 1), null);
  assert.equal(reason(['set +e', 'set -e', 'npm audit', 'echo'], 2), null);
  assert.equal(
    reason(['npm audit | tee out'], 0),
    'a pipe into another command without `set -o pipefail`',
  );
  assert.equal(reason(['set -euo pipefail', 'npm audit | tee out'], 1), null);
  assert.equal(reason(['npm audit &'], 0), 'running it in the background with `&`');
  assert.equal(
    reason(['npm audit && echo ok', 'echo next'], 0),
    'an `&&` list followed by other commands, where `set -e` does not apply',
  );
  assert.equal(reason(['npm audit && echo ok'], 0), null);
});

test('echo of a scanner name is no scan', () => {
  const workflow = `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo "remember to run npm audit"
`;
  assert.deepEqual(listScans({ '.github/workflows/a.yml': workflow }), []);
});

test('help and version are no scan', () => {
  const workflow = `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: npm audit --help
      - run: npm audit -h
      - run: pip-audit --version
      - run: pip-audit --help && pip-audit -r requirements.txt
      - run: osv-scanner --lockfile package-lock.json --verbosity=info
`;
  assert.deepEqual(listScans({ '.github/workflows/a.yml': workflow }), [
    '.github/workflows/a.yml:9 pip-audit',
    '.github/workflows/a.yml:10 OSV-Scanner',
  ]);
});

test('npm audit-level none cannot fail', () => {
  const workflow = `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: npm audit --audit-level=none
      - run: npm audit --audit-level none --omit=dev
      - run: npm audit --audit-level=high
`;
  const reason = '`--audit-level=none`, which makes npm audit exit 0';
  assert.deepEqual(listScans({ '.github/workflows/a.yml': workflow }), [
    `.github/workflows/a.yml:6 npm audit [${reason}]`,
    `.github/workflows/a.yml:7 npm audit [${reason}]`,
    '.github/workflows/a.yml:8 npm audit',
  ]);
});

/** Scans of GitHub workflows as `path:line scanner [why it never runs on a change]`. */
function listIdleScans(files: Record<string, string>): string[] {
  const inputs = readCiInputs(createProjectModel(makeProject(files)));
  return inputs.ciFiles.flatMap(findScanSteps).map((scan) => {
    const suffix = scan.notAutomatedBy ? ` [${scan.notAutomatedBy}]` : '';
    return `${scan.path}:${scan.line} ${scan.scanner.name}${suffix}`;
  });
}

test('github manual-only triggers', () => {
  const steps = `jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: npm audit
`;
  const manual = '`on: workflow_dispatch` alone, which runs the workflow only when started by hand';
  assert.deepEqual(
    listIdleScans({
      '.github/workflows/scalar.yml': `on: workflow_dispatch\n${steps}`,
      '.github/workflows/list.yml': `on: [workflow_dispatch]\n${steps}`,
      '.github/workflows/map.yml': `on:\n  workflow_dispatch:\n    inputs: {}\n${steps}`,
      '.github/workflows/push.yml': `on: [workflow_dispatch, push]\n${steps}`,
      '.github/workflows/pr.yml': `on:\n  workflow_dispatch:\n  pull_request:\n${steps}`,
      '.github/workflows/nightly.yml': `on:\n  schedule:\n    - cron: '0 4 * * *'\n  workflow_dispatch:\n${steps}`,
    }),
    [
      `.github/workflows/list.yml:6 npm audit [${manual}]`,
      `.github/workflows/map.yml:8 npm audit [${manual}]`,
      '.github/workflows/nightly.yml:9 npm audit',
      '.github/workflows/pr.yml:8 npm audit',
      '.github/workflows/push.yml:6 npm audit',
      `.github/workflows/scalar.yml:6 npm audit [${manual}]`,
    ],
  );
});

test('github if false on job and step', () => {
  const workflow = `on: push
jobs:
  off:
    if: false
    runs-on: ubuntu-latest
    steps:
      - run: npm audit
  on:
    if: github.event_name == 'push'
    runs-on: ubuntu-latest
    steps:
      - run: pip-audit
        if: \${{ false }}
      - run: npm audit
      - uses: ./.github/workflows/audit.yml
  reusable:
    if: \${{ false }}
    uses: ./.github/workflows/audit.yml
`;
  assert.deepEqual(listIdleScans({ '.github/workflows/a.yml': workflow }), [
    '.github/workflows/a.yml:7 npm audit [`if: false` on job `off`]',
    '.github/workflows/a.yml:12 pip-audit [`if: false` on the step]',
    '.github/workflows/a.yml:14 npm audit',
  ]);
});

test('invalid yaml is a problem', () => {
  const root = makeProject({
    '.github/workflows/broken.yml': 'jobs:\n  a: [unclosed\n',
    '.github/workflows/good.yml': 'jobs:\n  a:\n    steps:\n      - run: pip-audit\n',
  });
  const inputs = readCiInputs(createProjectModel(root));
  assert.equal(inputs.problems.length, 1);
  assert.equal(inputs.problems[0].path, '.github/workflows/broken.yml');
  assert.match(inputs.problems[0].reason, /^Invalid YAML/);
  assert.equal(inputs.ciFiles.flatMap(findScanSteps).length, 1);
});

test('dependabot ecosystems and directories', () => {
  const root = makeProject({
    '.github/dependabot.yml': `version: 2
updates:
  - package-ecosystem: npm
    directory: /
    schedule: { interval: weekly }
  - package-ecosystem: pip
    directories: ["/services/*", "/tools"]
`,
  });
  const inputs = readCiInputs(createProjectModel(root));
  assert.equal(inputs.dependabot?.line, 2);
  assert.deepEqual(inputs.dependabot?.updates, [
    { ecosystem: 'npm', directories: ['/'], line: 3 },
    { ecosystem: 'pip', directories: ['/services/*', '/tools'], line: 6 },
  ]);
});

test('renovate config forms', () => {
  const json5 = `{
  // Renovate preset
  extends: ['config:recommended'],
  enabledManagers: ["npm", 'pip_requirements',],
}`;
  assert.deepEqual(readRenovateConfig(json5, 'renovate.json5'), {
    path: 'renovate.json5',
    enabled: true,
    enabledManagers: ['npm', 'pip_requirements'],
  });
  assert.equal(readRenovateConfig('{"enabled": false}', 'renovate.json').enabled, false);
  assert.equal(readRenovateConfig('not json at all', '.renovaterc').enabled, true);

  const root = makeProject({
    'package.json': '{"renovate": {"extends": ["config:base"]}, "dependencies": {}}',
  });
  assert.equal(readCiInputs(createProjectModel(root)).renovate?.path, 'package.json');
  const withoutKey = makeProject({ 'package.json': '{"dependencies": {}}' });
  assert.equal(readCiInputs(createProjectModel(withoutKey)).renovate, null);
});
