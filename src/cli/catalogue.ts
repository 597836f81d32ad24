import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../config/errors.js';
import { getRule, RULES } from '../rules/index.js';
import type { RuleMeta } from '../rules/types.js';
import { SUPPRESSION_RULE } from '../suppressions/suppression-rule.js';

/** Folder of the rule pages; the package ships `src/rules/*.md` beside the compiled code. */
const RULE_PAGES = fileURLToPath(new URL('../../../src/rules/', import.meta.url));

/** Reads the documentation page of a rule, or undefined when it has none. */
export function readRulePage(rule: RuleMeta): string | undefined {
  try {
    return fs.readFileSync(`${RULE_PAGES}${rule.name}.md`, 'utf8');
  } catch {
    return undefined;
  }
}

/** Formats the rule list for `soc2lint rules`. */
export function runRules(format: 'text' | 'json'): string {
  if (format === 'json') {
    const rules = RULES.map((rule) => ({
      id: rule.id,
      name: rule.name,
      criterion: rule.criterion,
      severity: rule.severity,
      cwe: rule.cwe,
      summary: rule.summary,
      languages: rule.languages,
      aicpa: rule.aicpa,
    }));
    return `${JSON.stringify(rules, null, 2)}\n`;
  }
  const idWidth = Math.max(...RULES.map((rule) => rule.id.length), 2);
  const nameWidth = Math.max(...RULES.map((rule) => rule.name.length), 4);
  const lines = RULES.map(
    (rule) =>
      `${rule.id.padEnd(idWidth)}  ${rule.name.padEnd(nameWidth)}  ${rule.severity.padEnd(8)}  ${rule.summary}`,
  );
  return `${lines.join('\n')}\n`;
}

/** Returns the page `soc2lint explain` prints for a rule id or name. */
export function runExplain(key: string): string {
  if (key === SUPPRESSION_RULE.id || key === SUPPRESSION_RULE.name) {
    return explainSuppressionRule();
  }
  const rule = getRule(key);
  if (!rule) {
    throw new ConfigError(`unknown rule "${key}". Run \`soc2lint rules\` to list rule ids and names.`);
  }
  const page = readRulePage(rule);
  if (page !== undefined) {
    return page.endsWith('\n') ? page : `${page}\n`;
  }
  return [
    `# ${rule.id} ${rule.name}`,
    rule.summary,
    '',
    rule.rationale,
    '',
    `Remediation: ${rule.remediation}`,
    '',
  ].join('\n');
}

/** Formats the page of the built-in rule that checks suppression comments and exceptions. */
function explainSuppressionRule(): string {
  const rule = SUPPRESSION_RULE;
  return [
    `# ${rule.id} ${rule.name}`,
    rule.summary,
    '',
    rule.rationale,
    '',
    'Its findings fail the scan at any --fail-on, and it cannot be turned off; fix the comment',
    'or the exceptions entry instead. docs/adoption.md describes every suppression form.',
    '',
    `Remediation: ${rule.remediation}`,
    '',
  ].join('\n');
}
