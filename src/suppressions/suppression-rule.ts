import type { RuleMeta } from '../rules/types.js';

/**
 * The rule that reports suppressions that cannot be trusted: a comment without a reason, a typo
 * in a directive, an entry that matches nothing. Its findings fail the scan at any `--fail-on`,
 * because an exception an auditor cannot read the reason of is itself a gap.
 */
export const SUPPRESSION_RULE: RuleMeta = {
  id: 'SOC2LINT.suppression',
  name: 'suppression-comments',
  criterion: 'SOC2LINT',
  severity: 'high',
  cwe: [],
  summary: 'Require a rule list and a reason on every suppression comment and exception',
  rationale:
    'An auditor reads each accepted finding with its reason. A suppression without a reason, or ' +
    'one that names no real rule, hides findings nobody can account for.',
  remediation:
    'Write `soc2lint-disable-next-line <rule ids> -- <reason>` (or `-line`, `-file`) with a rule ' +
    'id or name and a reason after `--`; remove suppressions that match no finding.',
  compliant: ['`# soc2lint-disable-next-line CC7.1.2 -- masked by the log filter in log.py`'],
  aicpa: [],
  languages: ['python', 'javascript', 'typescript', 'ci'],
  messages: {
    missingReason:
      '`{directive} {rules}` has no reason, so it suppresses nothing. ' +
      'Add `-- <reason>` after the rules.',
    missingRule: '`{directive}` names no rule. Write `{directive} CC7.1.2 -- <reason>`.',
    invalidExpiry:
      '`{directive}` has expiry `until={value}`, not a date. Write `until=YYYY-MM-DD`.',
    misplacedFileDirective:
      '`{directive} {rules}` is ignored below line {maxLine}. Move it to the top of the file.',
    unknownDirective:
      '`{directive}` is not a soc2lint directive. Use soc2lint-disable-next-line, -line or -file.',
    unknownRule:
      '`{directive}` names unknown rule `{rule}`. Run `soc2lint rules` for ids and names.',
    unusedSuppression: '`{directive} {rules}` matches no finding. Remove it.',
    unusedException: 'Exception {entry} matches no finding. Remove it from the exceptions file.',
  },
};

/** Severity of reports about unused suppressions, which hide nothing. */
export const UNUSED_SEVERITY = 'low';

/** True for findings of the suppression rule, which no suppression or baseline can hide. */
export function isSuppressionProblem(finding: { ruleId: string }): boolean {
  return finding.ruleId === SUPPRESSION_RULE.id;
}
