import { createHash } from 'node:crypto';
import type { FileModel, Range } from '../model/types.js';
import type { ReportDescriptor, RuleMeta, Severity } from '../rules/types.js';
import { maskSecrets } from '../util/secrets.js';
import type { Finding } from './types.js';

export interface FindingSite {
  path: string;
  /** Lines of the file the finding points into, when it was read. */
  lines: string[] | null;
  model: FileModel | null;
  severity: Severity;
  /** Fingerprint keys already used in this file, so identical findings stay distinct. */
  seen: Map<string, number>;
}

const MAX_SNIPPET_LINES = 3;
const MAX_SNIPPET_LINE_LENGTH = 200;

/** Builds a finding from what a rule reported: message, masked snippet, fingerprint. */
export function createFinding(
  rule: RuleMeta,
  descriptor: ReportDescriptor,
  site: FindingSite,
): Finding {
  const template = rule.messages[descriptor.messageId];
  if (template === undefined) {
    throw new Error(`Expected message id "${descriptor.messageId}" in rule ${rule.id}, got none`);
  }
  const functionName =
    descriptor.functionName !== undefined
      ? descriptor.functionName
      : findEnclosingFunctionName(site.model, descriptor.range);

  return {
    ruleId: rule.id,
    ruleName: rule.name,
    criterion: rule.criterion,
    severity: site.severity,
    cwe: rule.cwe,
    messageId: descriptor.messageId,
    message: maskSecrets(fillTemplate(template, descriptor.data ?? {})),
    path: site.path,
    range: descriptor.range,
    snippet: site.lines ? extractSnippet(site.lines, descriptor.range) : '',
    fingerprint: computeFingerprint(rule.id, site, descriptor, functionName),
    remediation: rule.remediation,
    functionName,
    aicpa: rule.aicpa,
  };
}

/** Replaces `{name}` placeholders with report data; unknown placeholders stay as written. */
export function fillTemplate(template: string, data: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) =>
    key in data ? String(data[key]) : match,
  );
}

function extractSnippet(lines: string[], range: Range): string {
  const last = Math.min(range.endLine, range.startLine + MAX_SNIPPET_LINES - 1, lines.length);
  const selected: string[] = [];
  for (let line = range.startLine; line <= last; line++) {
    const text = (lines[line - 1] ?? '').replace(/\r$/, '');
    selected.push(text.length > MAX_SNIPPET_LINE_LENGTH ? `${text.slice(0, MAX_SNIPPET_LINE_LENGTH)}…` : text);
  }
  return maskSecrets(selected.join('\n'));
}

/** Name of the innermost function whose range contains the start of `range`, or null. */
function findEnclosingFunctionName(model: FileModel | null, range: Range): string | null {
  if (!model) {
    return null;
  }
  let best: { name: string | null; span: number } | null = null;
  for (const fn of model.functions) {
    const startsBefore =
      fn.range.startLine < range.startLine ||
      (fn.range.startLine === range.startLine && fn.range.startColumn <= range.startColumn);
    const endsAfter = fn.range.endLine >= range.startLine;
    if (!startsBefore || !endsAfter) {
      continue;
    }
    const span = fn.range.endLine - fn.range.startLine;
    if (best === null || span < best.span) {
      const qualified = fn.className && fn.name ? `${fn.className}.${fn.name}` : fn.name;
      best = { name: qualified, span };
    }
  }
  return best?.name ?? null;
}

/**
 * Hashes the rule, the path, the enclosing function and the finding's code with all whitespace
 * removed, so the fingerprint survives lines inserted above, reformatting and moved functions.
 * A counter separates identical findings in one function. Without code to hash (no source text,
 * or an empty range, as project findings have), the message id and data stand in for it, never
 * the line number, which would change with every line inserted above.
 */
function computeFingerprint(
  ruleId: string,
  site: FindingSite,
  descriptor: ReportDescriptor,
  functionName: string | null,
): string {
  const code = site.lines ? normalizeCode(site.lines, descriptor.range) : '';
  const subject = code !== '' ? code : describeReport(descriptor);
  const key = [ruleId, site.path, functionName ?? '', subject].join('\u0000');
  const occurrence = site.seen.get(key) ?? 0;
  site.seen.set(key, occurrence + 1);
  return createHash('sha256').update(`${key}\u0000${occurrence}`).digest('hex').slice(0, 32);
}

/** Describes a report by message id and sorted data: `missingLimiter [["route","/login"]]`. */
function describeReport(descriptor: ReportDescriptor): string {
  const data = descriptor.data ?? {};
  const entries = Object.keys(data)
    .sort()
    .map((key) => [key, data[key]]);
  return `${descriptor.messageId} ${JSON.stringify(entries)}`;
}

function normalizeCode(lines: string[], range: Range): string {
  const last = Math.min(range.endLine, range.startLine + 20, lines.length);
  const parts: string[] = [];
  for (let line = range.startLine; line <= last; line++) {
    let text = lines[line - 1] ?? '';
    if (line === range.endLine) {
      text = text.slice(0, range.endColumn - 1);
    }
    if (line === range.startLine) {
      text = text.slice(range.startColumn - 1);
    }
    parts.push(text);
  }
  return parts.join('').replace(/\s+/g, '');
}
