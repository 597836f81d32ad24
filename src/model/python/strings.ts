import type { SyntaxNode } from '../../parse/syntax-node.js';
import type { Expr, Range, StringExpr, TemplateExpr } from '../types.js';
import { convertExpr } from './expressions.js';
import type { BuildState } from './state.js';

/**
 * Longest decoded string value kept. Longer literals are docstrings, embedded data or templates;
 * the names, paths and secrets rules look for are far shorter.
 */
const MAX_STRING_VALUE = 10_000;

const ESCAPE_PATTERN =
  /\\(?:\r?\n|([\\'"abfnrtv])|x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|([0-7]{1,3}))/g;

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

const PERCENT_SPECIFIER =
  /%(?:%|(?:\([^)]*\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa])/g;

const FORMAT_FIELD = /\{\{|\}\}|\{[^{}]*\}/g;

interface Span {
  range: Range;
  text: string;
}

/** Converts a `string` node: a plain literal, or an f-string with its interpolated parts. */
export function convertString(
  state: BuildState,
  node: SyntaxNode,
  span: Span,
  depth: number,
): Expr {
  const source = state.source.text;
  let prefix = '';
  let literal = '';
  const parts: Expr[] = [];
  for (const child of node.namedChildren) {
    const type = child.type;
    if (type === 'string_start') {
      prefix = source.slice(child.startIndex, child.endIndex).toLowerCase();
    } else if (type === 'string_content' && literal.length < MAX_STRING_VALUE) {
      const end = Math.min(child.endIndex, child.startIndex + MAX_STRING_VALUE - literal.length);
      literal += decodeContent(source.slice(child.startIndex, end), prefix);
    } else if (type === 'interpolation') {
      const expression = child.childForFieldName('expression');
      if (expression) {
        parts.push(convertExpr(state, expression, depth + 1));
        literal += '{}';
      }
    }
  }

  if (!prefix.includes('f') || parts.length === 0) {
    return { kind: 'string', value: literal, ...span };
  }
  return { kind: 'template', operation: 'fstring', literal, parts, ...span };
}

/** Converts implicit concatenation (`"a" f"{b}"`): one string, or one f-string template. */
export function convertConcatenatedString(
  state: BuildState,
  node: SyntaxNode,
  span: Span,
  depth: number,
): Expr {
  let literal = '';
  const parts: Expr[] = [];
  for (const child of node.namedChildren) {
    if (child.type !== 'string') {
      continue;
    }
    const piece = convertString(state, child, span, depth);
    if (piece.kind === 'template') {
      literal += piece.literal;
      parts.push(...piece.parts);
    } else if (piece.kind === 'string') {
      literal += piece.value;
    }
  }

  if (parts.length === 0) {
    return { kind: 'string', value: literal, ...span };
  }
  return { kind: 'template', operation: 'fstring', literal, parts, ...span };
}

/** True for string literals and values built by string building. */
export function isStringLike(expr: Expr): expr is StringExpr | TemplateExpr {
  return expr.kind === 'string' || expr.kind === 'template';
}

/** Builds `"%s failed" % x`; a tuple on the right gives one part per item. */
export function buildPercentTemplate(
  format: StringExpr | TemplateExpr,
  values: Expr,
  span: Span,
): TemplateExpr {
  const text = format.kind === 'string' ? format.value : format.literal;
  const literal = text.replace(PERCENT_SPECIFIER, (match) => (match === '%%' ? '%' : '{}'));
  const parts = format.kind === 'template' ? [...format.parts] : [];
  if (values.kind === 'array') {
    parts.push(...values.items);
  } else {
    parts.push(values);
  }
  return { kind: 'template', operation: 'percent', literal, parts, ...span };
}

/** Replaces each `{...}` replacement field of a `str.format` pattern with `{}`. */
export function toFormatLiteral(pattern: string): string {
  return pattern.replace(FORMAT_FIELD, (match) => {
    if (match === '{{') {
      return '{';
    }
    return match === '}}' ? '}' : '{}';
  });
}

/**
 * Appends one operand of `+` to a concatenation: string values join the literal, concatenations
 * and f-strings are flattened, and anything else becomes a `{}` part.
 */
export function appendConcatOperand(
  target: { literal: string; parts: Expr[] },
  operand: Expr,
): void {
  if (operand.kind === 'string') {
    target.literal += operand.value;
  } else if (
    operand.kind === 'template' &&
    (operand.operation === 'concat' || operand.operation === 'fstring')
  ) {
    target.literal += operand.literal;
    target.parts.push(...operand.parts);
  } else {
    target.literal += '{}';
    target.parts.push(operand);
  }
}

function decodeContent(raw: string, prefix: string): string {
  let text = raw;
  if (prefix.includes('f')) {
    text = text.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
  }
  if (prefix.includes('r') || !text.includes('\\')) {
    return text;
  }
  return text.replace(ESCAPE_PATTERN, decodeEscape);
}

function decodeEscape(
  match: string,
  simple: string | undefined,
  hex: string | undefined,
  unicode: string | undefined,
  wide: string | undefined,
  octal: string | undefined,
): string {
  if (simple !== undefined) {
    return SIMPLE_ESCAPES[simple];
  }
  const code = hex ?? unicode ?? wide;
  if (code !== undefined) {
    const value = Number.parseInt(code, 16);
    return value <= 0x10ffff ? String.fromCodePoint(value) : match;
  }
  if (octal !== undefined) {
    return String.fromCharCode(Number.parseInt(octal, 8));
  }
  // A backslash before a newline continues the line.
  return '';
}
