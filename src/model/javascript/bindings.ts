import type { SyntaxNode } from '../../parse/syntax-node.js';
import type { Expr, IndexExpr, LogicalExpr, MemberExpr, Range } from '../types.js';
import {
  getGuards,
  getNamedChildren,
  getOptionalType,
  getRange,
  getShortText,
  getText,
  getType,
  makeOther,
  truncate,
  type ModelBuilder,
  type WalkContext,
} from './context.js';
import { convertExpression, unwrapTransparent } from './expressions.js';
import { setNameHint } from './functions.js';
import { addRequireNames } from './imports.js';
import { getLastSegment, getPath, unwrapAwait } from './paths.js';
import { trackServerVariable } from './routes.js';
import { buildConcat, convertString } from './strings.js';

const PATTERN_TYPES = new Set(['object_pattern', 'array_pattern']);

/** Records one binding per name of `const x = v` or `let { a } = v`, and none without a value. */
export function visitDeclarator(b: ModelBuilder, node: SyntaxNode, ctx: WalkContext): void {
  // Named children are the name, an optional type annotation, and the value when there is one.
  const children = getNamedChildren(node);
  const nameNode = children[0];
  const lastNode = children.length > 1 ? children[children.length - 1] : undefined;
  const valueNode = lastNode && getType(lastNode) !== 'type_annotation' ? lastNode : undefined;
  if (!nameNode || !valueNode) {
    return;
  }
  if (getType(nameNode) === 'identifier') {
    const name = getShortText(b, nameNode);
    setNameHint(b, valueNode, name, nameNode, null);
    const value = convertExpression(b, valueNode, ctx, 0);
    addBinding(b, name, value, getRange(b, node), ctx);
    addRequireNames(b, nameNode, value);
    trackVariable(b, name, value, ctx);
    return;
  }
  const value = convertExpression(b, valueNode, ctx, 0);
  addRequireNames(b, nameNode, value);
  destructure(b, nameNode, value, ctx);
}

/**
 * Records `x = v` as a binding and `a.b = v` or `a[k] = v` as a property assignment. Returns
 * the value.
 */
export function convertAssignment(
  b: ModelBuilder,
  node: SyntaxNode,
  ctx: WalkContext,
  depth: number,
): Expr {
  const [leftNode, rightNode] = getNamedChildren(node);
  if (!leftNode || !rightNode) {
    return makeOther(b, node, 'assignment', []);
  }
  const left = unwrapTransparent(leftNode);
  if (getType(left) === 'identifier') {
    const name = getShortText(b, left);
    setNameHint(b, rightNode, name, left, null);
    const value = convertExpression(b, rightNode, ctx, depth + 1);
    addBinding(b, name, value, getRange(b, node), ctx);
    trackVariable(b, name, value, ctx);
    return value;
  }
  if (getType(left) === 'member_expression' || getType(left) === 'subscript_expression') {
    const target = convertExpression(b, left, ctx, depth + 1);
    const targetPath = getPath(target);
    // `exports.login = function () {}` names the function `login`.
    if (target.kind === 'member' && targetPath !== 'module.exports') {
      setNameHint(b, rightNode, target.property, left.childForFieldName('property'), null);
    }
    const value = convertExpression(b, rightNode, ctx, depth + 1);
    addPropertyAssignment(b, target, targetPath, value, node, ctx);
    return value;
  }
  const value = convertExpression(b, rightNode, ctx, depth + 1);
  if (PATTERN_TYPES.has(getType(left))) {
    destructure(b, left, value, ctx);
  }
  return value;
}

/**
 * `x += y` binds `x` to a concatenation when `y` is a string, to a logical expression for
 * `||=`, `&&=` and `??=`, and to an `other` of both sides otherwise.
 */
