import { getIgnoredFailureReason } from './shell-failure.js';
import type { CiFile, CiStep } from './types.js';

/** Package ecosystems a scanner covers, as OSV names them; `any` for multi-ecosystem scanners. */
export type ScannedEcosystem =
  'any' | 'npm' | 'PyPI' | 'RubyGems' | 'Go' | 'crates.io' | 'Packagist';

/** A dependency vulnerability scanner and how to recognize it in CI steps. */
export interface ScannerSpec {
  /** Name used in messages. */
  name: string;
  ecosystems: ScannedEcosystem[];
  /** Matches the scanner in one shell command. */
  command?: RegExp;
  /** Matches the `action` of an action step (see `CiStep.action`). */
  action?: RegExp;
  /** False when this use of the action scans something else, such as a container image. */
  isDependencyScan?(inputs: Record<string, string>): boolean;
  /** Returns why this invocation reports vulnerabilities but exits with success, or null. */
  getReportOnlyReason?(text: string, inputs: Record<string, string>): string | null;
  /**
   * The results go to a security dashboard or merge-request approval rule instead of failing the
   * job (GitLab dependency scanning), so an exit status of 0 is the intended design.
   */
  reportsToPlatform?: boolean;
}

/** A scanner found in a CI file. */
export interface ScanStep {
  scanner: ScannerSpec;
  path: string;
  line: number;
  /** The command or action text that runs the scanner. */
  text: string;
  /** Why a vulnerability this scan finds cannot fail the build; null when it can. */
  ignoredBy: string | null;
  /** The reason the scan never runs on a change (manual trigger only, `if: false`), or null. */
  notAutomatedBy: string | null;
}

const isFalse = (value: string | undefined): boolean => value?.trim().toLowerCase() === 'false';
const isTrue = (value: string | undefined): boolean => value?.trim().toLowerCase() === 'true';
const isNonZero = (value: string | undefined): boolean => /^\s*[1-9]\d*\s*$/.test(value ?? '');

const TRIVY_FILESYSTEM_TYPES = new Set([
  'fs',
  'filesystem',
  'repo',
  'repository',
  'rootfs',
  'sbom',
]);

