import type { SyntaxNode } from '../../parse/syntax-node.js';
import type { Argument, CallExpr, Expr, TemplateExpr } from '../types.js';
import {
  getGuards,
  getNamedChildren,
  getOptionalType,
  getRange,
  getShortText,
  getText,
  getTryIds,
  getType,
  makeOther,
  withCatch,
  type ModelBuilder,
  type WalkContext,
} from './context.js';
import { convertExpression, unwrapTransparent } from './expressions.js';
import { getFirstParameterName } from './functions.js';
import { recordRequire } from './imports.js';
import { getFirstSegment, getPath, getStringValue } from './paths.js';
import { detectRegistration } from './routes.js';
import { convertTemplateString, toFormatLiteral } from './strings.js';

const UTIL_MODULES = new Set(['util', 'node:util']);
const PATH_MODULES = new Set(['path', 'path.posix', 'path.win32', 'posix', 'win32']);
const INLINE_FUNCTION_TYPES = new Set(['arrow_function', 'function_expression', 'function']);

/**
 * Converts a call or `new` expression and records it as a `CallFact` (unless `record` is false,
 * as for decorators). String-building calls (`JSON.stringify`, `String`, `.join`, `util.format`)
 * return a `template` over the same arguments; the call fact keeps the call itself.
 */
export function convertCall(
  b: ModelBuilder,
  node: SyntaxNode,
  ctx: WalkContext,
  depth: number,
  isNew: boolean,
  record = true,
): Expr {
  const call = buildCall(b, node, ctx, depth, isNew);
  if (!record) {
    return call;
  }
  b.model.calls.push({
    call,
    functionId: ctx.functionId,
    tryIds: getTryIds(ctx),
    catchId: ctx.catchId,
    guards: getGuards(ctx),
    range: call.range,
  });
  recordRequire(b, call);
  detectRegistration(b, call);
  return toStringBuilding(b, call) ?? call;
}

/** Converts a call node into a `CallExpr` without recording it. */
export function buildCall(
  b: ModelBuilder,
  node: SyntaxNode,
  ctx: WalkContext,
  depth: number,
  isNew: boolean,
): CallExpr {
  // Named children are the callee, optional type arguments, and the arguments (absent in `new X`).
  const children = getNamedChildren(node);
  const calleeNode = children[0] ?? null;
  const lastNode = children.length > 1 ? children[children.length - 1]! : null;
  const lastType = getOptionalType(lastNode);
  const argumentsNode =
    lastType === 'arguments' || lastType === 'template_string' ? lastNode : null;
  const callee = calleeNode
    ? convertExpression(b, calleeNode, ctx, depth + 1)
    : makeOther(b, node, 'callee', []);
  const args = argumentsNode ? convertArguments(b, argumentsNode, calleeNode, ctx, depth) : [];
  if (callee.kind === 'member' && callee.object.kind === 'call') {
    b.chainedCalls.add(callee.object);
  }
  return {
    kind: 'call',
    callee,
    calleePath: getPath(callee),
    arguments: args,
    isNew,
    range: getRange(b, node),
    text: getText(b, node),
  };
}

function convertArguments(
  b: ModelBuilder,
  argumentsNode: SyntaxNode,
  calleeNode: SyntaxNode | null,
  ctx: WalkContext,
  depth: number,
): Argument[] {
  if (getType(argumentsNode) === 'template_string') {
    const value = convertTemplateString(b, argumentsNode, ctx, depth);
    return [{ name: null, spread: 'none', value }];
  }
  const children = getNamedChildren(argumentsNode);
  const catchIndex = getErrorCallbackIndex(b, calleeNode, children);
  return children.map((child, index): Argument => {
    if (getType(child) === 'spread_element') {
      const inner = child.namedChildren.find((candidate) => getType(candidate) !== 'comment');
      const value = inner
        ? convertExpression(b, inner, ctx, depth + 1)
        : makeOther(b, child, 'spread', []);
      return { name: null, spread: 'list', value };
    }
    const argumentCtx =
      index === catchIndex ? withCatch(ctx, recordPromiseCatch(b, child, ctx)) : ctx;
    return {
      name: null,
      spread: 'none',
      value: convertExpression(b, child, argumentCtx, depth + 1),
    };
  });
}

