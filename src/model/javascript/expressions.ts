import type { SyntaxNode } from '../../parse/syntax-node.js';
import type { ArrayExpr, Expr, ObjectEntry, ObjectExpr } from '../types.js';
import { convertAssignment, convertAugmentedAssignment } from './bindings.js';
import { convertCall } from './calls.js';
import {
  getNamedChildren,
  getOptionalType,
  getOperatorBetween,
  getRange,
  getShortText,
  getText,
  getType,
  makeOther,
  MAX_EXPRESSION_DEPTH,
  truncate,
  withGuard,
  type ModelBuilder,
  type WalkContext,
} from './context.js';
import { createFunction, setNameHint } from './functions.js';
import { detectProviders } from './nestjs.js';
import { buildConcat, convertString, convertTemplateString } from './strings.js';

/** Node types the walker hands to `convertExpression` when it meets them as statements' parts. */
export const EXPRESSION_TYPES = new Set([
  'identifier',
  'this',
  'super',
  'member_expression',
  'subscript_expression',
  'call_expression',
  'new_expression',
  'string',
  'template_string',
  'number',
  'true',
  'false',
  'null',
  'undefined',
  'regex',
  'object',
  'array',
  'arrow_function',
  'function_expression',
  'function',
  'generator_function',
  'binary_expression',
  'unary_expression',
  'update_expression',
  'ternary_expression',
  'assignment_expression',
  'augmented_assignment_expression',
  'await_expression',
  'yield_expression',
  'parenthesized_expression',
  'sequence_expression',
  'as_expression',
  'satisfies_expression',
  'non_null_expression',
  'type_assertion',
  'instantiation_expression',
  'jsx_element',
  'jsx_self_closing_element',
  'jsx_fragment',
  'meta_property',
  'spread_element',
]);

const FUNCTION_TYPES = new Set([
  'arrow_function',
  'function_expression',
  'function',
  'generator_function',
]);

const IDENTIFIER_TYPES = new Set([
  'identifier',
  'shorthand_property_identifier',
  'property_identifier',
  'private_property_identifier',
  'this',
  'super',
  'import',
]);

/** Wrappers that only change the static type or grouping; the value is the inner expression. */
const TRANSPARENT_TYPES = new Set([
  'parenthesized_expression',
  'as_expression',
  'satisfies_expression',
  'non_null_expression',
  'instantiation_expression',
]);

const COMPARISON_OPERATORS = new Set([
  '==',
  '===',
  '!=',
  '!==',
  '<',
  '<=',
  '>',
  '>=',
  'instanceof',
  'in',
]);

const JSX_CONTAINER_TYPES = new Set([
  'jsx_element',
  'jsx_self_closing_element',
  'jsx_fragment',
  'jsx_opening_element',
  'jsx_attribute',
]);

/**
 * Converts an expression node into the model, recording the calls, functions, bindings and
 * registrations inside it along the way. Each node is converted once.
 */