/** Recognized scanners. `npm audit signatures` checks registry signatures, not advisories. */
export const SCANNERS: ScannerSpec[] = [
  {
    name: 'npm audit',
    ecosystems: ['npm'],
    command: /\bnpm\s+audit\b(?!\s+(?:signatures|fix)\b)/,
    // npm ranks `none` above `critical` (npm-audit-report's lib/exit-code.js, npm 11), so no
    // advisory reaches that level and the command exits 0.
    getReportOnlyReason: (text) =>
      /--audit-level(?:=|\s+)["']?none\b/.test(text)
        ? '`--audit-level=none`, which makes npm audit exit 0'
        : null,
  },
  { name: 'yarn audit', ecosystems: ['npm'], command: /\byarn\s+(?:npm\s+)?audit\b/ },
  { name: 'pnpm audit', ecosystems: ['npm'], command: /\bpnpm\s+audit\b/ },
  { name: 'bun audit', ecosystems: ['npm'], command: /\bbun\s+audit\b/ },
  { name: 'audit-ci', ecosystems: ['npm'], command: /\baudit-ci\b/ },
  { name: 'better-npm-audit', ecosystems: ['npm'], command: /\bbetter-npm-audit\b/ },
  { name: 'pip-audit', ecosystems: ['PyPI'], command: /\bpip[-_]audit\b/ },
  {
    name: 'Safety',
    ecosystems: ['PyPI'],
    command: /\bsafety\s+(?:check|scan)\b/,
    getReportOnlyReason: (text) =>
      /--continue-on-error\b/.test(text)
        ? '`--continue-on-error`, which makes Safety exit 0'
        : null,
  },
  { name: 'poetry audit', ecosystems: ['PyPI'], command: /\bpoetry\s+audit\b/ },
  { name: 'OSV-Scanner', ecosystems: ['any'], command: /\bosv-scanner\b(?!\s+fix\b)/ },
  {
    name: 'OSV-Scanner',
    ecosystems: ['any'],
    action: /^google\/osv-scanner-action\b/,
    getReportOnlyReason: (_text, inputs) =>
      isFalse(inputs['fail-on-vuln']) ? '`fail-on-vuln: false`' : null,
  },
  {
    name: 'Snyk',
    ecosystems: ['any'],
    command: /\bsnyk\s+(?:test|monitor)\b/,
    getReportOnlyReason: (text) =>
      /\bsnyk\s+monitor\b/.test(text) ? '`snyk monitor`, which only uploads a snapshot' : null,
  },
  {
    name: 'Snyk',
    ecosystems: ['any'],
    action: /^snyk\/actions\/(?!setup\b|docker\b|iac\b)[\w-]+/,
    getReportOnlyReason: (_text, inputs) =>
      inputs.command?.trim() === 'monitor'
        ? '`command: monitor`, which only uploads a snapshot'
        : null,
  },
  {
    name: 'Snyk',
    ecosystems: ['any'],
    action: /^orb:snyk\/snyk\/scan$/,
    getReportOnlyReason: (_text, inputs) =>
      isFalse(inputs['fail-on-issues']) ? '`fail-on-issues: false`' : null,
  },
  {
    name: 'Snyk',
    ecosystems: ['any'],
    action: /^pipe:snyk\/snyk-scan\b/,
    getReportOnlyReason: (_text, inputs) =>
      isTrue(inputs.DONT_BREAK_BUILD) ? '`DONT_BREAK_BUILD: true`' : null,
  },
  {
    name: 'Snyk',
    ecosystems: ['any'],
    action: /^task:SnykSecurityScan@/,
    isDependencyScan: (inputs) => (inputs.testType ?? 'app') === 'app',
    getReportOnlyReason: (_text, inputs) =>
      isFalse(inputs.failOnIssues) ? '`failOnIssues: false`' : null,
  },
  {
    name: 'Snyk',
    ecosystems: ['any'],
    command: /\bsnykSecurity\b/,
    getReportOnlyReason: (text) =>
      /failOnIssues\s*:\s*false/.test(text) ? '`failOnIssues: false`' : null,
  },
  {
    name: 'Trivy',
    ecosystems: ['any'],
    command: /\btrivy\s+(?:fs|filesystem|repo|repository|rootfs|sbom)\b/,
    // NOTE: a trivy.yaml next to the project can also set `exit-code`; it is not read.
    getReportOnlyReason: (text) =>
      /--exit-code[=\s]+[1-9]/.test(text)
        ? null
        : 'no `--exit-code 1`, so Trivy exits 0 on findings',
  },
  {
    name: 'Trivy',
    ecosystems: ['any'],
    action: /^aquasecurity\/trivy-action\b/,
    isDependencyScan: (inputs) => TRIVY_FILESYSTEM_TYPES.has(inputs['scan-type'] ?? 'image'),
    getReportOnlyReason: (_text, inputs) =>
      isNonZero(inputs['exit-code']) ? null : 'no `exit-code: 1`, so Trivy exits 0 on findings',
  },
  {
    name: 'Grype',
    ecosystems: ['any'],
    command: /\bgrype\b(?!\s+db\b)/,
    getReportOnlyReason: (text) =>
      /(?:--fail-on|\s-f)[=\s]+\w+/.test(text)
        ? null
        : 'no `--fail-on`, so Grype exits 0 on findings',
  },
  {
    name: 'Grype',
    ecosystems: ['any'],
    action: /^anchore\/scan-action\b/,
    isDependencyScan: (inputs) => inputs.image === undefined || inputs.path !== undefined,
    getReportOnlyReason: (_text, inputs) =>
      isFalse(inputs['fail-build']) ? '`fail-build: false`' : null,
  },
  {
    name: 'OWASP Dependency-Check',
    ecosystems: ['any'],
    command: /\bdependency-check(?:\.sh|\.bat)?\s/,
    getReportOnlyReason: (text) =>
      /--failOnCVSS\b/.test(text)
        ? null
        : 'no `--failOnCVSS`, so Dependency-Check exits 0 on findings',
  },
  {
    name: 'OWASP Dependency-Check',
    ecosystems: ['any'],
    // The Maven and Gradle plugins read their failure threshold from the build file.
    command: /\bdependency-check:(?:check|aggregate)\b|\bdependencyCheck(?!Publisher)\w*\b/,
  },
  {
    name: 'OWASP Dependency-Check',
    ecosystems: ['any'],
    action: /^dependency-check\/Dependency-Check_Action\b/,
    getReportOnlyReason: (_text, inputs) =>
      /--failOnCVSS\b/.test(inputs.args ?? '')
        ? null
        : 'no `--failOnCVSS` in `args`, so Dependency-Check exits 0 on findings',
  },
  {
    name: 'OWASP Dependency-Check',
    ecosystems: ['any'],
    action: /^task:dependency-check-build-task@/,
    getReportOnlyReason: (_text, inputs) =>
      (inputs.failOnCVSS ?? '').trim() !== ''
        ? null
        : 'no `failOnCVSS` input, so the task passes on findings',
  },
  {
    name: 'dependency review',
    ecosystems: ['any'],
    action: /^actions\/dependency-review-action\b/,
    getReportOnlyReason: (_text, inputs) =>
      isTrue(inputs['warn-only']) ? '`warn-only: true`' : null,
  },
  {
    name: 'GitLab dependency scanning',
    ecosystems: ['any'],
    action:
      /^template:(?:(?:Security|Jobs)\/Dependency-Scanning(?:\.latest)?|Auto-DevOps)\.gitlab-ci\.yml$/,
    reportsToPlatform: true,
  },
  {
    name: 'GitLab dependency scanning',
    ecosystems: ['any'],
    action: /^component:.*\/dependency-scanning\b|^image:.*\bgemnasium\b/,
    reportsToPlatform: true,
  },
  {
    name: 'GitHub Advanced Security dependency scanning',
    ecosystems: ['any'],
    action: /^task:AdvancedSecurity-Dependency-Scanning@/,
    reportsToPlatform: true,
  },
  { name: 'Mend', ecosystems: ['any'], action: /^task:(?:WhiteSource|WhiteSourceBolt|MendBolt)@/ },
  {
    name: 'bundler-audit',
    ecosystems: ['RubyGems'],
    command: /\bbundle(?:r)?(?:\s+exec)?\s+(?:bundle-)?audit\b|\bbundler-audit\b/,
  },
  { name: 'govulncheck', ecosystems: ['Go'], command: /\bgovulncheck\b/ },
  { name: 'cargo audit', ecosystems: ['crates.io'], command: /\bcargo\s+audit\b/ },
  { name: 'composer audit', ecosystems: ['Packagist'], command: /\bcomposer\s+audit\b/ },
];

/** Commands that only print or search text, so a scanner name after them is not run. */
const NON_RUNNING_COMMANDS = /^(?:echo|printf|grep|cat|#)/;

/** Options that make a scanner print its help or version and exit without scanning. */
const INFO_OPTIONS = /(?:^|\s)(?:--help|-h|--usage|--version)(?=$|\s)/;

/** Finds every dependency scan in a CI file and whether its failure can fail the build. */
export function findScanSteps(file: CiFile): ScanStep[] {
  const result: ScanStep[] = [];
  for (const step of file.steps) {
    if (step.action) {
      const scan = matchAction(file.path, step);
      if (scan) {
        result.push(scan);
      }
      continue;
    }
    for (const [index, command] of step.commands.entries()) {
      const match = matchCommand(command.text);
      if (!match) {
        continue;
      }
      const ignoredBy =
        step.failureIgnoredBy ??
        getIgnoredFailureReason(step.commands, index, match.offset, step.shell) ??
        match.scanner.getReportOnlyReason?.(command.text, {}) ??
        null;
      result.push({
        scanner: match.scanner,
        path: file.path,
        line: command.line,
        text: command.text,
        ignoredBy,
        notAutomatedBy: step.notAutomatedBy ?? null,
      });
    }
  }
  return result;
}

function matchAction(path: string, step: CiStep): ScanStep | null {
  const action = step.action as string;
  const scanner = SCANNERS.find((spec) => spec.action?.test(action));
  if (!scanner || scanner.isDependencyScan?.(step.inputs) === false) {
    return null;
  }
  const ignoredBy =
    step.failureIgnoredBy ?? scanner.getReportOnlyReason?.(action, step.inputs) ?? null;
  const notAutomatedBy = step.notAutomatedBy ?? null;
  return { scanner, path, line: step.line, text: action, ignoredBy, notAutomatedBy };
}

function matchCommand(text: string): { scanner: ScannerSpec; offset: number } | null {
  for (const scanner of SCANNERS) {
    if (!scanner.command) {
      continue;
    }
    // Every occurrence, so that `pip-audit --version && pip-audit -r requirements.txt` counts.
    const pattern = new RegExp(scanner.command.source, `${scanner.command.flags}g`);
    for (const match of text.matchAll(pattern)) {
      if (isRunAsCommand(text, match.index) && !isInfoRequest(text, match.index)) {
        return { scanner, offset: match.index };
      }
    }
  }
  return null;
}

// Skip: `npm audit --help` and `pip-audit --version` print text and scan nothing.
function isInfoRequest(text: string, offset: number): boolean {
  const invocation = text.slice(offset).split(/&&|\|\||[;|]/)[0] ?? '';
  return INFO_OPTIONS.test(invocation);
}

// Skip: `echo "run npm audit"` prints the name and `pip install pip-audit` installs the scanner;
// neither runs it.
function isRunAsCommand(text: string, offset: number): boolean {
  const before = text.slice(0, offset);
  const segment = before.split(/&&|\|\||[;|(`]|\$\(/).at(-1) ?? '';
  return (
    !NON_RUNNING_COMMANDS.test(segment.trimStart()) &&
    !/\b(?:install|add|i)\s/.test(segment) &&
    !before.includes('#')
  );
}
