import { pathToFileURL } from 'node:url';
import type { Finding, ScanNote, ScanResult, Suppression } from '../engine/types.js';
import type { RuleMeta, Severity } from '../rules/types.js';
import { compareRuleIds, sortFindings, sortNotes } from './sort-findings.js';

export interface SarifOptions {
  /** soc2lint's own version, written as `tool.driver.semanticVersion`. */
  toolVersion: string;
  /** Markdown help for a rule, such as its page. Undefined falls back to the rule's remediation. */
  ruleHelp?: (rule: RuleMeta) => string | undefined;
  /** Home page of soc2lint, written as `tool.driver.informationUri` when given. */
  informationUri?: string;
}

/** SARIF 2.1.0 schema, OASIS Standard with Errata 01. */
export const SARIF_SCHEMA_URI =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** Key of the fingerprint in `partialFingerprints`. Bump it when the fingerprint hash changes. */
export const FINGERPRINT_KEY = 'soc2lint/v1';

/** Base id that every artifact URI is relative to. `originalUriBaseIds` maps it to the root. */
const SRCROOT = 'SRCROOT';

/** GitHub code scanning reads `security-severity`, a number in a string, as an alert's severity. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.0',
  high: '7.0',
  medium: '5.0',
  low: '3.0',
};

const LEVEL: Record<Severity, SarifLevel> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
};

const NOTE_LEVEL: Record<ScanNote['kind'], SarifLevel> = {
  skipped: 'note',
  'syntax-error': 'note',
  unreadable: 'warning',
  error: 'error',
};

type SarifLevel = 'error' | 'warning' | 'note';

/**
 * Formats a scan result as a SARIF 2.1.0 log with one run, in the shape GitHub code scanning
 * accepts: rule metadata with help text, `security-severity` on rules and results, artifact URIs
 * relative to `SRCROOT` (the scanned root) and `partialFingerprints` from each finding's
 * fingerprint. Notes on files not fully analyzed become tool execution notifications.
 */
export function formatSarif(result: ScanResult, rules: RuleMeta[], options: SarifOptions): string {
  const sortedRules = [...rules].sort((a, b) => compareRuleIds(a.id, b.id));
  const ruleIndexes = new Map(sortedRules.map((rule, index) => [rule.id, index]));

  const driver: Record<string, unknown> = {
    name: 'soc2lint',
    version: options.toolVersion,
    semanticVersion: options.toolVersion,
  };
  if (options.informationUri !== undefined) {
    driver.informationUri = options.informationUri;
  }
  driver.rules = sortedRules.map((rule) => toReportingDescriptor(rule, options));

  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver },
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: sortNotes(result.notes).map(toNotification),
          },
        ],
        originalUriBaseIds: {
          [SRCROOT]: { uri: toDirectoryUri(result.root) },
        },
        results: sortFindings(result.findings).map((finding) =>
          toResult(finding, ruleIndexes.get(finding.ruleId), result.baseline !== undefined),
        ),
        ...toRunProperties(result),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

/** Builds a `reportingDescriptor`: the rule's metadata as GitHub shows it beside each alert. */
function toReportingDescriptor(rule: RuleMeta, options: SarifOptions): Record<string, unknown> {
  const help = options.ruleHelp?.(rule) ?? rule.remediation;
  return {
    id: rule.id,
    name: rule.name,
    shortDescription: { text: rule.summary },
    fullDescription: { text: rule.rationale },
    help: { text: help, markdown: help },
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: {
      tags: ['security', rule.criterion, ...rule.cwe.map(toCweTag)],
      'security-severity': SECURITY_SEVERITY[rule.severity],
      precision: 'high',
      aicpa: rule.aicpa.map(({ criterion, reason }) => ({ criterion, reason })),
    },
  };
}

/**
 * Builds a `result`. An index must point into `tool.driver.rules`, so `ruleIndex` is left out when
 * the rule is missing from the metadata passed in. `ruleId` still names the rule then.
 */