export function convertExpression(
  b: ModelBuilder,
  node: SyntaxNode,
  ctx: WalkContext,
  depth: number,
): Expr {
  const inner = unwrapTransparent(node);
  if (depth > MAX_EXPRESSION_DEPTH) {
    b.stack.push({ node: inner, ctx });
    return makeOther(b, inner, getType(inner), []);
  }

  const type = getType(inner);
  if (IDENTIFIER_TYPES.has(type)) {
    return {
      kind: 'identifier',
      name: getShortText(b, inner),
      range: getRange(b, inner),
      text: getText(b, inner),
    };
  }
  if (FUNCTION_TYPES.has(type)) {
    return createFunction(b, inner, ctx);
  }
  switch (type) {
    case 'true':
    case 'false':
      return { kind: 'literal', value: type === 'true', range: getRange(b, inner), text: type };
    case 'null':
    case 'undefined':
      return { kind: 'literal', value: null, range: getRange(b, inner), text: type };
    case 'number':
      return convertNumber(b, inner);
    case 'string':
      return convertString(b, inner);
    case 'template_string':
      return convertTemplateString(b, inner, ctx, depth);
    case 'member_expression':
      return convertMember(b, inner, ctx, depth);
    case 'subscript_expression':
      return convertSubscript(b, inner, ctx, depth);
    case 'call_expression':
      return convertCall(b, inner, ctx, depth, false);
    case 'new_expression':
      return convertCall(b, inner, ctx, depth, true);
    case 'object':
      return convertObject(b, inner, ctx, depth);
    case 'array':
      return convertArray(b, inner, ctx, depth);
    case 'spread_element':
      return convertSpread(b, inner, ctx, depth);
    case 'ternary_expression':
      return convertTernary(b, inner, ctx, depth);
    case 'binary_expression':
      return convertBinary(b, inner, ctx, depth);
    case 'unary_expression':
      return convertUnary(b, inner, ctx, depth);
    case 'assignment_expression':
      return convertAssignment(b, inner, ctx, depth);
    case 'augmented_assignment_expression':
      return convertAugmentedAssignment(b, inner, ctx, depth);
    case 'update_expression':
      return makeOther(b, inner, 'update', convertChildren(b, inner, ctx, depth));
    case 'await_expression':
      return makeOther(b, inner, 'await', convertChildren(b, inner, ctx, depth));
    case 'yield_expression':
      return makeOther(b, inner, 'yield', convertChildren(b, inner, ctx, depth));
    case 'sequence_expression':
      return makeOther(b, inner, 'sequence', convertChildren(b, inner, ctx, depth));
    case 'type_assertion':
      return convertTypeAssertion(b, inner, ctx, depth);
    case 'class':
      // The walker records the class and its methods; as a value it carries no data.
      b.stack.push({ node: inner, ctx });
      return makeOther(b, inner, 'class', []);
    case 'regex':
    case 'meta_property':
      return makeOther(b, inner, type, []);
    case 'jsx_element':
    case 'jsx_self_closing_element':
    case 'jsx_fragment':
      return makeOther(b, inner, 'jsx', convertJsx(b, inner, ctx, depth));
    default:
      return makeOther(b, inner, type, convertChildren(b, inner, ctx, depth));
  }
}

/** Strips parentheses and type-only wrappers (`x as T`, `x!`, `x satisfies T`) iteratively. */
export function unwrapTransparent(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (TRANSPARENT_TYPES.has(getType(current))) {
    const inner = current.namedChildren.find((child) => getType(child) !== 'comment');
    if (!inner) {
      return current;
    }
    current = inner;
  }
  return current;
}

/** Source text of a condition, without the parentheses of `if (...)`. */
export function getGuardText(b: ModelBuilder, node: SyntaxNode): string {
  if (getType(node) === 'parenthesized_expression') {
    const inner = node.namedChildren.find((child) => getType(child) !== 'comment');
    if (inner) {
      return getText(b, inner);
    }
  }
  return getText(b, node);
}

function convertChildren(
  b: ModelBuilder,
  node: SyntaxNode,
  ctx: WalkContext,
  depth: number,
): Expr[] {
  return getNamedChildren(node).map((child) => convertExpression(b, child, ctx, depth + 1));
}

function convertNumber(b: ModelBuilder, node: SyntaxNode): Expr {
  const text = getShortText(b, node);
  const digits = text.replace(/_/g, '').replace(/n$/, '');
  const value = Number(digits);
  return {
    kind: 'literal',
    value: Number.isNaN(value) ? null : value,
    range: getRange(b, node),
    text: truncate(text),
  };
}

function convertMember(b: ModelBuilder, node: SyntaxNode, ctx: WalkContext, depth: number): Expr {
  // Named children are the object, an optional `?.`, and the property.
  const children = getNamedChildren(node);
  const objectNode = children[0];
  const propertyNode = children.length > 1 ? children[children.length - 1] : undefined;
  if (!objectNode || !propertyNode) {
    return makeOther(b, node, 'member', convertChildren(b, node, ctx, depth));
  }
  return {
    kind: 'member',
    object: convertExpression(b, objectNode, ctx, depth + 1),
    property: getShortText(b, propertyNode),
    range: getRange(b, node),
    text: getText(b, node),
  };
}

/** Converts `a['literal']` to a member access and any other subscript to an `index` expression. */
function convertSubscript(
  b: ModelBuilder,
  node: SyntaxNode,
  ctx: WalkContext,
  depth: number,
): Expr {
  const children = getNamedChildren(node);
  const objectNode = children[0];
  const indexNode = children.length > 1 ? children[children.length - 1] : undefined;
  if (!objectNode || !indexNode) {
    return makeOther(b, node, 'index', convertChildren(b, node, ctx, depth));
  }
  const object = convertExpression(b, objectNode, ctx, depth + 1);
  const index = convertExpression(b, indexNode, ctx, depth + 1);
  const range = getRange(b, node);
  const text = getText(b, node);
  if (index.kind === 'string') {
    return { kind: 'member', object, property: index.value, range, text };
  }
  return { kind: 'index', object, index, key: null, range, text };
}

