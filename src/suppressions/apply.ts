import { createFinding } from '../engine/finding.js';
import type { Finding, Suppression } from '../engine/types.js';
import type { Range } from '../model/types.js';
import type { Severity } from '../rules/types.js';
import type { Directive, FileDirectives } from './directives.js';
import type { ExceptionEntry, ExceptionsFile } from './exceptions.js';
import { SUPPRESSION_RULE, UNUSED_SEVERITY, isSuppressionProblem } from './suppression-rule.js';

/** Everything that can suppress a finding in one scan. */
export interface SuppressionSources {
  /** Suppression comments by root-relative path. */
  directives: Map<string, FileDirectives>;
  exceptions: ExceptionsFile | null;
  /** Path of the exceptions file relative to the scanned root, for reports that point into it. */
  exceptionsPath: string | null;
  /** Today in UTC as `YYYY-MM-DD`; a suppression applies up to and including its expiry date. */
  today: string;
  /** Returns the id of a rule given by id or name, or undefined for an unknown rule. */
  resolveRule(key: string): string | undefined;
  /** Rules that ran; a suppression is reported unused only for these. */
  activeRuleIds: ReadonlySet<string>;
  reportUnused: boolean;
}

/** A problem with a suppression, before it becomes a finding of the suppression rule. */
export interface SuppressionProblem {
  path: string;
  messageId: string;
  range: Range;
  data: Record<string, string>;
  severity: Severity;
}

interface ActiveDirective {
  directive: Directive;
  path: string;
  ruleIds: Set<string>;
  usedRuleIds: Set<string>;
}

interface Candidate {
  suppression: Suppression;
  isExpired: boolean;
}

const KIND_LABEL: Record<Suppression['kind'], string> = {
  inline: 'inline',
  file: 'file-level',
  exception: 'exceptions-file',
};

/**
 * Marks each finding that a comment or an exception accepts with `suppression`, and each finding
 * whose only matching suppressions have expired with `expiredSuppression` and a note in its
 * message. Findings are changed in place. Returns the problems: unparsable comments, unknown rules
 * and, when asked, suppressions that match no finding.
 */
export function applySuppressions(
  findings: Finding[],
  sources: SuppressionSources,
): SuppressionProblem[] {
  const problems: SuppressionProblem[] = [];
  const byLine = new Map<string, Map<number, ActiveDirective[]>>();
  const byFile = new Map<string, ActiveDirective[]>();
  const active: ActiveDirective[] = [];

  for (const [path, parsed] of sources.directives) {
    for (const problem of parsed.problems) {
      problems.push({ path, ...problem, severity: SUPPRESSION_RULE.severity });
    }
    for (const directive of parsed.directives) {
      const entry = resolveDirective(directive, path, sources, problems);
      active.push(entry);
      if (directive.targetLine === null) {
        getOrCreate(byFile, path, () => []).push(entry);
      } else {
        const lines = getOrCreate(byLine, path, () => new Map<number, ActiveDirective[]>());
        getOrCreate(lines, directive.targetLine, () => []).push(entry);
      }
    }
  }

  const usedEntries = new Set<ExceptionEntry>();
  for (const finding of findings) {
    if (isSuppressionProblem(finding)) {
      continue;
    }
    const directives = [
      ...(byLine.get(finding.path)?.get(finding.range.startLine) ?? []),
      ...(byFile.get(finding.path) ?? []),
    ].filter((entry) => entry.ruleIds.has(finding.ruleId));
    const entries = (sources.exceptions?.entries ?? []).filter((entry) =>
      matchesException(entry, finding),
    );

    const candidates: Candidate[] = [];
    for (const entry of directives) {
      entry.usedRuleIds.add(finding.ruleId);
      candidates.push(toDirectiveCandidate(entry, sources.today));
    }
    for (const entry of entries) {
      usedEntries.add(entry);
      candidates.push(toExceptionCandidate(entry, sources));
    }
    markFinding(finding, candidates);
  }

  if (sources.reportUnused) {
    problems.push(...findUnusedDirectives(active, sources.activeRuleIds));
    problems.push(...findUnusedExceptions(sources, usedEntries));
  }
  return problems;
}

/** Turns suppression problems into findings of the suppression rule. */
export function createProblemFindings(
  problems: SuppressionProblem[],
  readLines: (path: string) => string[] | null,
): Finding[] {
  const seenByPath = new Map<string, Map<string, number>>();
  return problems.map((problem) =>
    createFinding(
      SUPPRESSION_RULE,
      {
        messageId: problem.messageId,
        data: problem.data,
        range: problem.range,
        functionName: null,
      },
      {
        path: problem.path,
        lines: readLines(problem.path),
        model: null,
        severity: problem.severity,
        seen: getOrCreate(seenByPath, problem.path, () => new Map<string, number>()),
      },
    ),
  );
}

