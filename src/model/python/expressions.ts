import type { SyntaxNode } from '../../parse/syntax-node.js';
import type {
  Argument,
  CallExpr,
  Expr,
  ObjectEntry,
  ObjectExpr,
  OtherExpr,
  Range,
  TemplateExpr,
} from '../types.js';
import { assignTarget } from './bindings.js';
import { convertLambda } from './functions.js';
import { getCalleePath } from './paths.js';
import { rangeOfNode, sliceText } from './source.js';
import type { BuildState } from './state.js';
import {
  appendConcatOperand,
  buildPercentTemplate,
  convertConcatenatedString,
  convertString,
  isStringLike,
  toFormatLiteral,
} from './strings.js';

/**
 * Nesting depth past which an expression becomes an `other` with no children. It bounds the
 * recursion, so a file with thousands of nested brackets cannot overflow the stack.
 * NOTE: calls, lambdas and walrus bindings nested deeper than this are not recorded.
 */
export const MAX_EXPR_DEPTH = 150;

/** Calls that serialize a value to JSON text. */
const STRINGIFY_CALLS = new Set(['json.dumps', 'simplejson.dumps', 'orjson.dumps', 'ujson.dumps']);

/** Calls that turn a value into its text. */
const CONVERT_CALLS = new Set(['str', 'repr']);

const COMPREHENSIONS = new Set([
  'list_comprehension',
  'set_comprehension',
  'dictionary_comprehension',
  'generator_expression',
]);

const ARRAY_NODES = new Set(['list', 'tuple', 'set', 'expression_list', 'pattern_list']);

interface Span {
  range: Range;
  text: string;
}

/**
 * Converts an expression node into the model's `Expr`, recording every call, lambda and walrus
 * binding inside it under the current scope of `state`.
 */
export function convertExpr(state: BuildState, node: SyntaxNode, depth = 0): Expr {
  let current = node;
  let type = current.type;
  // Parentheses are unwrapped in a loop, so `((((x))))` costs no depth.
  while (type === 'parenthesized_expression') {
    const inner = getFirstExpressionChild(current);
    if (!inner) {
      break;
    }
    current = inner;
    type = current.type;
  }

  const span = describeNode(state, current);
  if (depth >= MAX_EXPR_DEPTH) {
    return { kind: 'other', syntax: type, children: [], ...span };
  }

  switch (type) {
    case 'identifier':
    case 'keyword_identifier':
      return { kind: 'identifier', name: readNodeText(state, current), ...span };
    case 'attribute':
      return convertAttribute(state, current, span, depth);
    case 'subscript':
      return convertSubscript(state, current, span, depth);
    case 'call':
      return convertCall(state, current, span, depth);
    case 'string':
      return convertString(state, current, span, depth);
    case 'concatenated_string':
      return convertConcatenatedString(state, current, span, depth);
    case 'integer':
    case 'float':
      return convertNumber(span, type);
    case 'true':
      return { kind: 'literal', value: true, ...span };
    case 'false':
      return { kind: 'literal', value: false, ...span };
    case 'none':
      return { kind: 'literal', value: null, ...span };
    case 'dictionary':
      return convertDictionary(state, current, span, depth);
    case 'list_splat':
      return { kind: 'spread', value: convertFirstChild(state, current, depth), ...span };
    case 'conditional_expression':
      return convertConditional(state, current, span, depth);
    case 'boolean_operator':
      return convertBoolean(state, current, span, depth);
    case 'comparison_operator':
    case 'not_operator':
      return { kind: 'compare', operands: convertChildren(state, current, depth), ...span };
    case 'lambda':
      return convertLambda(state, current, span, depth);
    case 'binary_operator':
      return convertBinary(state, current, span, depth);
    case 'named_expression':
      return convertWalrus(state, current, span, depth);
    default:
      break;
  }

  if (ARRAY_NODES.has(type)) {
    return { kind: 'array', items: convertChildren(state, current, depth), ...span };
  }
  if (COMPREHENSIONS.has(type)) {
    return convertComprehension(state, current, span, depth);
  }
  return convertAsOther(state, current, span, depth, type);
}

/** Range and text of a node, reading its end offset once. */
export function describeNode(state: BuildState, node: SyntaxNode): Span {
  const end = node.endIndex;
  return {
    range: rangeOfNode(state.source, node, end),
    text: sliceText(state.source, node.startIndex, end),
  };
}