export function convertAugmentedAssignment(
  b: ModelBuilder,
  node: SyntaxNode,
  ctx: WalkContext,
  depth: number,
): Expr {
  const leftNode = node.childForFieldName('left');
  const rightNode = node.childForFieldName('right');
  const operator = node.childForFieldName('operator')?.type ?? '';
  if (!leftNode || !rightNode) {
    return makeOther(b, node, operator, []);
  }
  const target = convertExpression(b, leftNode, ctx, depth + 1);
  const right = convertExpression(b, rightNode, ctx, depth + 1);
  const range = getRange(b, node);
  const text = getText(b, node);
  let value: Expr;
  if (operator === '||=' || operator === '&&=' || operator === '??=') {
    const logical = operator.slice(0, 2) as LogicalExpr['operator'];
    value = { kind: 'logical', operator: logical, left: target, right, range, text };
  } else if (operator === '+=') {
    value = buildConcat(b, node, [target, right]) ?? makeOther(b, node, operator, [target, right]);
  } else {
    value = makeOther(b, node, operator, [target, right]);
  }

  if (target.kind === 'identifier') {
    addBinding(b, target.name, value, range, ctx);
  } else if (target.kind === 'member' || target.kind === 'index') {
    addPropertyAssignment(b, target, getPath(target), value, node, ctx);
  }
  return value;
}

/** Binds `x` of `for (const x of items)` to an `other` over `items`, and destructures patterns. */
export function visitForIn(b: ModelBuilder, node: SyntaxNode, ctx: WalkContext): void {
  const leftNode = node.childForFieldName('left');
  const rightNode = node.childForFieldName('right');
  const operator = node.childForFieldName('operator')?.type ?? 'of';
  if (rightNode) {
    const items = convertExpression(b, rightNode, ctx, 0);
    const source = makeOther(b, rightNode, operator === 'in' ? 'for-in' : 'for-of', [items]);
    const left = leftNode ? unwrapTransparent(leftNode) : null;
    if (left && getType(left) === 'identifier') {
      addBinding(b, getShortText(b, left), source, getRange(b, left), ctx);
    } else if (left && PATTERN_TYPES.has(getType(left))) {
      destructure(b, left, source, ctx);
    }
  }
  const body = node.childForFieldName('body');
  if (body) {
    b.stack.push({ node: body, ctx });
  }
}

function addBinding(
  b: ModelBuilder,
  name: string,
  value: Expr,
  range: Range,
  ctx: WalkContext,
): void {
  b.model.bindings.push({ name, value, range, functionId: ctx.functionId });
}

function addPropertyAssignment(
  b: ModelBuilder,
  target: Expr,
  targetPath: string | null,
  value: Expr,
  node: SyntaxNode,
  ctx: WalkContext,
): void {
  const fact = { target, targetPath, value, range: getRange(b, node), functionId: ctx.functionId };
  b.model.propertyAssignments.push(fact);
  b.assignmentSites.push({ fact, range: fact.range, catchId: ctx.catchId, guards: getGuards(ctx) });
  if (targetPath === 'module.exports') {
    b.defaultExport ??= value;
  }
  if (targetPath !== null) {
    trackServerVariable(b, targetPath, value);
  }
}

/** Remembers variables that hold an app, a router or a NestJS response object. */
function trackVariable(b: ModelBuilder, name: string, value: Expr, ctx: WalkContext): void {
  trackServerVariable(b, name, value);
  const call = unwrapAwait(value);
  // NestJS exception filters: `const response = ctx.getResponse<Response>()`.
  if (
    call.kind === 'call' &&
    call.calleePath &&
    getLastSegment(call.calleePath) === 'getResponse'
  ) {
    b.responseVariables.add(`${ctx.functionId}:${name}`);
  }
}

/**
 * Binds each name of a destructuring pattern to the part of `source` it takes, without
 * recursion: `{ password, user: { email } }` from `req.body` binds `password` to
 * `req.body.password` and `email` to `req.body.user.email`. Defaults become `part ?? default`.
 */
export function destructure(
  b: ModelBuilder,
  pattern: SyntaxNode,
  source: Expr,
  ctx: WalkContext,
): void {
  const pending: { pattern: SyntaxNode; source: Expr }[] = [{ pattern, source }];
  while (pending.length > 0) {
    const item = pending.pop()!;
    const current = item.pattern;
    switch (getType(current)) {
      case 'identifier':
        addBinding(b, getShortText(b, current), item.source, getRange(b, current), ctx);
        break;
      case 'object_pattern':
        for (const child of getNamedChildren(current)) {
          destructureProperty(b, child, item.source, ctx, pending);
        }
        break;
      case 'array_pattern':
        destructureArray(b, current, item.source, ctx, pending);
        break;
      case 'assignment_pattern': {
        const left = current.childForFieldName('left');
        const right = current.childForFieldName('right');
        if (left && right) {
          const fallback = convertExpression(b, right, ctx, 0);
          pending.push({ pattern: left, source: makeDefault(b, current, item.source, fallback) });
        }
        break;
      }
      case 'rest_pattern': {
        const inner = current.namedChildren[0];
        if (inner) {
          pending.push({ pattern: inner, source: makeOther(b, current, 'rest', [item.source]) });
        }
        break;
      }
      default:
        break;
    }
  }
}

