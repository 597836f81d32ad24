import type { SyntaxNode } from '../../parse/syntax-node.js';
import type { Expr } from '../types.js';
import { visitDeclarator, visitForIn } from './bindings.js';
import { visitClass } from './classes.js';
import {
  createRootContext,
  getGuards,
  getNamedChildren,
  getOptionalType,
  getRange,
  getShortText,
  getType,
  withCatch,
  withGuard,
  withTry,
  type ModelBuilder,
  type WalkContext,
  type WalkItem,
} from './context.js';
import { visitExport } from './exports.js';
import { EXPRESSION_TYPES, convertExpression, getGuardText } from './expressions.js';
import { createFunction } from './functions.js';
import { visitImport } from './imports.js';

/** TypeScript declarations that hold no runtime code. */
const TYPE_ONLY_TYPES = new Set([
  'type_alias_declaration',
  'interface_declaration',
  'function_signature',
  'ambient_declaration',
  'abstract_method_signature',
  'method_signature',
  'index_signature',
  'type_annotation',
  'import_alias',
]);

const SKIPPED_TYPES = new Set([
  'comment',
  'empty_statement',
  'debugger_statement',
  'break_statement',
  'continue_statement',
  'statement_identifier',
]);

/**
 * Walks the tree with an explicit stack, so nesting depth cannot overflow the call stack.
 * Statements are visited here; expressions go to `convertExpression`, which queues function
 * bodies and over-deep subtrees back onto the same stack.
 */
export function walkProgram(b: ModelBuilder, root: SyntaxNode): void {
  b.stack.push({ node: root, ctx: createRootContext() });
  while (b.stack.length > 0) {
    const item = b.stack.pop()!;
    const mark = b.stack.length;
    visitItem(b, item);
    // Items queued during one visit are pushed in source order. Reversing them makes the walk
    // pop them in source order too, so registrations are seen in the order they are written.
    reverseFrom(b.stack, mark);
  }
}

function reverseFrom(stack: WalkItem[], start: number): void {
  for (let low = start, high = stack.length - 1; low < high; low++, high--) {
    const swap = stack[low]!;
    stack[low] = stack[high]!;
    stack[high] = swap;
  }
}

function visitItem(b: ModelBuilder, item: WalkItem): void {
  const { node, ctx } = item;
  if (item.implicitReturnOf !== undefined) {
    const value = convertExpression(b, node, ctx, 0);
    addReturnSite(b, item.implicitReturnOf, value, node, ctx);
    return;
  }
  const type = getType(node);
  if (SKIPPED_TYPES.has(type) || TYPE_ONLY_TYPES.has(type)) {
    return;
  }
  switch (type) {
    case 'lexical_declaration':
    case 'variable_declaration':
      for (const declarator of getNamedChildren(node)) {
        if (getType(declarator) === 'variable_declarator') {
          visitDeclarator(b, declarator, ctx);
        }
      }
      return;
    case 'if_statement':
      visitIf(b, node, ctx);
      return;
    case 'try_statement':
      visitTry(b, node, ctx);
      return;
    case 'return_statement':
      visitReturn(b, node, ctx);
      return;
    case 'throw_statement':
      visitThrow(b, node, ctx);
      return;
    case 'for_in_statement':
      visitForIn(b, node, ctx);
      return;
    case 'function_declaration':
    case 'generator_function_declaration':
      createFunction(b, node, ctx);
      return;
    case 'class_declaration':
    case 'abstract_class_declaration':
    case 'class':
      visitClass(b, node, ctx);
      return;
    case 'import_statement':
      visitImport(b, node);
      return;
    case 'export_statement':
      visitExport(b, node, ctx);
      return;
    default:
      break;
  }
  if (EXPRESSION_TYPES.has(type)) {
    convertExpression(b, node, ctx, 0);
    return;
  }
  for (const child of getNamedChildren(node)) {
    b.stack.push({ node: child, ctx });
  }
}

/** Walks an `if`: its branch is guarded by the condition, its `else` by the negation. */
function visitIf(b: ModelBuilder, node: SyntaxNode, ctx: WalkContext): void {
  const [condition, consequence, alternative] = getNamedChildren(node);
  if (condition) {
    convertExpression(b, condition, ctx, 0);
  }
  const guard = condition ? getGuardText(b, condition) : '';
  if (consequence) {
    b.stack.push({ node: consequence, ctx: withGuard(ctx, guard) });
  }
  if (alternative) {
    b.stack.push({ node: alternative, ctx: withGuard(ctx, `!(${guard})`) });
  }
}

/**
 * Walks a try statement. A try block with a catch clause shares its id with the clause's
 * `CatchFact`, so a call's `tryIds` name the clauses that handle its errors. A try/finally block
 * gets an id of its own.
 */
function visitTry(b: ModelBuilder, node: SyntaxNode, ctx: WalkContext): void {
  const body = node.childForFieldName('body');
  const handler = node.childForFieldName('handler');
  const finalizer = node.childForFieldName('finalizer');
  const id = b.nextCatchId++;
  if (body) {
    b.stack.push({ node: body, ctx: withTry(ctx, id) });
  }
  if (handler) {
    const handlerBody = handler.childForFieldName('body');
    const parameter = handler.childForFieldName('parameter');
    b.model.catches.push({
      id,
      functionId: ctx.functionId,
      binding: parameter && getType(parameter) === 'identifier' ? getShortText(b, parameter) : null,
      types: [],
      kind: 'catch',
      range: getRange(b, handler),
      bodyRange: getRange(b, handlerBody ?? handler),
    });
    if (handlerBody) {
      b.stack.push({ node: handlerBody, ctx: withCatch(ctx, id) });
    }
  }
  if (finalizer) {
    b.stack.push({ node: finalizer, ctx });
  }
}

function visitReturn(b: ModelBuilder, node: SyntaxNode, ctx: WalkContext): void {
  const argument = getNamedChildren(node)[0];
  const value = argument ? convertExpression(b, argument, ctx, 0) : null;
  addReturnSite(b, ctx.functionId, value, node, ctx);
}

function addReturnSite(
  b: ModelBuilder,
  functionId: number,
  body: Expr | null,
  node: SyntaxNode,
  ctx: WalkContext,
): void {
  b.returnSites.push({
    functionId,
    body,
    range: getRange(b, node),
    catchId: ctx.catchId,
    guards: getGuards(ctx),
  });
}

function visitThrow(b: ModelBuilder, node: SyntaxNode, ctx: WalkContext): void {
  const argument = getNamedChildren(node)[0];
  if (!argument) {
    return;
  }
  const value = convertExpression(b, argument, ctx, 0);
  b.throwSites.push({
    functionId: ctx.functionId,
    body: null,
    value,
    range: getRange(b, node),
    catchId: ctx.catchId,
    guards: getGuards(ctx),
  });
}