function convertObject(
  b: ModelBuilder,
  node: SyntaxNode,
  ctx: WalkContext,
  depth: number,
): ObjectExpr {
  const entries: ObjectEntry[] = [];
  for (const child of getNamedChildren(node)) {
    const range = getRange(b, child);
    switch (getType(child)) {
      case 'pair': {
        const [keyNode, valueNode] = getNamedChildren(child);
        if (!keyNode || !valueNode) {
          break;
        }
        const key = getObjectKey(b, keyNode, ctx, depth);
        if (key !== null) {
          setNameHint(b, valueNode, key, keyNode, null);
        }
        const value = convertExpression(b, valueNode, ctx, depth + 1);
        entries.push({ key, value, spread: false, range });
        break;
      }
      case 'shorthand_property_identifier': {
        const name = getShortText(b, child);
        const value: Expr = { kind: 'identifier', name, range, text: name };
        entries.push({ key: name, value, spread: false, range });
        break;
      }
      case 'spread_element': {
        const argument = child.namedChildren.find((inner) => getType(inner) !== 'comment');
        if (argument) {
          const value = convertExpression(b, argument, ctx, depth + 1);
          entries.push({ key: null, value, spread: true, range });
        }
        break;
      }
      case 'method_definition': {
        const value = createFunction(b, child, ctx);
        const nameNode = child.childForFieldName('name');
        const key = nameNode ? getObjectKey(b, nameNode, ctx, depth) : null;
        entries.push({ key, value, spread: false, range });
        break;
      }
      default:
        b.stack.push({ node: child, ctx });
    }
  }
  const object: ObjectExpr = {
    kind: 'object',
    entries,
    range: getRange(b, node),
    text: getText(b, node),
  };
  detectProviders(b, object);
  return object;
}

/** Returns the key of a property: a name, a string or number literal, or null when computed. */
function getObjectKey(
  b: ModelBuilder,
  node: SyntaxNode,
  ctx: WalkContext,
  depth: number,
): string | null {
  switch (getType(node)) {
    case 'property_identifier':
    case 'private_property_identifier':
    case 'number':
      return getShortText(b, node);
    case 'string':
      return convertString(b, node).value;
    default:
      // A computed key (`[makeKey()]: 1`) is still walked for the calls in it.
      convertExpression(b, node, ctx, depth + 1);
      return null;
  }
}

function convertArray(
  b: ModelBuilder,
  node: SyntaxNode,
  ctx: WalkContext,
  depth: number,
): ArrayExpr {
  return {
    kind: 'array',
    items: convertChildren(b, node, ctx, depth),
    range: getRange(b, node),
    text: getText(b, node),
  };
}

function convertSpread(b: ModelBuilder, node: SyntaxNode, ctx: WalkContext, depth: number): Expr {
  const argument = node.namedChildren.find((child) => getType(child) !== 'comment');
  if (!argument) {
    return makeOther(b, node, 'spread', []);
  }
  return {
    kind: 'spread',
    value: convertExpression(b, argument, ctx, depth + 1),
    range: getRange(b, node),
    text: getText(b, node),
  };
}

/** `a ? b : c`: the branches are guarded by the test, as in an `if`. */
function convertTernary(b: ModelBuilder, node: SyntaxNode, ctx: WalkContext, depth: number): Expr {
  const [conditionNode, consequenceNode, alternativeNode] = getNamedChildren(node);
  if (!conditionNode || !consequenceNode || !alternativeNode) {
    return makeOther(b, node, 'conditional', convertChildren(b, node, ctx, depth));
  }
  const guard = getGuardText(b, conditionNode);
  return {
    kind: 'conditional',
    test: convertExpression(b, conditionNode, ctx, depth + 1),
    consequent: convertExpression(b, consequenceNode, withGuard(ctx, guard), depth + 1),
    alternate: convertExpression(b, alternativeNode, withGuard(ctx, `!(${guard})`), depth + 1),
    range: getRange(b, node),
    text: getText(b, node),
  };
}