function destructureProperty(
  b: ModelBuilder,
  child: SyntaxNode,
  source: Expr,
  ctx: WalkContext,
  pending: { pattern: SyntaxNode; source: Expr }[],
): void {
  switch (getType(child)) {
    case 'shorthand_property_identifier_pattern': {
      const name = getShortText(b, child);
      addBinding(b, name, makeMember(b, source, name, child), getRange(b, child), ctx);
      break;
    }
    case 'object_assignment_pattern': {
      const left = child.childForFieldName('left');
      const right = child.childForFieldName('right');
      if (!left || !right) {
        break;
      }
      const fallback = convertExpression(b, right, ctx, 0);
      if (getType(left) === 'shorthand_property_identifier_pattern') {
        const name = getShortText(b, left);
        const value = makeDefault(b, child, makeMember(b, source, name, left), fallback);
        addBinding(b, name, value, getRange(b, child), ctx);
      } else {
        pending.push({ pattern: left, source: makeDefault(b, child, source, fallback) });
      }
      break;
    }
    case 'pair_pattern': {
      const keyNode = child.childForFieldName('key');
      const valueNode = child.childForFieldName('value');
      if (!keyNode || !valueNode) {
        break;
      }
      pending.push({ pattern: valueNode, source: getPropertySource(b, keyNode, source, ctx) });
      break;
    }
    case 'rest_pattern': {
      const inner = child.namedChildren[0];
      if (inner) {
        pending.push({ pattern: inner, source: makeOther(b, child, 'rest', [source]) });
      }
      break;
    }
    default:
      break;
  }
}

function getPropertySource(
  b: ModelBuilder,
  keyNode: SyntaxNode,
  source: Expr,
  ctx: WalkContext,
): Expr {
  if (getType(keyNode) === 'property_identifier' || getType(keyNode) === 'number') {
    return makeMember(b, source, getShortText(b, keyNode), keyNode);
  }
  if (getType(keyNode) === 'string') {
    return makeMember(b, source, convertString(b, keyNode).value, keyNode);
  }
  const index = convertExpression(b, keyNode, ctx, 0);
  return makeIndex(b, source, index, keyNode, index.text);
}

function destructureArray(
  b: ModelBuilder,
  pattern: SyntaxNode,
  source: Expr,
  ctx: WalkContext,
  pending: { pattern: SyntaxNode; source: Expr }[],
): void {
  let position = 0;
  for (const child of pattern.children) {
    const type = getType(child);
    if (type === ',') {
      position++;
      continue;
    }
    if (type === '[' || type === ']' || type === 'comment') {
      continue;
    }
    if (type === 'rest_pattern') {
      const inner = child.namedChildren[0];
      if (inner) {
        pending.push({ pattern: inner, source: makeOther(b, child, 'rest', [source]) });
      }
      continue;
    }
    const range = getRange(b, child);
    const index: Expr = { kind: 'literal', value: position, range, text: String(position) };
    pending.push({ pattern: child, source: makeIndex(b, source, index, child, String(position)) });
  }
}

function makeMember(b: ModelBuilder, source: Expr, property: string, node: SyntaxNode): MemberExpr {
  return {
    kind: 'member',
    object: source,
    property,
    range: getRange(b, node),
    text: truncate(`${source.text}.${property}`),
  };
}

function makeIndex(
  b: ModelBuilder,
  source: Expr,
  index: Expr,
  node: SyntaxNode,
  indexText: string,
): IndexExpr {
  return {
    kind: 'index',
    object: source,
    index,
    key: null,
    range: getRange(b, node),
    text: truncate(`${source.text}[${indexText}]`),
  };
}

/** Builds `value ?? fallback` for a destructuring default, with a text that no node has. */
function makeDefault(b: ModelBuilder, node: SyntaxNode, value: Expr, fallback: Expr): LogicalExpr {
  return {
    kind: 'logical',
    operator: '??',
    left: value,
    right: fallback,
    range: getRange(b, node),
    text: truncate(`(${value.text} ?? ${fallback.text})`),
  };
}