function toResult(
  finding: Finding,
  ruleIndex: number | undefined,
  hasBaseline: boolean,
): Record<string, unknown> {
  const { range } = finding;
  const region: Record<string, unknown> = {
    startLine: range.startLine,
    startColumn: range.startColumn,
    endLine: range.endLine,
    endColumn: range.endColumn,
  };
  if (finding.snippet !== '') {
    region.snippet = { text: finding.snippet };
  }

  const location: Record<string, unknown> = {
    physicalLocation: { artifactLocation: toArtifactLocation(finding.path), region },
  };
  if (finding.functionName !== null) {
    location.logicalLocations = [{ name: finding.functionName, kind: 'function' }];
  }

  const properties: Record<string, unknown> = {
    'security-severity': SECURITY_SEVERITY[finding.severity],
    criterion: finding.criterion,
  };
  if (finding.functionName !== null) {
    properties.functionName = finding.functionName;
  }
  if (finding.expiredSuppression) {
    properties.expiredSuppression = finding.expiredSuppression;
  }

  return {
    ruleId: finding.ruleId,
    ...(ruleIndex === undefined ? {} : { ruleIndex }),
    level: LEVEL[finding.severity],
    message: { text: finding.message },
    locations: [location],
    partialFingerprints: { [FINGERPRINT_KEY]: finding.fingerprint },
    ...(finding.suppression ? { suppressions: [toSuppression(finding.suppression)] } : {}),
    // A baseline scan reports only findings the baseline lacks, so every result is new.
    ...(hasBaseline ? { baselineState: 'new' } : {}),
    properties,
  };
}

/** Builds a `suppression`: `inSource` for comments, `external` for the exceptions file. */
function toSuppression(suppression: Suppression): Record<string, unknown> {
  const properties: Record<string, string> = {};
  for (const key of ['ticket', 'approver', 'expires'] as const) {
    const value = suppression[key];
    if (value !== null) {
      properties[key] = value;
    }
  }
  const { path, line } = suppression.location;
  return {
    kind: suppression.kind === 'exception' ? 'external' : 'inSource',
    status: 'accepted',
    justification: suppression.reason,
    location: {
      physicalLocation: { artifactLocation: toArtifactLocation(path), region: { startLine: line } },
    },
    ...(Object.keys(properties).length > 0 ? { properties } : {}),
  };
}

/** Run properties for the baseline comparison and the diff scope, when the scan had them. */
function toRunProperties(result: ScanResult): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  if (result.baseline) {
    const { file, matched, absent } = result.baseline;
    properties.baseline = { file, matched, absent: absent.length };
  }
  if (result.diff) {
    properties.diff = result.diff;
  }
  return Object.keys(properties).length > 0 ? { properties } : {};
}

function toNotification(note: ScanNote): Record<string, unknown> {
  return {
    descriptor: { id: note.kind },
    level: NOTE_LEVEL[note.kind],
    message: { text: `${note.path}: ${note.reason}` },
    locations: [{ physicalLocation: { artifactLocation: toArtifactLocation(note.path) } }],
  };
}

function toArtifactLocation(path: string): { uri: string; uriBaseId: string } {
  return { uri: toRelativeUri(path), uriBaseId: SRCROOT };
}

/**
 * Converts a root-relative path to a relative URI reference: forward slashes, and each segment
 * percent-encoded so that spaces, `#` and `?` in file names stay part of the path.
 */
function toRelativeUri(path: string): string {
  return path.replace(/\\/g, '/').split('/').map(encodeURIComponent).join('/');
}

/** `/srv/app` becomes `file:///srv/app/`, because SARIF requires base URIs to end with a slash. */
function toDirectoryUri(root: string): string {
  const uri = pathToFileURL(root).href;
  return uri.endsWith('/') ? uri : uri + '/';
}

/** `CWE-532` becomes the tag `external/cwe/cwe-532`. */
function toCweTag(cwe: string): string {
  const number = cwe.replace(/^CWE-/i, '');
  return `external/cwe/cwe-${number}`;
}
