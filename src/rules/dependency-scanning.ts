import type { Range } from '../model/types.js';
import { findVulnerablePackages, type VulnerablePackage } from '../project/advisories/index.js';
import { type CiInputs, findScanSteps, readCiInputs, type ScanStep } from '../project/ci/index.js';
import { DEPENDABOT_ECOSYSTEMS, RENOVATE_MANAGERS } from '../project/ci/update-bots.js';
import {
  readDependencyInputs,
  type DependencyInputs,
  type Ecosystem,
} from '../project/lockfiles/index.js';
import type { ProjectModel } from '../project/types.js';
import { defineRule, type RuleContext } from './types.js';

/** The scanner each finding suggests for an ecosystem. */
const SUGGESTED_SCANNERS: Record<Ecosystem, string> = {
  npm: '`npm audit`',
  PyPI: '`pip-audit`',
};

const MAX_LISTED_ADVISORIES = 5;

export default defineRule({
  id: 'CC7.5.2',
  name: 'dependency-scanning',
  criterion: 'CC7.5',
  severity: 'high',
  cwe: ['CWE-1104', 'CWE-1395'],
  summary: 'Require automated vulnerability scanning of third-party dependencies',
  rationale:
    'Most exploited application vulnerabilities are published flaws in third-party packages. ' +
    'A project that declares dependencies but never checks them against an advisory database ' +
    'keeps running known-vulnerable code, and an auditor sees no control that detects it.',
  remediation:
    'Run a dependency scanner (npm audit, pip-audit, OSV-Scanner, Snyk, Trivy) in CI so that a ' +
    'vulnerability fails the build, or configure Dependabot or Renovate for every ecosystem the ' +
    'project uses, and upgrade locked versions that have known advisories.',
  compliant: [
    'A CI step that runs a recognized scanner and can fail the build (GitHub Actions, GitLab CI, CircleCI, Jenkins, Azure Pipelines, Bitbucket Pipelines)',
    'A recognized scanner action, orb, task, pipe or template: snyk/actions, google/osv-scanner-action, aquasecurity/trivy-action with exit-code, anchore/scan-action, dependency-check/Dependency-Check_Action with --failOnCVSS, actions/dependency-review-action, the GitLab Dependency-Scanning template',
    'A Dependabot configuration with an updates entry for every ecosystem in use (npm; pip or uv)',
    'A Renovate configuration that is not disabled (renovate.json, renovate.json5, .renovaterc, .github/renovate.json, package.json "renovate")',
    'A scan that cannot fail the build is accepted at low severity when another scan can',
    'A scan in a manual-only GitHub workflow or under `if: false` is not reported when another scan or an update bot covers the project',
    'Locked versions with no advisory in the configured OSV data',
  ],
  aicpa: [
    {
      criterion: 'CC7.1',
      reason:
        'Dependency scanning is the procedure that detects vulnerabilities in third-party components.',
    },
  ],
  languages: ['ci', 'lockfile'],
  messages: {
    missingScan:
      'No CI job scans {manifests} for known vulnerabilities and there is no Dependabot or Renovate configuration. Run {scanners} in CI or add .github/dependabot.yml.',
    scanCannotFail:
      '{scanner} cannot fail the build because of {reason}. Let a vulnerability fail this step, or gate the build with another scan.',
    scanNotAutomated:
      '{scanner} never runs on a change because of {reason}. Run it on push, pull_request or a schedule.',
    dependabotMissingEcosystem:
      '{path} has no updates entry for {ecosystem}, which {manifest} uses. Add a `package-ecosystem: "{dependabotEcosystem}"` entry.',
    ecosystemNotScanned:
      '{manifest} declares {ecosystem} dependencies that no CI scan, Dependabot or Renovate entry covers. Run {scanner} in CI for them.',
    vulnerableDependency:
      '{name} {version} has known advisories: {advisories}. Upgrade it to {fixedVersion} or later.',
    vulnerableDependencyNoFix:
      '{name} {version} has known advisories with no fixed version: {advisories}. Replace or remove it, or record the accepted risk.',
  },
  async checkProject(project, _summaries, context) {
    const dependencies = readDependencyInputs(project);
    const ci = readCiInputs(project);
    addNotes(project, [...dependencies.problems, ...ci.problems]);

    if (dependencies.manifests.length > 0 || dependencies.lockfiles.length > 0) {
      checkScanCoverage(project, dependencies, ci, context);
    }

    const advisories = await findVulnerablePackages(project, dependencies.packages);
    addNotes(project, advisories.problems);
    // These advisory sources were requested, so a scan that could not use them must not pass.
    for (const failure of advisories.failures) {
      project.addFailure?.(failure);
    }
    for (const vulnerable of advisories.vulnerable) {
      reportVulnerablePackage(project, vulnerable, context);
    }
  },
});

