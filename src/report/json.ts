import type { BaselineComparison, DiffScope, ScanResult, Suppression } from '../engine/types.js';
import type { AicpaReference, RuleMeta, Severity } from '../rules/types.js';
import { countFindings } from './count-findings.js';
import { sortFindings, sortNotes } from './sort-findings.js';

/** Version of the JSON report layout that `schema/report.schema.json` describes. */
export const JSON_REPORT_SCHEMA_VERSION = 1;

export interface JsonOptions {
  /** soc2lint's own version. */
  toolVersion: string;
}

/** The JSON report. `schema/report.schema.json` is its contract and must change with it. */
export interface JsonReport {
  schemaVersion: typeof JSON_REPORT_SCHEMA_VERSION;
  tool: { name: 'soc2lint'; version: string };
  /** Absolute path of the scanned root. Finding and note paths are relative to it. */
  root: string;
  summary: {
    findings: number;
    bySeverity: Record<Severity, number>;
    /** Finding count per rule id, for rules with at least one finding, in rule id order. */
    byRule: Record<string, number>;
    files: number;
    lines: number;
    durationMs: number;
    /** Findings a comment or the exceptions file accepts; present when there are any. */
    suppressed?: number;
  };
  findings: JsonFinding[];
  notes: { path: string; kind: string; reason: string }[];
  /** Present with `--baseline`. */
  baseline?: BaselineComparison;
  /** Present with `--diff-base` and `--staged`. */
  diff?: DiffScope;
}

/** One finding, flattened: the range's four numbers sit beside the path. */
export interface JsonFinding {
  ruleId: string;
  ruleName: string;
  criterion: string;
  severity: Severity;
  cwe: string[];
  message: string;
  path: string;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  snippet: string;
  fingerprint: string;
  remediation: string;
  functionName: string | null;
  aicpa: AicpaReference[];
  /** Present on accepted findings, which the summary counts as `suppressed`, not as findings. */
  suppression?: Suppression;
  /** Present when the finding's suppression has expired, so it counts again. */
  expiredSuppression?: Suppression;
}

/**
 * Formats a scan result as the versioned JSON report, findings in report order. `rules` is unused
 * because each finding carries its rule's metadata, and it keeps the signature the same across
 * formatters.
 */
export function formatJson(result: ScanResult, rules: RuleMeta[], options: JsonOptions): string {
  return JSON.stringify(toJsonReport(result, options), null, 2) + '\n';
}

/** Builds the JSON report object that `formatJson` serializes. */
export function toJsonReport(result: ScanResult, options: JsonOptions): JsonReport {
  const counts = countFindings(result.findings.filter((finding) => !finding.suppression));
  const suppressedCount = result.findings.length - counts.total;
  const byRule: Record<string, number> = {};
  for (const rule of counts.byRule) {
    byRule[rule.ruleId] = rule.count;
  }

  return {
    schemaVersion: JSON_REPORT_SCHEMA_VERSION,
    tool: { name: 'soc2lint', version: options.toolVersion },
    root: result.root,
    summary: {
      findings: counts.total,
      bySeverity: counts.bySeverity,
      byRule,
      files: result.stats.files,
      lines: result.stats.lines,
      durationMs: Math.round(result.stats.durationMs),
      ...(suppressedCount > 0 ? { suppressed: suppressedCount } : {}),
    },
    findings: sortFindings(result.findings).map((finding) => ({
      ruleId: finding.ruleId,
      ruleName: finding.ruleName,
      criterion: finding.criterion,
      severity: finding.severity,
      cwe: finding.cwe,
      message: finding.message,
      path: finding.path,
      startLine: finding.range.startLine,
      startColumn: finding.range.startColumn,
      endLine: finding.range.endLine,
      endColumn: finding.range.endColumn,
      snippet: finding.snippet,
      fingerprint: finding.fingerprint,
      remediation: finding.remediation,
      functionName: finding.functionName,
      aicpa: finding.aicpa.map(({ criterion, reason }) => ({ criterion, reason })),
      ...(finding.suppression ? { suppression: finding.suppression } : {}),
      ...(finding.expiredSuppression ? { expiredSuppression: finding.expiredSuppression } : {}),
    })),
    notes: sortNotes(result.notes).map(({ path, kind, reason }) => ({ path, kind, reason })),
    ...(result.baseline ? { baseline: result.baseline } : {}),
    ...(result.diff ? { diff: result.diff } : {}),
  };
}