/** Named children that are not comments; tree-sitter places comments anywhere. */
export function getCodeChildren(node: SyntaxNode): SyntaxNode[] {
  const children: SyntaxNode[] = [];
  for (const child of node.namedChildren) {
    if (child.type !== 'comment') {
      children.push(child);
    }
  }
  return children;
}

/** Converts the arguments of a call: positional, `name=value`, `*args` and `**kwargs`. */
export function convertArguments(state: BuildState, node: SyntaxNode, depth: number): Argument[] {
  if (node.type === 'generator_expression') {
    return [{ name: null, spread: 'none', value: convertExpr(state, node, depth) }];
  }

  const args: Argument[] = [];
  for (const child of node.namedChildren) {
    const type = child.type;
    if (type === 'comment') {
      continue;
    }
    if (type === 'keyword_argument') {
      const nameNode = child.childForFieldName('name');
      const valueNode = child.childForFieldName('value');
      const name = nameNode ? readNodeText(state, nameNode) : '';
      const value = convertExpr(state, valueNode ?? child, depth);
      args.push({ name, spread: 'none', value });
    } else if (type === 'list_splat') {
      args.push({ name: null, spread: 'list', value: convertFirstChild(state, child, depth) });
    } else if (type === 'dictionary_splat') {
      args.push({ name: null, spread: 'dict', value: convertFirstChild(state, child, depth) });
    } else {
      args.push({ name: null, spread: 'none', value: convertExpr(state, child, depth) });
    }
  }
  return args;
}

function convertAttribute(state: BuildState, node: SyntaxNode, span: Span, depth: number): Expr {
  const objectNode = node.childForFieldName('object');
  const propertyNode = node.childForFieldName('attribute');
  if (!objectNode || !propertyNode) {
    return convertAsOther(state, node, span, depth);
  }
  const object = convertExpr(state, objectNode, depth + 1);
  const property = readNodeText(state, propertyNode);
  return { kind: 'member', object, property, ...span };
}

function convertSubscript(state: BuildState, node: SyntaxNode, span: Span, depth: number): Expr {
  const valueNode = node.childForFieldName('value');
  const indexNodes = node.childrenForFieldName('subscript');
  if (!valueNode || indexNodes.length === 0) {
    return convertAsOther(state, node, span, depth);
  }
  const object = convertExpr(state, valueNode, depth + 1);
  const indexes = indexNodes.map((indexNode) => convertExpr(state, indexNode, depth + 1));
  const index: Expr =
    indexes.length === 1
      ? indexes[0]
      : { kind: 'array', items: indexes, ...describeNode(state, indexNodes[0]) };
  const key = index.kind === 'string' ? index.value : null;
  return { kind: 'index', object, index, key, ...span };
}

function convertCall(state: BuildState, node: SyntaxNode, span: Span, depth: number): Expr {
  // The slot is taken before the arguments are converted, so calls stay in source order.
  const slot = state.calls.length;
  state.calls.length += 1;
  const scope = state.scope;

  const functionNode = node.childForFieldName('function');
  const argumentsNode = node.childForFieldName('arguments');
  const callee: Expr = functionNode
    ? convertExpr(state, functionNode, depth + 1)
    : { kind: 'other', syntax: 'missing', children: [], ...span };
  const args = argumentsNode ? convertArguments(state, argumentsNode, depth + 1) : [];
  const call: CallExpr = {
    kind: 'call',
    callee,
    calleePath: getCalleePath(callee),
    arguments: args,
    isNew: false,
    ...span,
  };
  state.calls[slot] = {
    call,
    functionId: scope.functionId,
    tryIds: scope.tryIds,
    catchId: scope.catchId,
    guards: scope.guards,
    range: span.range,
  };
  return convertBuildingCall(call, span) ?? call;
}

/**
 * Returns the string-building or dict-building form of a call (`", ".join(x)`, `json.dumps(x)`,
 * `dict(a=1)`), or null for an ordinary call. The call itself stays in the file's calls.
 */
