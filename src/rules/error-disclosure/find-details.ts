import { findBindings, getExprPath, walkFlow, type FlowIndex } from '../../model/flow.js';
import type { CallExpr, ConditionalExpr, Expr, LogicalExpr, MemberExpr } from '../../model/types.js';
import { findExceptionScope, type ExceptionScope } from './exception-scopes.js';
import { getLiveOperands } from './conditions.js';
import {
  DATABASE_PROPERTIES,
  INSPECT_CALLS,
  NESTED_EXCEPTION_PROPERTIES,
  OBJECT_CALLS,
  OBJECT_METHODS,
  PAYLOAD_PATHS,
  RESPONSE_BUILDERS,
  SQL_TEXT,
  STACK_CALLS,
  STACK_METHODS,
  STACK_PROPERTIES,
  STRING_METHODS,
  TEXT_CALLS,
  TEXT_PROPERTIES,
  type DetailKind,
} from './names.js';

/** An internal detail found in the value of a response. */
export interface Detail {
  kind: DetailKind;
  /** The expression that produces the detail: `err.stack`, `traceback.format_exc()`. */
  expr: Expr;
  /** The exception it comes from, for exception details. */
  scope: ExceptionScope | null;
}

/** `util.inspect(err)`, which the JavaScript adapter models as string formatting. */
const INSPECT_TEMPLATE = /^(util\.|Deno\.)?inspect\s*\(/;

/** Form in which an exception reaches the response: its text, its stack trace, or the object. */
type Use = 'text' | 'stack' | 'object';

/**
 * Finds the exception details that flow into `value`: the exception object, its text, its stack
 * trace or its database detail. Flows go through aliases, string building and the conversion
 * calls in `names.ts`. Any other call ends the flow, because it may map the error to a safe value.
 */
export function findExceptionDetails(
  index: FlowIndex,
  scopes: ExceptionScope[],
  value: Expr,
  functionId: number,
  extraTypes: ReadonlySet<string>,
): Detail[] {
  const details: Detail[] = [];
  const uses = new Map<Expr, Use>();
  const deadOperands = new Set<Expr>();

  walkFlow(index, value, functionId, (visit) => {
    const expr = visit.expr;
    const use = uses.get(expr);
    if (deadOperands.has(expr)) {
      return 'skip';
    }
    switch (expr.kind) {
      case 'identifier': {
        const scope = findExceptionScope(index, scopes, expr, visit.functionId);
        if (scope) {
          details.push({ kind: toDetailKind(use), expr, scope });
          return 'skip';
        }
        // TODO: bindings carry no enclosing conditions, so a reassignment that masks the text in
        // production (`if (isProd && !err.isOperational) message = 'Internal Server Error'`)
        // does not stop the flow from the binding that reads the exception.
        if (use) {
          for (const binding of findBindings(index, visit.functionId, expr.name)) {
            uses.set(binding.value, use);
          }
        }
        return 'descend';
      }
      case 'member': {
        const scope = getExceptionOf(index, scopes, expr.object, visit.functionId);
        if (!scope) {
          return 'descend';
        }
        const kind = classifyProperty(expr.property, use);
        if (kind) {
          details.push({ kind, expr, scope });
        }
        return 'skip';
      }
      case 'call':
        return visitCall(expr, visit.functionId);
      case 'template': {
        // `JSON.stringify(err)` keeps the enumerable fields of the object, not only its text.
        let partUse: Use = expr.operation === 'stringify' ? 'object' : 'text';
        if (use === 'stack' || INSPECT_TEMPLATE.test(expr.text)) {
          partUse = 'stack';
        }
        for (const part of expr.parts) {
          uses.set(part, partUse);
        }
        return 'descend';
      }
      case 'conditional':
      case 'logical':
        return passOn(use, markDeadOperands(expr, extraTypes, deadOperands));
      case 'other':
        return passOn(use, expr.children);
      case 'function':
        return 'skip';
      default:
        return 'descend';
    }
  });
  return details;

  function visitCall(call: CallExpr, functionId: number): 'descend' | 'skip' {
    const path = call.calleePath;
    if (path !== null && STACK_CALLS.has(path)) {
      details.push({ kind: 'stack', expr: call, scope: null });
      return 'skip';
    }

    if (call.callee.kind === 'member') {
      const scope = getExceptionOf(index, scopes, call.callee.object, functionId);
      if (scope) {
        const kind = classifyMethod(call.callee);
        if (kind) {
          details.push({ kind, expr: call, scope });
        }
        return 'skip';
      }
      // Text cut from a message still leaks it: `err.message.split('\n')[0]`.
      if (STRING_METHODS.has(call.callee.property)) {
        uses.set(call.callee.object, 'text');
        return 'descend';
      }
    }

    const use: Use | null = getConversionUse(path);
    if (use === null) {
      return 'skip';
    }
    for (const argument of call.arguments) {
      uses.set(argument.value, use);
    }
    return 'descend';
  }

  function passOn(use: Use | undefined, children: Expr[]): 'descend' {
    if (use) {
      for (const child of children) {
        uses.set(child, use);
      }
    }
    return 'descend';
  }
}

/**
 * Finds the request payload or query text that flows into `value`. Only the whole payload
 * counts: a field (`req.body.email`) or a call on it ends the flow.
 */
export function findEchoedInput(
  index: FlowIndex,
  value: Expr,
  functionId: number,
  queryNames: ReadonlySet<string>,
  extraTypes: ReadonlySet<string>,
): Detail[] {
  const details: Detail[] = [];
  const deadOperands = new Set<Expr>();
  walkFlow(index, value, functionId, (visit) => {
    const expr = visit.expr;
    if (deadOperands.has(expr)) {
      return 'skip';
    }
    switch (expr.kind) {
      case 'identifier':
        if (isQueryText(index, expr.name, visit.functionId, queryNames)) {
          details.push({ kind: 'query', expr, scope: null });
          return 'skip';
        }
        return 'descend';
      case 'member':
      case 'index':
        if (isPayloadPath(getExprPath(expr))) {
          details.push({ kind: 'payload', expr, scope: null });
        }
        return 'skip';
      case 'call':
        if (isPayloadPath(expr.calleePath)) {
          details.push({ kind: 'payload', expr, scope: null });
          return 'skip';
        }
        return getConversionUse(expr.calleePath) === null ? 'skip' : 'descend';
      case 'conditional':
      case 'logical':
        markDeadOperands(expr, extraTypes, deadOperands);
        return 'descend';
      case 'function':
        return 'skip';
      default:
        return 'descend';
    }
  });
  return details;
}

/** Adds the operands that cannot reach a client in production to `dead`, and returns the others. */
function markDeadOperands(expr: ConditionalExpr | LogicalExpr, extraTypes: ReadonlySet<string>, dead: Set<Expr>): Expr[] {
  const live = getLiveOperands(expr, extraTypes);
  const operands = expr.kind === 'conditional' ? [expr.consequent, expr.alternate] : [expr.left, expr.right];
  for (const operand of operands) {
    if (!live.includes(operand)) {
      dead.add(operand);
    }
  }
  return live;
}

/** True when `path` ends with one of `PAYLOAD_PATHS` (`flask.request.get_json`). */
export function isPayloadPath(path: string | null): boolean {
  if (path === null) {
    return false;
  }
  for (const payload of PAYLOAD_PATHS) {
    if (path === payload || path.endsWith(`.${payload}`)) {
      return true;
    }
  }
  return false;
}

/** Returns how a call passes its argument on (as text, stack trace or object), or null when it does not. */
function getConversionUse(path: string | null): Use | null {
  if (path === null) {
    return null;
  }
  if (INSPECT_CALLS.has(path)) {
    return 'stack';
  }
  if (OBJECT_CALLS.has(path)) {
    return 'object';
  }
  if (TEXT_CALLS.has(path)) {
    return 'text';
  }
  const builder = RESPONSE_BUILDERS.has(path) || RESPONSE_BUILDERS.has(path.split('.').pop() ?? '');
  return builder ? 'object' : null;
}

function getExceptionOf(
  index: FlowIndex,
  scopes: ExceptionScope[],
  expr: Expr,
  functionId: number,
): ExceptionScope | null {
  return expr.kind === 'identifier' ? findExceptionScope(index, scopes, expr, functionId) : null;
}

function toDetailKind(use: Use | undefined): DetailKind {
  if (use === 'text') {
    return 'text';
  }
  return use === 'stack' ? 'stack' : 'object';
}

/** Returns the kind of detail an exception property contains, or null for safe or unknown ones (`code`). */
function classifyProperty(property: string, use: Use | undefined): DetailKind | null {
  if (STACK_PROPERTIES.has(property)) {
    return 'stack';
  }
  if (DATABASE_PROPERTIES.has(property)) {
    return 'database';
  }
  if (NESTED_EXCEPTION_PROPERTIES.has(property)) {
    return toDetailKind(use);
  }
  return TEXT_PROPERTIES.has(property) ? 'text' : null;
}

function classifyMethod(callee: MemberExpr): DetailKind | null {
  if (STACK_METHODS.has(callee.property)) {
    return 'stack';
  }
  if (OBJECT_METHODS.has(callee.property)) {
    return 'object';
  }
  return TEXT_PROPERTIES.has(callee.property) ? 'text' : null;
}

/**
 * True when `name` is query text in the function that binds it, because it is passed to a
 * database call (`queryNames` lists those) or bound to a string that reads as SQL.
 */
function isQueryText(index: FlowIndex, name: string, functionId: number, queryNames: ReadonlySet<string>): boolean {
  const bindings = findBindings(index, functionId, name);
  const functionIds = new Set([functionId, ...bindings.map((binding) => binding.functionId)]);
  for (const id of functionIds) {
    if (queryNames.has(`${id}:${name}`)) {
      return true;
    }
  }
  return bindings.some((binding) => {
    const value = binding.value;
    if (value.kind === 'string') {
      return SQL_TEXT.test(value.value);
    }
    return value.kind === 'template' && SQL_TEXT.test(value.literal);
  });
}