/** Resolves the rules a directive names; an unknown rule is reported, the others still apply. */
function resolveDirective(
  directive: Directive,
  path: string,
  sources: SuppressionSources,
  problems: SuppressionProblem[],
): ActiveDirective {
  const ruleIds = new Set<string>();
  for (const key of directive.rules) {
    const ruleId = sources.resolveRule(key);
    if (ruleId === undefined) {
      problems.push({
        path,
        messageId: 'unknownRule',
        range: directive.range,
        data: { directive: directive.kind, rule: key },
        severity: SUPPRESSION_RULE.severity,
      });
    } else {
      ruleIds.add(ruleId);
    }
  }
  return { directive, path, ruleIds, usedRuleIds: new Set() };
}

function matchesException(entry: ExceptionEntry, finding: Finding): boolean {
  if (entry.fingerprint !== null && entry.fingerprint !== finding.fingerprint) {
    return false;
  }
  if (entry.ruleId !== null && entry.ruleId !== finding.ruleId) {
    return false;
  }
  return entry.matchPath === null || entry.matchPath(finding.path);
}

function toDirectiveCandidate(entry: ActiveDirective, today: string): Candidate {
  const { directive } = entry;
  const suppression: Suppression = {
    kind: directive.kind === 'soc2lint-disable-file' ? 'file' : 'inline',
    reason: directive.reason,
    ticket: null,
    approver: null,
    expires: directive.expires,
    location: { path: entry.path, line: directive.range.startLine },
  };
  return { suppression, isExpired: isExpired(directive.expires, today) };
}

function toExceptionCandidate(entry: ExceptionEntry, sources: SuppressionSources): Candidate {
  const suppression: Suppression = {
    kind: 'exception',
    reason: entry.reason,
    ticket: entry.ticket,
    approver: entry.approver,
    expires: entry.expires,
    location: { path: sources.exceptionsPath ?? '', line: entry.line },
  };
  return { suppression, isExpired: isExpired(entry.expires, sources.today) };
}

function isExpired(expires: string | null, today: string): boolean {
  return expires !== null && expires < today;
}

/** Sets the first suppression in effect: a line comment, then a file comment, then an exception. */
function markFinding(finding: Finding, candidates: Candidate[]): void {
  const inEffect = candidates.find((candidate) => !candidate.isExpired);
  if (inEffect) {
    finding.suppression = inEffect.suppression;
    return;
  }
  const expired = candidates[0]?.suppression;
  if (expired) {
    finding.expiredSuppression = expired;
    const label = KIND_LABEL[expired.kind];
    finding.message = `${finding.message} Its ${label} suppression expired on ${expired.expires}.`;
  }
}

function findUnusedDirectives(
  active: ActiveDirective[],
  activeRuleIds: ReadonlySet<string>,
): SuppressionProblem[] {
  const problems: SuppressionProblem[] = [];
  for (const entry of active) {
    const unused = [...entry.ruleIds].filter(
      (ruleId) => activeRuleIds.has(ruleId) && !entry.usedRuleIds.has(ruleId),
    );
    if (unused.length === 0) {
      continue;
    }
    problems.push({
      path: entry.path,
      messageId: 'unusedSuppression',
      range: entry.directive.range,
      data: { directive: entry.directive.kind, rules: unused.join(', ') },
      severity: UNUSED_SEVERITY,
    });
  }
  return problems;
}

function findUnusedExceptions(
  sources: SuppressionSources,
  usedEntries: Set<ExceptionEntry>,
): SuppressionProblem[] {
  if (!sources.exceptions || sources.exceptionsPath === null) {
    return [];
  }
  const problems: SuppressionProblem[] = [];
  for (const entry of sources.exceptions.entries) {
    const isRuleActive = entry.ruleId === null || sources.activeRuleIds.has(entry.ruleId);
    if (usedEntries.has(entry) || !isRuleActive) {
      continue;
    }
    const label = [entry.ruleId, entry.path, entry.fingerprint].filter(Boolean).join(' ');
    problems.push({
      path: sources.exceptionsPath,
      messageId: 'unusedException',
      range: { startLine: entry.line, startColumn: 1, endLine: entry.line, endColumn: 1 },
      data: { entry: `exceptions[${entry.index}] (${label})` },
      severity: UNUSED_SEVERITY,
    });
  }
  return problems;
}

function getOrCreate<Key, Value>(map: Map<Key, Value>, key: Key, create: () => Value): Value {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}