function checkScanCoverage(
  project: ProjectModel,
  dependencies: DependencyInputs,
  ci: CiInputs,
  context: RuleContext,
): void {
  const allScans = ci.ciFiles.flatMap(findScanSteps);
  // A scan started only by hand, or switched off with `if: false`, checks no change.
  const scans = allScans.filter((scan) => scan.notAutomatedBy === null);
  const ecosystems = getUsedEcosystems(dependencies);
  const hasDependabot = (ci.dependabot?.updates.length ?? 0) > 0;
  const hasRenovate = ci.renovate?.enabled === true;
  const mainManifest = dependencies.manifests[0]?.path ?? dependencies.lockfiles[0];

  if (scans.length === 0 && !hasDependabot && !hasRenovate) {
    const idleScans = allScans.filter((scan) => scan.notAutomatedBy !== null);
    for (const scan of idleScans) {
      context.report({
        messageId: 'scanNotAutomated',
        data: { scanner: scan.scanner.name, reason: scan.notAutomatedBy ?? '' },
        path: scan.path,
        range: getLineRange(project, scan.path, scan.line),
      });
    }
    if (idleScans.length > 0) {
      return;
    }
    const path = ci.ciFiles[0]?.path ?? mainManifest;
    const manifests = dependencies.manifests.map((manifest) => manifest.path);
    context.report({
      messageId: 'missingScan',
      data: {
        manifests: formatList(manifests.length > 0 ? manifests : dependencies.lockfiles),
        scanners: formatList([...ecosystems].map((ecosystem) => SUGGESTED_SCANNERS[ecosystem])),
      },
      path,
      range: getLineRange(project, path, 1),
    });
    return;
  }

  const hasGatingScan = scans.some((scan) => isGating(scan));
  for (const scan of scans.filter((candidate) => !isGating(candidate))) {
    context.report({
      messageId: 'scanCannotFail',
      data: { scanner: scan.scanner.name, reason: scan.ignoredBy ?? '' },
      path: scan.path,
      range: getLineRange(project, scan.path, scan.line),
      // The step defeats the scan only when nothing else would catch a vulnerability.
      severity: hasGatingScan || hasDependabot || hasRenovate ? 'low' : 'high',
    });
  }

  for (const ecosystem of ecosystems) {
    checkEcosystemCoverage(project, ecosystem, dependencies, ci, scans, context);
  }
}

