import type { Range } from '../model/types.js';
import { findComments, type CommentSyntax } from './comments.js';

/** The directive keywords, as written after the comment marker. */
export const DIRECTIVE_KINDS = [
  'soc2lint-disable-next-line',
  'soc2lint-disable-line',
  'soc2lint-disable-file',
] as const;

export type DirectiveKind = (typeof DIRECTIVE_KINDS)[number];

/** Last line on which a file-level directive counts, so that it stays where readers notice it. */
export const FILE_DIRECTIVE_MAX_LINE = 10;

/** A suppression comment that parsed: it names rules and gives a reason. */
export interface Directive {
  kind: DirectiveKind;
  /** Position of the comment. */
  range: Range;
  /** The line whose findings it suppresses; null for `soc2lint-disable-file`. */
  targetLine: number | null;
  /** Rule ids or names, as written. */
  rules: string[];
  reason: string;
  /** Last day the directive applies (`YYYY-MM-DD`), or null. */
  expires: string | null;
}

/** Message ids of suppression comments that suppress nothing. */
export type DirectiveProblemId =
  | 'missingReason'
  | 'missingRule'
  | 'invalidExpiry'
  | 'misplacedFileDirective'
  | 'unknownDirective';

/** A suppression comment that did not parse, reported instead of applied. */
export interface DirectiveProblem {
  messageId: DirectiveProblemId;
  range: Range;
  data: Record<string, string>;
}

/** The suppression comments of one file. */
export interface FileDirectives {
  directives: Directive[];
  problems: DirectiveProblem[];
}

const DIRECTIVE_PREFIX = 'soc2lint-';
const DIRECTIVE = /^(soc2lint-[a-z-]+)(?=\s|$)(.*)$/s;
const EXPIRY = /^until=(.*)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Reads the suppression comments of a file:
 * `soc2lint-disable-next-line CC7.1.2, error-disclosure until=2027-03-31 -- reason`, and the same
 * with `soc2lint-disable-line` (its own line) or `soc2lint-disable-file` (the whole file).
 */
export function parseDirectives(source: string, syntax: CommentSyntax): FileDirectives {
  const result: FileDirectives = { directives: [], problems: [] };
  if (!source.includes(DIRECTIVE_PREFIX)) {
    return result;
  }

  for (const comment of findComments(source, syntax)) {
    const match = DIRECTIVE.exec(comment.text);
    if (!match) {
      continue;
    }
    const range: Range = {
      startLine: comment.line,
      startColumn: comment.column,
      endLine: comment.line,
      endColumn: comment.column + syntax.lineComment.length + comment.text.length,
    };
    const keyword = match[1]!;
    if (!(DIRECTIVE_KINDS as readonly string[]).includes(keyword)) {
      result.problems.push({ messageId: 'unknownDirective', range, data: { directive: keyword } });
      continue;
    }
    const kind = keyword as DirectiveKind;
    const targetLine =
      kind === 'soc2lint-disable-next-line'
        ? comment.endLine + 1
        : kind === 'soc2lint-disable-line'
          ? comment.line
          : null;
    const parsed = parseDirectiveBody(kind, match[2]!, range, targetLine);
    if ('messageId' in parsed) {
      result.problems.push(parsed);
    } else {
      result.directives.push(parsed);
    }
  }
  return result;
}

function parseDirectiveBody(
  kind: DirectiveKind,
  body: string,
  range: Range,
  targetLine: number | null,
): Directive | DirectiveProblem {
  const separator = /(?:^|\s)--(?:\s|$)/.exec(body);
  const head = separator ? body.slice(0, separator.index) : body;
  const reason = separator ? body.slice(separator.index + separator[0].length).trim() : '';

  const rules: string[] = [];
  let expires: string | null = null;
  for (const token of head.split(/[\s,]+/).filter(Boolean)) {
    const expiry = EXPIRY.exec(token);
    if (!expiry) {
      rules.push(token);
      continue;
    }
    if (!isValidDate(expiry[1]!)) {
      return { messageId: 'invalidExpiry', range, data: { directive: kind, value: expiry[1]! } };
    }
    expires = expiry[1]!;
  }

  if (rules.length === 0) {
    return { messageId: 'missingRule', range, data: { directive: kind } };
  }
  const ruleList = rules.join(', ');
  if (!/[\p{L}\p{N}]/u.test(reason)) {
    return { messageId: 'missingReason', range, data: { directive: kind, rules: ruleList } };
  }
  if (kind === 'soc2lint-disable-file' && range.startLine > FILE_DIRECTIVE_MAX_LINE) {
    return {
      messageId: 'misplacedFileDirective',
      range,
      data: { directive: kind, rules: ruleList, maxLine: String(FILE_DIRECTIVE_MAX_LINE) },
    };
  }
  return { kind, range, targetLine, rules, reason, expires };
}

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isValidDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) {
    return false;
  }
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === text;
}
