import type { FlowIndex } from '../../model/flow.js';
import type { Expr, FileModel, Range, ResponseFact } from '../../model/types.js';
import {
  contains,
  isClientSafeScope,
  isClientSafeType,
  isStatusCodeScope,
  type ExceptionScope,
} from './exception-scopes.js';
import { getLiveOperands, isClientErrorCondition, isDevelopmentCondition } from './conditions.js';
import { findEchoedInput, findExceptionDetails, type Detail } from './find-details.js';
import { DETAIL_PRIORITY, MESSAGE_HIDING_RESPONSES, QUERY_METHODS, RESPONSE_BUILDERS } from './names.js';

/** The detail reported for one response, and where the finding points. */
export interface ResponseDetail {
  response: ResponseFact;
  detail: Detail;
  /** The value in the response body that carries the detail: `err.stack` in `{ trace: err.stack }`. */
  range: Range;
}

export interface DetailOptions {
  /** Extra exception types whose text is meant for clients. */
  clientSafeExceptions: ReadonlySet<string>;
}

/** Receivers of query methods that are database handles: `cursor.execute`, `db.query`. */
const DATABASE_RECEIVER =
  /(cursor|cur|conn|connection|db|database|session|engine|client|pool|knex|sequelize|prisma|tx|trx|transaction|sql|pg|mysql|sqlite)$/i;

/**
 * Finds, for each response of `file`, the most serious internal detail it sends. A response that
 * contains another (`return jsonify(...)` around the `jsonify` call) is left to the inner one, so
 * each response gets at most one finding.
 */
export function findResponseDetails(
  file: FileModel,
  index: FlowIndex,
  scopes: ExceptionScope[],
  options: DetailOptions,
): ResponseDetail[] {
  const queryNames = getQueryNames(file);
  const results: ResponseDetail[] = [];

  for (const response of file.responses) {
    if (response.body === null || containsOtherResponse(file, response)) {
      continue;
    }
    if (response.guards.some(isDevelopmentCondition)) {
      continue;
    }
    const status = getEffectiveStatus(file, response);
    if (hidesMessage(response, status)) {
      continue;
    }
    const extraTypes = options.clientSafeExceptions;
    const isClientGuarded = response.guards.some((guard) => isClientErrorCondition(guard, extraTypes, status));
    const isFailureResponse = isExceptionResponse(file, scopes, response, status);

    let best: ResponseDetail | null = null;
    for (const value of getBodyValues(response.body, extraTypes)) {
      const details = findExceptionDetails(index, scopes, value, response.functionId, extraTypes).filter(
        (detail) => !isExempt(detail, status, isClientGuarded, options),
      );
      if (isFailureResponse) {
        details.push(...findEchoedInput(index, value, response.functionId, queryNames, extraTypes));
      }
      for (const detail of details) {
        if (!best || DETAIL_PRIORITY.indexOf(detail.kind) < DETAIL_PRIORITY.indexOf(best.detail.kind)) {
          best = { response, detail, range: value.range };
        }
      }
    }
    if (best) {
      results.push(best);
    }
  }
  return results;
}

/**
 * True when the detail is allowed: the text of a client-facing exception in a response that is
 * not a server error, or the framework's generic text of an HTTP status handler.
 */
function isExempt(detail: Detail, status: number | null, isClientGuarded: boolean, options: DetailOptions): boolean {
  if (detail.kind !== 'text' && detail.kind !== 'object') {
    return false;
  }
  if (detail.scope && isStatusCodeScope(detail.scope)) {
    return true;
  }
  if (status !== null && status >= 500) {
    return false;
  }
  return (
    isClientGuarded || (detail.scope !== null && isClientSafeScope(detail.scope, options.clientSafeExceptions, status))
  );
}

/**
 * True for a response that reports a failure: a 5xx, or a 4xx or unknown status sent while
 * handling an exception. A 400 that echoes the payload outside exception handling
 * (`res.status(400).json({ invalid: req.body })`) only shows the client its own input, so
 * request payloads and query text count only in these responses.
 */
function isExceptionResponse(
  file: FileModel,
  scopes: ExceptionScope[],
  response: ResponseFact,
  status: number | null,
): boolean {
  if (status !== null && status >= 500) {
    return true;
  }
  if (status !== null && status < 400) {
    return false;
  }
  return (
    file.catches.some((caught) => contains(caught.bodyRange, response.range)) ||
    scopes.some((scope) => contains(scope.range, response.range))
  );
}

/**
 * True for Boom, `ctx.throw` and `createError` with a 5xx or unwritten status. Boom turns 5xx
 * errors into a generic payload, and `http-errors` does not expose the message of a 5xx error.
 */
function hidesMessage(response: ResponseFact, status: number | null): boolean {
  return MESSAGE_HIDING_RESPONSES.has(response.via) && (status === null || status >= 500);
}

/** Returns the response's own status, or that of the response call around it (`make_response(..., 500)`). */
function getEffectiveStatus(file: FileModel, response: ResponseFact): number | null {
  if (response.status !== null) {
    return response.status;
  }
  let status: number | null = null;
  let closest: Range | null = null;
  for (const outer of file.responses) {
    if (outer === response || outer.status === null || !contains(outer.range, response.range)) {
      continue;
    }
    if (!closest || contains(closest, outer.range)) {
      closest = outer.range;
      status = outer.status;
    }
  }
  return status;
}

function containsOtherResponse(file: FileModel, response: ResponseFact): boolean {
  return file.responses.some(
    (inner) =>
      inner !== response &&
      inner.body !== null &&
      contains(response.range, inner.range) &&
      !contains(inner.range, response.range),
  );
}

/**
 * Splits a response body into the values it is built of, so a finding points at the value that
 * carries the detail. Those values are the entries of an object, the items of a tuple, and the
 * arguments of a response builder such as `jsonify(...)`.
 */
function getBodyValues(body: Expr, extraTypes: ReadonlySet<string>): Expr[] {
  const values: Expr[] = [];
  const stack: Expr[] = [body];
  while (stack.length > 0) {
    const expr = stack.pop()!;
    switch (expr.kind) {
      case 'object':
        stack.push(...expr.entries.map((entry) => entry.value).reverse());
        break;
      case 'array':
        stack.push(...[...expr.items].reverse());
        break;
      case 'spread':
        stack.push(expr.value);
        break;
      case 'conditional':
      case 'logical':
        stack.push(...getLiveOperands(expr, extraTypes).reverse());
        break;
      case 'call':
        if (isResponseBuilder(expr.calleePath)) {
          stack.push(...expr.arguments.map((argument) => argument.value).reverse());
        } else {
          values.push(expr);
        }
        break;
      default:
        values.push(expr);
    }
  }
  return values;
}

function isResponseBuilder(path: string | null): boolean {
  if (path === null) {
    return false;
  }
  return RESPONSE_BUILDERS.has(path) || RESPONSE_BUILDERS.has(path.split('.').pop() ?? '');
}

/**
 * Names passed as the query to a database call, keyed `functionId:name`: `sql` in
 * `cursor.execute(sql)` or `db.query(sql, params)`.
 */
function getQueryNames(file: FileModel): Set<string> {
  const names = new Set<string>();
  for (const fact of file.calls) {
    const segments = fact.call.calleePath?.split('.') ?? [];
    const method = segments.at(-1) ?? '';
    const receiver = segments.at(-2) ?? '';
    const first = fact.call.arguments[0]?.value;
    if (QUERY_METHODS.has(method) && DATABASE_RECEIVER.test(receiver) && first?.kind === 'identifier') {
      names.add(`${fact.functionId}:${first.name}`);
    }
  }
  return names;
}
