import picocolors from 'picocolors';
import type { Colors } from 'picocolors/types.js';
import type { Finding, ScanNote, ScanResult } from '../engine/types.js';
import type { RuleMeta, Severity } from '../rules/types.js';
import { countFindings, type FindingCounts } from './count-findings.js';
import { sortFindings, sortNotes } from './sort-findings.js';

export interface TextOptions {
  /** Colour the report with ANSI escapes. The CLI passes false for NO_COLOR or a non-TTY stdout. */
  color: boolean;
}

/** Width the report is laid out for. Messages are not wrapped, but snippet lines are cut to fit. */
const MAX_WIDTH = 100;
const SEVERITY_WIDTH = 'critical'.length;
const SNIPPET_MARK = '| ';

/**
 * Formats a scan result for a terminal: findings grouped by file, then notes on files that were
 * not fully analyzed, then a summary by severity and rule. `rules` is unused because each finding
 * carries its rule's id and name, and it keeps the signature the same across formatters.
 */
export function formatText(result: ScanResult, rules: RuleMeta[], options: TextOptions): string {
  const colors = picocolors.createColors(options.color);
  const sections: string[][] = [];
  // Suppressed findings are counted, not listed; the JSON and SARIF reports carry their reasons.
  const shown = result.findings.filter((finding) => !finding.suppression);
  const suppressedCount = result.findings.length - shown.length;

  for (const [path, findings] of groupByPath(sortFindings(shown))) {
    sections.push(formatFile(path, findings, colors));
  }

  if (result.notes.length > 0) {
    sections.push(formatNotes(result.notes, colors));
  }

  const summary = formatSummary({ ...result, findings: shown }, colors);
  if (suppressedCount > 0) {
    const count = pluralize(suppressedCount, 'suppressed finding');
    summary.push(colors.dim(`${count} not shown; the JSON and SARIF reports give their reasons.`));
  }
  sections.push(summary);
  return sections.map((lines) => lines.join('\n')).join('\n\n') + '\n';
}

function groupByPath(findings: Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const group = groups.get(finding.path);
    if (group) {
      group.push(finding);
    } else {
      groups.set(finding.path, [finding]);
    }
  }
  return groups;
}

/**
 * Lays out one file's findings, with the position and severity columns aligned within the file:
 *
 *   14:9   critical  `password` reaches `logger.info` unmasked. Mask it or leave it out.
 *                    CC7.1.2 sensitive-data-in-logs
 *                    | logger.info('login failed', user, password)
 */
function formatFile(path: string, findings: Finding[], colors: Colors): string[] {
  const positions = findings.map(({ range }) => `${range.startLine}:${range.startColumn}`);
  const positionWidth = Math.max(...positions.map((position) => position.length));
  const indent = ' '.repeat(2 + positionWidth + 2 + SEVERITY_WIDTH + 2);
  const lines = [colors.bold(escapeControlCharacters(path))];

  findings.forEach((finding, index) => {
    const position = positions[index].padEnd(positionWidth);
    const severityText = finding.severity.padEnd(SEVERITY_WIDTH);
    const severity = colorSeverity(severityText, finding.severity, colors);
    lines.push(`  ${colors.dim(position)}  ${severity}  ${finding.message}`);
    lines.push(indent + colors.dim(`${finding.ruleId} ${finding.ruleName}`));

    const snippetWidth = MAX_WIDTH - indent.length - SNIPPET_MARK.length;
    for (const snippetLine of toSnippetLines(finding.snippet, snippetWidth)) {
      lines.push(indent + colors.dim(SNIPPET_MARK + snippetLine));
    }
  });
  return lines;
}

/** Splits a snippet into lines without their common indentation, each cut to `width` characters. */
function toSnippetLines(snippet: string, width: number): string[] {
  const lines = snippet
    .replace(/\t/g, '  ')
    .split(/\r?\n/)
    .map((line) => line.trimEnd());
  while (lines.length > 0 && lines[lines.length - 1] === '') {
    lines.pop();
  }
  while (lines.length > 0 && lines[0] === '') {
    lines.shift();
  }

  const indents = lines.filter((line) => line !== '').map((line) => line.search(/\S/));
  const commonIndent = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((line) => {
    const dedented = line.slice(commonIndent);
    return dedented.length > width ? dedented.slice(0, width - 1) + '…' : dedented;
  });
}

function formatNotes(notes: ScanNote[], colors: Colors): string[] {
  const sorted = sortNotes(notes);
  const kindWidth = Math.max(...sorted.map((note) => note.kind.length));
  const lines = [colors.bold('Notes')];
  for (const note of sorted) {
    lines.push(`  ${colors.yellow(note.kind.padEnd(kindWidth))}  ${escapeControlCharacters(note.path)}: ${note.reason}`);
  }
  return lines;
}

function formatSummary(result: ScanResult, colors: Colors): string[] {
  const { files, lines, durationMs } = result.stats;
  const counts = countFindings(result.findings);
  if (counts.total === 0) {
    return [colors.green(`No findings in ${pluralize(files, 'file')}.`)];
  }

  const summary = [
    colors.bold(
      `${pluralize(counts.total, 'finding')} in ${pluralize(counts.files, 'file')}: `,
    ) + formatSeverityCounts(counts, colors),
  ];

  const countWidth = Math.max(...counts.byRule.map((rule) => String(rule.count).length));
  for (const rule of counts.byRule) {
    summary.push(`  ${String(rule.count).padStart(countWidth)}  ${rule.ruleId} ${rule.ruleName}`);
  }

  const lineCount = pluralize(lines, 'line');
  summary.push(
    `Scanned ${pluralize(files, 'file')} (${lineCount}) in ${formatDuration(durationMs)}.`,
  );
  return summary;
}

function formatSeverityCounts(counts: FindingCounts, colors: Colors): string {
  const entries = Object.entries(counts.bySeverity) as [Severity, number][];
  return entries
    .map(([severity, count]) => {
      const text = `${count} ${severity}`;
      return count > 0 ? colorSeverity(text, severity, colors) : colors.dim(text);
    })
    .join(', ');
}

function colorSeverity(text: string, severity: Severity, colors: Colors): string {
  switch (severity) {
    case 'critical':
      return colors.bold(colors.red(text));
    case 'high':
      return colors.red(text);
    case 'medium':
      return colors.yellow(text);
    case 'low':
      return colors.blue(text);
  }
}

/** `1 file`, `2 files`, `1,234 lines`. */
function pluralize(count: number, noun: string): string {
  const digits = String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${digits} ${noun}${count === 1 ? '' : 's'}`;
}

/** `420 ms` under a second, `3.2 s` from one second on. */
function formatDuration(durationMs: number): string {
  if (durationMs < 1000) {
    return `${Math.round(durationMs)} ms`;
  }
  return `${(durationMs / 1000).toFixed(1)} s`;
}

/**
 * Writes control characters in a file name as escapes (`\n`, `\x1b`), so a crafted name can
 * neither break the report's layout nor send terminal escape sequences.
 */
function escapeControlCharacters(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (character) =>
    character === '\n' ? '\\n' : `\\x${character.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}