function convertBuildingCall(call: CallExpr, span: Span): Expr | null {
  const values = call.arguments.map((argument) => argument.value);
  const callee = call.callee;
  if (callee.kind === 'member' && isStringLike(callee.object)) {
    const receiver = callee.object;
    const receiverText = receiver.kind === 'string' ? receiver.value : receiver.literal;
    if (callee.property === 'format') {
      const parts = receiver.kind === 'template' ? [...receiver.parts, ...values] : values;
      return template('format', toFormatLiteral(receiverText), parts, span);
    }
    if (callee.property === 'join') {
      return template('join', receiverText, values, span);
    }
  }

  const path = call.calleePath;
  if (path === null) {
    return null;
  }
  if (STRINGIFY_CALLS.has(path)) {
    return template('stringify', '{}', values.slice(0, 1), span);
  }
  if (CONVERT_CALLS.has(path)) {
    return template('convert', '{}', values.slice(0, 1), span);
  }
  if (path === 'dict') {
    return buildDictCall(call, span);
  }
  return null;
}

function buildDictCall(call: CallExpr, span: Span): ObjectExpr {
  const entries: ObjectEntry[] = call.arguments.map((argument) => ({
    key: argument.name,
    value: argument.value,
    spread: argument.name === null,
    range: argument.value.range,
  }));
  return { kind: 'object', entries, ...span };
}

function template(
  operation: TemplateExpr['operation'],
  literal: string,
  parts: Expr[],
  span: Span,
): TemplateExpr {
  return { kind: 'template', operation, literal, parts, ...span };
}

function convertNumber(span: Span, type: string): Expr {
  const value = Number(span.text.replace(/_/g, ''));
  if (Number.isNaN(value)) {
    // Complex literals (`1j`) and Python 2 longs (`10L`) have no number value.
    return { kind: 'other', syntax: type, children: [], ...span };
  }
  return { kind: 'literal', value, ...span };
}

function convertDictionary(state: BuildState, node: SyntaxNode, span: Span, depth: number): Expr {
  const entries: ObjectEntry[] = [];
  for (const child of node.namedChildren) {
    const type = child.type;
    if (type === 'pair') {
      const keyNode = child.childForFieldName('key');
      const valueNode = child.childForFieldName('value');
      const keyExpr = keyNode ? convertExpr(state, keyNode, depth + 1) : null;
      if (!valueNode) {
        continue;
      }
      entries.push({
        key: keyExpr?.kind === 'string' ? keyExpr.value : null,
        value: convertExpr(state, valueNode, depth + 1),
        spread: false,
        range: describeNode(state, child).range,
      });
    } else if (type === 'dictionary_splat') {
      const value = convertFirstChild(state, child, depth);
      entries.push({ key: null, value, spread: true, range: describeNode(state, child).range });
    }
  }
  return { kind: 'object', entries, ...span };
}

function convertConditional(state: BuildState, node: SyntaxNode, span: Span, depth: number): Expr {
  const children = getCodeChildren(node);
  if (children.length !== 3) {
    return convertAsOther(state, node, span, depth);
  }
  // Python writes `consequent if test else alternate`.
  const consequent = convertExpr(state, children[0], depth + 1);
  const test = convertExpr(state, children[1], depth + 1);
  const alternate = convertExpr(state, children[2], depth + 1);
  return { kind: 'conditional', test, consequent, alternate, ...span };
}

function convertBoolean(state: BuildState, node: SyntaxNode, span: Span, depth: number): Expr {
  const leftNode = node.childForFieldName('left');
  const rightNode = node.childForFieldName('right');
  const operatorNode = node.childForFieldName('operator');
  if (!leftNode || !rightNode || !operatorNode) {
    return convertAsOther(state, node, span, depth);
  }
  const operator = operatorNode.type === 'and' ? '&&' : '||';
  const left = convertExpr(state, leftNode, depth + 1);
  const right = convertExpr(state, rightNode, depth + 1);
  return { kind: 'logical', operator, left, right, ...span };
}

function convertBinary(state: BuildState, node: SyntaxNode, span: Span, depth: number): Expr {
  const operator = node.childForFieldName('operator')?.type;
  if (operator === '+') {
    return convertPlusChain(state, node, span, depth);
  }
  const leftNode = node.childForFieldName('left');
  const rightNode = node.childForFieldName('right');
  if (!leftNode || !rightNode) {
    return convertAsOther(state, node, span, depth);
  }
  const left = convertExpr(state, leftNode, depth + 1);
  const right = convertExpr(state, rightNode, depth + 1);
  if (operator === '%' && isStringLike(left)) {
    return buildPercentTemplate(left, right, span);
  }
  return { kind: 'other', syntax: 'binary_operator', children: [left, right], ...span };
}

