import type { SyntaxNode } from '../../parse/syntax-node.js';
import type { Expr, OtherExpr, Range } from '../types.js';
import { convertExpr, describeNode, getCodeChildren } from './expressions.js';
import { getPlainPath } from './paths.js';
import type { BuildState } from './state.js';
import { appendConcatOperand, isStringLike } from './strings.js';

const TARGET_LISTS = new Set([
  'pattern_list',
  'tuple_pattern',
  'list_pattern',
  'tuple',
  'list',
  'expression_list',
]);

/**
 * Records `a = b`, `a: T = b` and chained `a = b = c`: names become bindings, attributes and
 * subscripts become property assignments.
 */
export function convertAssignment(state: BuildState, node: SyntaxNode): void {
  const targets: SyntaxNode[] = [];
  let current: SyntaxNode | null = node;
  while (current?.type === 'assignment') {
    const left = current.childForFieldName('left');
    if (left) {
      targets.push(left);
    }
    current = current.childForFieldName('right');
  }
  if (!current) {
    // An annotation without a value (`x: int`) binds nothing.
    return;
  }

  const value = convertExpr(state, current);
  const range = describeNode(state, node).range;
  for (const target of targets) {
    assignTarget(state, target, value, range);
  }
}

/**
 * Records `x += y`. With a string on either side it binds `x` to a concatenation of both, so a
 * secret appended to a message stays visible. Other operators give an `other` of both sides.
 */
export function convertAugmentedAssignment(state: BuildState, node: SyntaxNode): void {
  const leftNode = node.childForFieldName('left');
  const rightNode = node.childForFieldName('right');
  if (!leftNode || !rightNode) {
    return;
  }
  const operator = node.childForFieldName('operator')?.type ?? '';
  const left = convertExpr(state, leftNode);
  const right = convertExpr(state, rightNode);
  const span = describeNode(state, node);

  let value: Expr;
  if (operator === '+=' && (isStringLike(left) || isStringLike(right))) {
    const built = { literal: '', parts: [] as Expr[] };
    appendConcatOperand(built, left);
    appendConcatOperand(built, right);
    value = { kind: 'template', operation: 'concat', ...built, ...span };
  } else {
    value = { kind: 'other', syntax: 'augmented_assignment', children: [left, right], ...span };
  }
  assignTarget(state, leftNode, value, span.range);
}

/**
 * Binds one assignment target to `value`. A tuple target binds each name to the matching item
 * of a literal of the same length, or else to `value[i]`. A starred name gets an `other` of all.
 */
export function assignTarget(
  state: BuildState,
  target: SyntaxNode,
  value: Expr,
  range: Range,
): void {
  const pending: { target: SyntaxNode; value: Expr }[] = [{ target, value }];
  while (pending.length > 0) {
    const item = pending.pop();
    if (!item) {
      break;
    }
    const type = item.target.type;
    if (type === 'identifier') {
      bindName(state, item.target, item.value, range);
    } else if (type === 'attribute' || type === 'subscript') {
      assignProperty(state, item.target, item.value, range);
    } else if (type === 'list_splat_pattern' || type === 'parenthesized_expression') {
      const inner = getCodeChildren(item.target)[0];
      if (inner) {
        const starred: Expr =
          type === 'list_splat_pattern' ? wrapOther('starred', item.value) : item.value;
        pending.push({ target: inner, value: starred });
      }
    } else if (type === 'as_pattern_target') {
      const inner = getCodeChildren(item.target)[0];
      if (inner) {
        pending.push({ target: inner, value: item.value });
      }
    } else if (TARGET_LISTS.has(type)) {
      // Pushed in reverse so that names are bound in source order.
      pending.push(...unpackTargets(getCodeChildren(item.target), item.value).reverse());
    }
  }
}

function unpackTargets(targets: SyntaxNode[], value: Expr): { target: SyntaxNode; value: Expr }[] {
  const hasStar = targets.some((target) => target.type === 'list_splat_pattern');
  const items =
    value.kind === 'array' && !hasStar && value.items.length === targets.length
      ? value.items
      : null;
  return targets.map((target, position) => ({
    target,
    value: items ? items[position] : indexInto(value, position),
  }));
}

function indexInto(value: Expr, position: number): Expr {
  const text = String(position);
  const index: Expr = { kind: 'literal', value: position, range: value.range, text };
  return { kind: 'index', object: value, index, key: null, range: value.range, text: value.text };
}

function wrapOther(syntax: string, value: Expr): OtherExpr {
  return { kind: 'other', syntax, children: [value], range: value.range, text: value.text };
}

function bindName(state: BuildState, target: SyntaxNode, value: Expr, range: Range): void {
  const name = state.source.text.slice(target.startIndex, target.endIndex);
  const scope = state.scope;
  nameAnonymousFunction(state, value, name);
  if (value.kind === 'call') {
    state.assignedTo.set(value, name);
  }

  const classRecord = scope.classRecord;
  if (classRecord) {
    // A name assigned in a class body is a class attribute, not a local of the function around it.
    const targetRange = describeNode(state, target).range;
    const object: Expr = {
      kind: 'identifier',
      name: classRecord.name,
      range: targetRange,
      text: classRecord.name,
    };
    const member: Expr = { kind: 'member', object, property: name, range: targetRange, text: name };
    classRecord.attributes.push({ name, value, range });
    state.propertyAssignments.push({
      target: member,
      targetPath: `${classRecord.name}.${name}`,
      value,
      range,
      functionId: scope.functionId,
    });
    return;
  }
  state.bindings.push({ name, value, range, functionId: scope.functionId });
}

function assignProperty(state: BuildState, target: SyntaxNode, value: Expr, range: Range): void {
  const targetExpr = convertExpr(state, target);
  const targetPath = getPlainPath(targetExpr);
  if (value.kind === 'call' && targetPath !== null) {
    state.assignedTo.set(value, targetPath);
  }
  state.propertyAssignments.push({
    target: targetExpr,
    targetPath,
    value,
    range,
    functionId: state.scope.functionId,
  });
}

/** Names a lambda after the variable it is assigned to: `handler = lambda e: ...`. */
function nameAnonymousFunction(state: BuildState, value: Expr, name: string): void {
  if (value.kind !== 'function') {
    return;
  }
  const record = state.functions[value.functionId - 1];
  if (record && record.fact.name === null) {
    record.fact.name = name;
  }
}
