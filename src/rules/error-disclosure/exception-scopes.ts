import { findParameter, type FlowIndex } from '../../model/flow.js';
import type { FileModel, FunctionFact, IdentifierExpr, Range } from '../../model/types.js';
import {
  CLIENT_SAFE_EXCEPTIONS,
  CLIENT_SAFE_SUFFIXES,
  NOT_FOUND_SUFFIXES,
  SERVER_NOT_FOUND_EXCEPTIONS,
} from './names.js';

/** A name bound to a caught exception, and the part of the file where it refers to that exception. */
export interface ExceptionScope {
  binding: string;
  /** Exception types the clause or handler names; empty for a catch-all. */
  types: string[];
  range: Range;
  /** True for error handlers the framework calls (Flask `errorhandler`, Express 4-argument middleware). */
  isErrorHandler: boolean;
}

/** Parameter names that receive the error in an error handler: `err`, `exc`, `httpError`. */
const ERROR_PARAMETER = /^(e|ex|exc|err|error|exception)$|(Error|Exception|Err|_error|_exc|_exception)$/;

/**
 * Lists the scopes of caught exceptions in `file`: except and catch clauses, promise `.catch`
 * callbacks, and error handlers. An error handler the adapter reported as a function but not as
 * a catch gets its error parameter by name or type.
 */
export function getExceptionScopes(file: FileModel): ExceptionScope[] {
  const scopes: ExceptionScope[] = [];
  const isFlask = file.frameworks.includes('flask');
  for (const caught of file.catches) {
    if (caught.binding === null) {
      continue;
    }
    const fn = file.functions.find((candidate) => candidate.id === caught.functionId);
    let types = caught.types;
    if (types.length === 0 && caught.kind === 'error-handler' && fn) {
      types = getHandlerTypes(fn, caught.binding);
    }
    // Flask hands a 500 handler a generic `InternalServerError`. Starlette and FastAPI hand it
    // the original exception, so there a 500 handler catches everything.
    if (!isFlask && types.some((type) => /^5\d\d$/.test(type.trim()))) {
      types = [];
    }
    scopes.push({
      binding: caught.binding,
      types,
      range: caught.bodyRange,
      isErrorHandler: caught.kind === 'error-handler',
    });
  }

  for (const fn of file.functions) {
    const isCovered = file.catches.some(
      (caught) =>
        caught.kind === 'error-handler' && (caught.functionId === fn.id || contains(fn.range, caught.range)),
    );
    if (!fn.isErrorHandler || isCovered) {
      continue;
    }
    const parameter = fn.parameters.find(
      (candidate) => ERROR_PARAMETER.test(candidate.name) || /Error|Exception/.test(candidate.type ?? ''),
    );
    if (parameter) {
      scopes.push({
        binding: parameter.name,
        types: getHandlerTypes(fn, parameter.name),
        range: fn.range,
        isErrorHandler: true,
      });
    }
  }
  return scopes;
}

/**
 * Returns the scope whose exception `identifier` refers to, or null. A parameter of the same
 * name in a function nested inside the scope shadows it: in `items.map((e) => e.id)` inside
 * `except ... as e`, the inner `e` is an item.
 */
export function findExceptionScope(
  index: FlowIndex,
  scopes: ExceptionScope[],
  identifier: IdentifierExpr,
  functionId: number,
): ExceptionScope | null {
  let found: ExceptionScope | null = null;
  for (const scope of scopes) {
    if (scope.binding !== identifier.name || !contains(scope.range, identifier.range)) {
      continue;
    }
    if (!found || contains(found.range, scope.range)) {
      found = scope;
    }
  }
  if (!found) {
    return null;
  }

  const parameter = findParameter(index, functionId, identifier.name);
  if (parameter && contains(found.range, parameter.fn.range) && !sameRange(found.range, parameter.fn.range)) {
    return null;
  }
  return found;
}

/**
 * True when every type of the scope is an exception whose text is meant for the client. HTTP
 * status numbers (`@app.errorhandler(404)`) count, because the framework's text for them is
 * generic.
 */
export function isClientSafeScope(
  scope: ExceptionScope,
  extraTypes: ReadonlySet<string>,
  status: number | null = null,
): boolean {
  return scope.types.length > 0 && scope.types.every((type) => isClientSafeType(type, extraTypes, status));
}

/**
 * True when `type` (`serializers.ValidationError`, `404`) names a client-facing exception. In a
 * 404 response (`status`), a not-found exception of the application (`OrderNotFound`) counts too.
 */
export function isClientSafeType(type: string, extraTypes: ReadonlySet<string>, status: number | null = null): boolean {
  const name = type.trim().split('.').pop() ?? '';
  if (/^\d{3}$/.test(name)) {
    return true;
  }
  if (status === 404 && isNotFoundType(name)) {
    return true;
  }
  return (
    CLIENT_SAFE_EXCEPTIONS.has(name) ||
    extraTypes.has(name) ||
    extraTypes.has(type.trim()) ||
    CLIENT_SAFE_SUFFIXES.some((suffix) => name.endsWith(suffix))
  );
}

function isNotFoundType(name: string): boolean {
  return !SERVER_NOT_FOUND_EXCEPTIONS.has(name) && NOT_FOUND_SUFFIXES.some((suffix) => name.endsWith(suffix));
}

/** True when the scope's types are all HTTP status numbers, as in `@app.errorhandler(404)`. */
export function isStatusCodeScope(scope: ExceptionScope): boolean {
  return scope.types.length > 0 && scope.types.every((type) => /^\d{3}$/.test(type.trim()));
}

/** True when `outer` contains `inner`; equal ranges count. */
export function contains(outer: Range, inner: Range): boolean {
  const startsBefore =
    outer.startLine < inner.startLine ||
    (outer.startLine === inner.startLine && outer.startColumn <= inner.startColumn);
  const endsAfter =
    outer.endLine > inner.endLine || (outer.endLine === inner.endLine && outer.endColumn >= inner.endColumn);
  return startsBefore && endsAfter;
}

function sameRange(left: Range, right: Range): boolean {
  return (
    left.startLine === right.startLine &&
    left.startColumn === right.startColumn &&
    left.endLine === right.endLine &&
    left.endColumn === right.endColumn
  );
}

/**
 * Exception types of an error handler from the annotation of its error parameter
 * (`exception: HttpException`) or a NestJS `@Catch(HttpException)` on its class.
 */
function getHandlerTypes(fn: FunctionFact, binding: string): string[] {
  const parameter = fn.parameters.find((candidate) => candidate.name === binding);
  const annotation = parameter?.type?.replace(/^:\s*/, '').trim();
  if (annotation && /^[\w.]+$/.test(annotation) && !/^(any|unknown|Error|Exception|BaseException|object)$/.test(annotation)) {
    return [annotation];
  }
  const filter = fn.classDecorators.find((decorator) => decorator.path === 'Catch');
  if (filter?.arguments && filter.arguments.length > 0) {
    return filter.arguments.map((argument) => argument.value.text);
  }
  return [];
}