/**
 * Converts `a + b + c` as one chain. Python nests it to the left, so the chain is walked in a
 * loop rather than by recursion: a long generated concatenation keeps all of its operands.
 */
function convertPlusChain(state: BuildState, node: SyntaxNode, span: Span, depth: number): Expr {
  const operandNodes: SyntaxNode[] = [];
  let current: SyntaxNode = node;
  for (;;) {
    const rightNode = current.childForFieldName('right');
    const leftNode = current.childForFieldName('left');
    if (rightNode) {
      operandNodes.push(rightNode);
    }
    if (!leftNode) {
      break;
    }
    const isPlus = leftNode.childForFieldName('operator')?.type === '+';
    if (leftNode.type !== 'binary_operator' || !isPlus) {
      operandNodes.push(leftNode);
      break;
    }
    current = leftNode;
  }
  operandNodes.reverse();

  const operands = operandNodes.map((operandNode) => convertExpr(state, operandNode, depth + 1));
  if (!operands.some(isStringLike)) {
    return { kind: 'other', syntax: 'binary_operator', children: operands, ...span };
  }
  const built = { literal: '', parts: [] as Expr[] };
  for (const operand of operands) {
    appendConcatOperand(built, operand);
  }
  return template('concat', built.literal, built.parts, span);
}

function convertWalrus(state: BuildState, node: SyntaxNode, span: Span, depth: number): Expr {
  const nameNode = node.childForFieldName('name');
  const valueNode = node.childForFieldName('value');
  if (!nameNode || !valueNode) {
    return convertAsOther(state, node, span, depth);
  }
  const value = convertExpr(state, valueNode, depth + 1);
  assignTarget(state, nameNode, value, span.range);
  return { kind: 'other', syntax: 'named_expression', children: [value], ...span };
}

/**
 * Converts a comprehension into an `other` whose children are the element expression, the
 * iterables and the filters. Each loop variable is bound to an `other` of its iterable.
 */
function convertComprehension(
  state: BuildState,
  node: SyntaxNode,
  span: Span,
  depth: number,
): OtherExpr {
  const children: Expr[] = [];
  for (const child of node.namedChildren) {
    const type = child.type;
    if (type === 'comment') {
      continue;
    }
    if (type === 'for_in_clause') {
      const rights = child.childrenForFieldName('right');
      const iterables = rights.map((right) => convertExpr(state, right, depth + 1));
      children.push(...iterables);
      const leftNode = child.childForFieldName('left');
      if (leftNode) {
        const describe = describeNode(state, child);
        const items: OtherExpr = { kind: 'other', syntax: 'for', children: iterables, ...describe };
        assignTarget(state, leftNode, items, describe.range);
      }
    } else if (type === 'if_clause') {
      children.push(...convertChildren(state, child, depth));
    } else {
      children.push(convertExpr(state, child, depth + 1));
    }
  }
  return { kind: 'other', syntax: node.type, children, ...span };
}

/** Source text of a small node such as a name; callers never pass a statement or a block. */
export function readNodeText(state: BuildState, node: SyntaxNode): string {
  return state.source.text.slice(node.startIndex, node.endIndex);
}

function convertAsOther(
  state: BuildState,
  node: SyntaxNode,
  span: Span,
  depth: number,
  syntax = node.type,
): OtherExpr {
  const children = convertChildren(state, node, depth);
  return { kind: 'other', syntax, children, ...span };
}

function convertChildren(state: BuildState, node: SyntaxNode, depth: number): Expr[] {
  return getCodeChildren(node).map((child) => convertExpr(state, child, depth + 1));
}

function convertFirstChild(state: BuildState, node: SyntaxNode, depth: number): Expr {
  const child = getFirstExpressionChild(node);
  if (!child) {
    return { kind: 'other', syntax: node.type, children: [], ...describeNode(state, node) };
  }
  return convertExpr(state, child, depth + 1);
}

function getFirstExpressionChild(node: SyntaxNode): SyntaxNode | null {
  for (const child of node.namedChildren) {
    if (child.type !== 'comment') {
      return child;
    }
  }
  return null;
}
