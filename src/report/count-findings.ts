import type { Finding } from '../engine/types.js';
import { SEVERITIES, type Severity } from '../rules/types.js';
import { compareRuleIds } from './sort-findings.js';

/** Number of findings of one rule. */
export interface RuleCount {
  ruleId: string;
  ruleName: string;
  count: number;
}

/** Finding counts for a report's summary. */
export interface FindingCounts {
  total: number;
  /** Every severity, most severe first, including those with no finding. */
  bySeverity: Record<Severity, number>;
  /** Rules with at least one finding, sorted by rule id. */
  byRule: RuleCount[];
  /** Number of distinct files with at least one finding. */
  files: number;
}

/** Counts findings by severity, by rule and by file. */
export function countFindings(findings: readonly Finding[]): FindingCounts {
  const bySeverity = {} as Record<Severity, number>;
  for (const severity of SEVERITIES) {
    bySeverity[severity] = 0;
  }

  const byRuleId = new Map<string, RuleCount>();
  const paths = new Set<string>();
  for (const finding of findings) {
    bySeverity[finding.severity] += 1;
    paths.add(finding.path);

    const ruleCount = byRuleId.get(finding.ruleId);
    if (ruleCount) {
      ruleCount.count += 1;
    } else {
      const { ruleId, ruleName } = finding;
      byRuleId.set(ruleId, { ruleId, ruleName, count: 1 });
    }
  }

  const byRule = [...byRuleId.values()].sort((a, b) => compareRuleIds(a.ruleId, b.ruleId));
  return { total: findings.length, bySeverity, byRule, files: paths.size };
}