/**
 * Position of the error callback of `.catch(err => ...)` (first argument) or
 * `.then(ok, err => ...)` (second argument), or -1.
 */
function getErrorCallbackIndex(
  b: ModelBuilder,
  calleeNode: SyntaxNode | null,
  children: readonly SyntaxNode[],
): number {
  if (!calleeNode || getType(calleeNode) !== 'member_expression') {
    return -1;
  }
  const propertyNode = calleeNode.childForFieldName('property');
  const property = propertyNode ? getShortText(b, propertyNode) : '';
  let index = -1;
  if (property === 'catch') {
    index = 0;
  } else if (property === 'then') {
    index = 1;
  }
  const callback = index === -1 ? undefined : children[index];
  if (!callback || !INLINE_FUNCTION_TYPES.has(unwrapTransparent(callback).type)) {
    return -1;
  }
  return index;
}

function recordPromiseCatch(b: ModelBuilder, callbackNode: SyntaxNode, ctx: WalkContext): number {
  const callback = unwrapTransparent(callbackNode);
  const body = callback.childForFieldName('body');
  const id = b.nextCatchId++;
  b.model.catches.push({
    id,
    functionId: ctx.functionId,
    binding: getFirstParameterName(b, callback),
    types: [],
    kind: 'promise-catch',
    range: getRange(b, callback),
    bodyRange: getRange(b, body ?? callback),
  });
  return id;
}

/** Returns the string-building form of `call`, or null when it builds no string. */
function toStringBuilding(b: ModelBuilder, call: CallExpr): TemplateExpr | null {
  if (call.isNew) {
    return null;
  }
  const path = call.calleePath;
  const values = call.arguments.map((argument) => argument.value);
  if (path === 'JSON.stringify') {
    return makeTemplate(call, 'stringify', values.slice(0, 1));
  }
  if (path === 'String') {
    return makeTemplate(call, 'convert', values.slice(0, 1));
  }
  if (call.callee.kind === 'member') {
    const receiver = call.callee.object;
    if (call.callee.property === 'toString') {
      return makeTemplate(call, 'convert', [receiver]);
    }
    if (call.callee.property === 'join') {
      const receiverPath = getPath(receiver);
      const isPathJoin = receiverPath !== null && PATH_MODULES.has(receiverPath);
      return makeTemplate(call, 'join', isPathJoin ? values : [receiver]);
    }
  }
  const utilFunction = path === null ? null : getUtilFunction(b, path);
  if (utilFunction === 'format' || utilFunction === 'formatWithOptions') {
    const formatValues = utilFunction === 'formatWithOptions' ? values.slice(1) : values;
    const format = getStringValue(formatValues[0]);
    if (format === null) {
      return makeTemplate(call, 'format', formatValues);
    }
    return {
      ...makeTemplate(call, 'format', formatValues.slice(1)),
      literal: toFormatLiteral(format),
    };
  }
  if (utilFunction === 'inspect') {
    return makeTemplate(call, 'format', values.slice(0, 1));
  }
  return null;
}

/** Returns `format` for `util.format`, `u.format` or `format` from `node:util`, else null. */
function getUtilFunction(b: ModelBuilder, path: string): string | null {
  const first = getFirstSegment(path);
  const imported = b.importedNames.get(first);
  if (imported && UTIL_MODULES.has(imported.module)) {
    if (imported.imported === 'default' || imported.imported === '*') {
      return path === first ? null : path.slice(first.length + 1);
    }
    return path === first ? imported.imported : null;
  }
  if (path === 'util.format' || path === 'util.inspect') {
    return path.slice('util.'.length);
  }
  return null;
}

function makeTemplate(
  call: CallExpr,
  operation: TemplateExpr['operation'],
  parts: Expr[],
): TemplateExpr {
  return {
    kind: 'template',
    operation,
    literal: parts.map(() => '{}').join(''),
    parts,
    range: call.range,
    text: call.text,
  };
}