function convertBinary(b: ModelBuilder, node: SyntaxNode, ctx: WalkContext, depth: number): Expr {
  const [leftNode, rightNode] = getNamedChildren(node);
  if (!leftNode || !rightNode) {
    return makeOther(b, node, 'binary', convertChildren(b, node, ctx, depth));
  }
  const operator = getBinaryOperator(b, node, leftNode, rightNode);
  if (operator === '+') {
    return convertPlusChain(b, node, ctx, depth);
  }
  if (!leftNode || !rightNode) {
    return makeOther(b, node, 'binary', convertChildren(b, node, ctx, depth));
  }
  const left = convertExpression(b, leftNode, ctx, depth + 1);
  const range = getRange(b, node);
  const text = getText(b, node);
  if (operator === '&&' || operator === '||' || operator === '??') {
    // `isDev && res.json(err)` runs the right side only when the left side allows it.
    const guard = getGuardText(b, leftNode);
    const rightCtx =
      operator === '&&'
        ? withGuard(ctx, guard)
        : operator === '||'
          ? withGuard(ctx, `!(${guard})`)
          : ctx;
    const right = convertExpression(b, rightNode, rightCtx, depth + 1);
    return { kind: 'logical', operator, left, right, range, text };
  }
  const right = convertExpression(b, rightNode, ctx, depth + 1);
  if (COMPARISON_OPERATORS.has(operator)) {
    return { kind: 'compare', operands: [left, right], range, text };
  }
  return makeOther(b, node, 'binary', [left, right]);
}

/**
 * `a + b + c` nests to the left; the operands are gathered along that spine without recursion,
 * so long generated concatenations cannot exhaust the stack.
 */
function convertPlusChain(
  b: ModelBuilder,
  node: SyntaxNode,
  ctx: WalkContext,
  depth: number,
): Expr {
  const rights: SyntaxNode[] = [];
  let current = node;
  while (getType(current) === 'binary_expression') {
    const [leftNode, rightNode] = getNamedChildren(current);
    if (!leftNode || !rightNode || getBinaryOperator(b, current, leftNode, rightNode) !== '+') {
      break;
    }
    rights.push(rightNode);
    current = leftNode;
  }
  const operandNodes = [current, ...rights.reverse()];
  const operands = operandNodes.map((operand) => convertExpression(b, operand, ctx, depth + 1));
  return buildConcat(b, node, operands) ?? makeOther(b, node, 'binary', operands);
}

function convertUnary(b: ModelBuilder, node: SyntaxNode, ctx: WalkContext, depth: number): Expr {
  const argumentNode = getNamedChildren(node)[0];
  const operator = argumentNode
    ? (getOperatorBetween(b, node.startIndex, argumentNode.startIndex) ??
      getOptionalType(node.childForFieldName('operator')))
    : undefined;
  const operands = argumentNode ? [convertExpression(b, argumentNode, ctx, depth + 1)] : [];
  const range = getRange(b, node);
  const text = getText(b, node);
  if (operator === '!' || operator === 'typeof') {
    return { kind: 'compare', operands, range, text };
  }
  if (operator === 'void') {
    return { kind: 'literal', value: null, range, text };
  }
  return makeOther(b, node, 'unary', operands);
}

function getBinaryOperator(
  b: ModelBuilder,
  node: SyntaxNode,
  left: SyntaxNode,
  right: SyntaxNode,
): string {
  return (
    getOperatorBetween(b, left.endIndex, right.startIndex) ??
    getOptionalType(node.childForFieldName('operator')) ??
    ''
  );
}

/** `<T>x`: the value is the last named child. */
function convertTypeAssertion(
  b: ModelBuilder,
  node: SyntaxNode,
  ctx: WalkContext,
  depth: number,
): Expr {
  const children = getNamedChildren(node);
  const value = children[children.length - 1];
  if (!value || getType(value) === 'type_arguments') {
    return makeOther(b, node, 'type_assertion', []);
  }
  return convertExpression(b, value, ctx, depth + 1);
}

/** Converts the embedded expressions of a JSX tree, gathered without recursion. */
function convertJsx(b: ModelBuilder, node: SyntaxNode, ctx: WalkContext, depth: number): Expr[] {
  const values: Expr[] = [];
  const pending: SyntaxNode[] = [node];
  while (pending.length > 0) {
    const current = pending.pop()!;
    if (getType(current) === 'jsx_expression') {
      for (const child of getNamedChildren(current)) {
        values.push(convertExpression(b, child, ctx, depth + 1));
      }
      continue;
    }
    if (!JSX_CONTAINER_TYPES.has(getType(current))) {
      continue;
    }
    const children = current.namedChildren;
    for (let index = children.length - 1; index >= 0; index--) {
      pending.push(children[index]!);
    }
  }
  return values;
}
