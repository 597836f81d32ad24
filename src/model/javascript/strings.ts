import type { SyntaxNode } from '../../parse/syntax-node.js';
import type { Expr, StringExpr, TemplateExpr } from '../types.js';
import {
  getRange,
  getText,
  getType,
  type ModelBuilder,
  type WalkContext,
} from './context.js';
import { convertExpression } from './expressions.js';

/**
 * Longest decoded string value kept. NOTE: longer literals (embedded data, bundles) are cut to
 * this length, so `StringExpr.value` is then a prefix of the real value.
 */
const MAX_STRING_VALUE = 2000;

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  f: '\f',
  v: '\v',
  0: '\0',
};

const ESCAPE = /\\(?:u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\r\n|[\s\S])/g;

/**
 * Converts a `string` node to its decoded value, read from the source between the quotes so
 * that no child nodes are created.
 */
export function convertString(b: ModelBuilder, node: SyntaxNode): StringExpr {
  const start = node.startIndex + 1;
  const end = Math.max(start, node.endIndex - 1);
  const raw = b.source.slice(start, Math.min(end, start + MAX_STRING_VALUE * 2));
  const value = raw.includes('\\') ? raw.replace(ESCAPE, decodeEscape) : raw;
  return {
    kind: 'string',
    value: value.slice(0, MAX_STRING_VALUE),
    range: getRange(b, node),
    text: getText(b, node),
  };
}

/**
 * Converts a template literal. Without substitutions it is a plain string; otherwise a
 * `template` whose literal has `{}` where each substitution goes.
 */
export function convertTemplateString(
  b: ModelBuilder,
  node: SyntaxNode,
  ctx: WalkContext,
  depth: number,
): StringExpr | TemplateExpr {
  let literal = '';
  const parts: Expr[] = [];
  for (const child of node.namedChildren) {
    if (getType(child) === 'template_substitution') {
      const inner = child.namedChildren.find((candidate) => getType(candidate) !== 'comment');
      if (inner) {
        parts.push(convertExpression(b, inner, ctx, depth + 1));
      }
      literal += '{}';
    } else if (literal.length < MAX_STRING_VALUE) {
      literal += decodePiece(b, child);
    }
  }
  const range = getRange(b, node);
  const text = getText(b, node);
  if (parts.length === 0) {
    return { kind: 'string', value: literal.slice(0, MAX_STRING_VALUE), range, text };
  }
  return { kind: 'template', operation: 'template', literal, parts, range, text };
}

function decodePiece(b: ModelBuilder, node: SyntaxNode): string {
  const start = node.startIndex;
  const raw = b.source.slice(start, Math.min(node.endIndex, start + MAX_STRING_VALUE));
  return getType(node) === 'escape_sequence' ? decodeEscape(raw) : raw;
}

/** Decodes one escape sequence such as `\n`, `\x41`, `\u00e9` or `\u{1F600}`. */
export function decodeEscape(raw: string): string {
  const letter = raw[1] ?? '';
  const simple = SIMPLE_ESCAPES[letter];
  if (simple !== undefined && raw.length === 2) {
    return simple;
  }
  if (letter === 'x' || letter === 'u') {
    const digits = raw.slice(2).replace(/[{}]/g, '');
    const code = Number.parseInt(digits, 16);
    if (Number.isFinite(code) && code >= 0 && code <= 0x10ffff) {
      return String.fromCodePoint(code);
    }
    return raw;
  }
  if (letter === '\n' || letter === '\r' || letter === '\u2028' || letter === '\u2029') {
    return '';
  }
  return raw.slice(1);
}

/**
 * Builds the `concat` template of `+` operands, or null when no operand is a string. Strings
 * join the literal; templates and earlier concatenations are merged in; other values are parts.
 */
export function buildConcat(
  b: ModelBuilder,
  node: SyntaxNode,
  operands: Expr[],
): TemplateExpr | null {
  if (!operands.some(isStringLike)) {
    return null;
  }
  let literal = '';
  const parts: Expr[] = [];
  for (const operand of operands) {
    if (operand.kind === 'string') {
      literal += operand.value;
    } else if (
      operand.kind === 'template' &&
      (operand.operation === 'template' || operand.operation === 'concat')
    ) {
      literal += operand.literal;
      parts.push(...operand.parts);
    } else {
      literal += '{}';
      parts.push(operand);
    }
  }
  return {
    kind: 'template',
    operation: 'concat',
    literal,
    parts,
    range: getRange(b, node),
    text: getText(b, node),
  };
}

export function isStringLike(expr: Expr): boolean {
  return expr.kind === 'string' || expr.kind === 'template';
}

/** `util.format` literal: the format string with each `%s`-style placeholder as `{}`. */
export function toFormatLiteral(format: string): string {
  return format.replace(/%[sdifjoOc]/g, '{}').replace(/%%/g, '%');
}