function checkEcosystemCoverage(
  project: ProjectModel,
  ecosystem: Ecosystem,
  dependencies: DependencyInputs,
  ci: CiInputs,
  scans: ScanStep[],
  context: RuleContext,
): void {
  const manifest =
    dependencies.manifests.find((candidate) => candidate.ecosystem === ecosystem)?.path ??
    dependencies.packages.find((locked) => locked.ecosystem === ecosystem)?.path ??
    dependencies.lockfiles[0];
  const isScanned = scans.some((scan) =>
    scan.scanner.ecosystems.some((covered) => covered === 'any' || covered === ecosystem),
  );
  const renovate = ci.renovate;
  const isRenovated =
    renovate?.enabled === true &&
    (renovate.enabledManagers === null ||
      renovate.enabledManagers.some((manager) => RENOVATE_MANAGERS[ecosystem].includes(manager)));
  const dependabot = ci.dependabot;
  const isDependabotCovered = dependabot?.updates.some((update) =>
    DEPENDABOT_ECOSYSTEMS[ecosystem].includes(update.ecosystem),
  );

  if (dependabot && dependabot.updates.length > 0 && !isDependabotCovered && !isRenovated) {
    context.report({
      messageId: 'dependabotMissingEcosystem',
      data: {
        path: dependabot.path,
        ecosystem,
        manifest,
        dependabotEcosystem: DEPENDABOT_ECOSYSTEMS[ecosystem][0],
      },
      path: dependabot.path,
      range: getLineRange(project, dependabot.path, dependabot.line),
      severity: 'low',
    });
    return;
  }
  if (!isScanned && !isRenovated && !isDependabotCovered) {
    context.report({
      messageId: 'ecosystemNotScanned',
      data: { manifest, ecosystem, scanner: SUGGESTED_SCANNERS[ecosystem] },
      path: manifest,
      range: getLineRange(project, manifest, 1),
      severity: 'low',
    });
  }
}

function reportVulnerablePackage(
  project: ProjectModel,
  vulnerable: VulnerablePackage,
  context: RuleContext,
): void {
  const { locked } = vulnerable;
  const listed = vulnerable.advisories.slice(0, MAX_LISTED_ADVISORIES).map((advisory) => {
    const cves = advisory.cves.filter((cve) => !advisory.ids.includes(cve));
    return cves.length > 0 ? `${advisory.ids[0]} (${cves.join(', ')})` : advisory.ids[0];
  });
  const hidden = vulnerable.advisories.length - listed.length;
  if (hidden > 0) {
    listed.push(`${hidden} more`);
  }
  context.report({
    messageId: vulnerable.fixedVersion ? 'vulnerableDependency' : 'vulnerableDependencyNoFix',
    data: {
      name: locked.name,
      version: locked.version,
      advisories: listed.join(', '),
      fixedVersion: vulnerable.fixedVersion ?? '',
    },
    path: locked.path,
    range: getLineRange(project, locked.path, locked.line),
    // NOTE: advisories without a rating (no GitHub severity, no CVSS 3 vector) count as high.
    severity: vulnerable.severity ?? 'high',
  });
}

function isGating(scan: ScanStep): boolean {
  return scan.ignoredBy === null || scan.scanner.reportsToPlatform === true;
}

function getUsedEcosystems(dependencies: DependencyInputs): Set<Ecosystem> {
  const ecosystems = new Set<Ecosystem>(
    dependencies.manifests.map((manifest) => manifest.ecosystem),
  );
  for (const locked of dependencies.packages) {
    ecosystems.add(locked.ecosystem);
  }
  return ecosystems;
}

function addNotes(project: ProjectModel, problems: DependencyInputs['problems']): void {
  for (const problem of problems) {
    project.addNote?.(problem);
  }
}

// Lines of each reported file, split once per project even when a lockfile has many findings.
const LINE_CACHE = new WeakMap<ProjectModel, Map<string, string[]>>();

function getLineRange(project: ProjectModel, path: string, line: number): Range {
  let files = LINE_CACHE.get(project);
  if (!files) {
    files = new Map();
    LINE_CACHE.set(project, files);
  }
  let lines = files.get(path);
  if (!lines) {
    const text = project.readText(path);
    lines = text === null || text.includes('\u0000') ? [] : text.split(/\r?\n/);
    files.set(path, lines);
  }
  const lineText = lines[line - 1] ?? '';
  return { startLine: line, startColumn: 1, endLine: line, endColumn: lineText.length + 1 };
}

function formatList(items: string[]): string {
  if (items.length <= 1) {
    return items[0] ?? '';
  }
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
