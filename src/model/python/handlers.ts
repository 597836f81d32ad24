import type { Expr } from '../types.js';
import { getLastSegment, getPlainPath, getPositional, getReceiverPath } from './paths.js';
import { resolveHandler, type ErrorHandlerMark, type Registry } from './registry.js';
import type { FunctionRecord } from './state.js';

/**
 * Decorators and registration calls of error handlers, with the parameter that receives the
 * error: Flask passes it first (`def handle(e)`), FastAPI and Starlette second
 * (`async def handle(request, exc)`).
 */
const ERROR_HANDLER_REGISTRATIONS: Record<string, number> = {
  errorhandler: 0,
  app_errorhandler: 0,
  register_error_handler: 0,
  exception_handler: 1,
  add_exception_handler: 1,
};

/** Django URLconf variables naming the views that render error pages. */
const DJANGO_ERROR_HANDLERS = new Set(['handler400', 'handler403', 'handler404', 'handler500']);

/** Decorators that only make sense on a Django or DRF function view. */
const DJANGO_VIEW_DECORATORS = new Set([
  'api_view',
  'require_http_methods',
  'require_POST',
  'require_GET',
  'require_safe',
  'login_required',
  'csrf_exempt',
]);

/**
 * Finds the functions the framework calls with an error: Flask `errorhandler` and
 * `register_error_handler`, FastAPI and Starlette `exception_handler`, `add_exception_handler`
 * and `exception_handlers={...}`, and Django `handler500 = view` for views in this file.
 */
export function collectErrorHandlers(registry: Registry): void {
  const state = registry.state;
  for (const record of state.functions) {
    for (const decorator of record.decorators) {
      const name = getLastSegment(decorator.fact.path);
      const errorParameter = ERROR_HANDLER_REGISTRATIONS[name];
      if (errorParameter === undefined || getReceiverPath(decorator.fact.path) === null) {
        continue;
      }
      const types = (decorator.fact.arguments ?? []).map((argument) => toTypeName(argument.value));
      addMark(registry, { functionId: record.fact.id, types, errorParameter });
    }
  }

  for (const fact of state.calls) {
    const call = fact.call;
    if (call.calleePath === null) {
      continue;
    }
    const name = getLastSegment(call.calleePath);
    const errorParameter = ERROR_HANDLER_REGISTRATIONS[name];
    if (errorParameter !== undefined && getReceiverPath(call.calleePath) !== null) {
      const errorType = getPositional(call.arguments, 0);
      markReference(registry, getPositional(call.arguments, 1), errorType, errorParameter);
    }
    for (const argument of call.arguments) {
      if (argument.name === 'exception_handlers' && argument.value.kind === 'object') {
        for (const entry of argument.value.entries) {
          markReference(registry, entry.value, null, 1, entry.key);
        }
      }
    }
  }

  for (const binding of state.bindings) {
    if (binding.functionId === 0 && DJANGO_ERROR_HANDLERS.has(binding.name)) {
      // Django calls `handler500(request)` without the exception, the others with it second.
      const errorParameter = binding.name === 'handler500' ? null : 1;
      markReference(registry, binding.value, null, errorParameter);
    }
  }
}

/**
 * Marks request handlers: route handlers, methods of class-based views (found with the routes),
 * and Django function views. A Django function view is a module-level function whose first
 * parameter is `request` (or typed `HttpRequest`) in a `views.py` file or `views/` folder, or one
 * carrying a decorator only views carry (`@api_view`, `@require_POST`, `@login_required`, ...).
 */
export function markRequestHandlers(registry: Registry): void {
  const isViewsFile = /(^|\/)views(\.py$|\/)/.test(registry.state.path);
  for (const record of registry.state.functions) {
    const isRouteHandler = registry.requestHandlerIds.has(record.fact.id);
    if (isRouteHandler || isDjangoFunctionView(record, isViewsFile)) {
      record.fact.isRequestHandler = true;
    }
  }
  for (const mark of registry.errorHandlers) {
    const record = registry.state.functions[mark.functionId - 1];
    if (record) {
      record.fact.isErrorHandler = true;
    }
  }
}

/** One `error-handler` catch per error handler, binding the parameter that receives the error. */
export function addErrorHandlerCatches(registry: Registry): void {
  const state = registry.state;
  for (const mark of registry.errorHandlers) {
    const record = state.functions[mark.functionId - 1];
    if (!record) {
      continue;
    }
    const position = mark.errorParameter;
    const parameter = position === null ? undefined : record.fact.parameters[position];
    state.catches.push({
      id: state.nextBlockId,
      functionId: record.fact.id,
      binding: parameter?.name ?? null,
      types: mark.types,
      kind: 'error-handler',
      range: record.fact.range,
      bodyRange: record.bodyRange,
    });
    state.nextBlockId += 1;
  }
}

function isDjangoFunctionView(record: FunctionRecord, isViewsFile: boolean): boolean {
  const fact = record.fact;
  if (fact.parentId !== 0 || fact.className !== null || fact.name === null) {
    return false;
  }
  const decoratorNames = fact.decorators.map((decorator) => getLastSegment(decorator.path));
  if (decoratorNames.some((name) => DJANGO_VIEW_DECORATORS.has(name))) {
    return true;
  }
  const first = fact.parameters[0];
  const takesRequest = first?.name === 'request' || /\bHttpRequest\b/.test(first?.type ?? '');
  return isViewsFile && takesRequest;
}

function markReference(
  registry: Registry,
  handler: Expr | null,
  errorType: Expr | null,
  errorParameter: number | null,
  typeName: string | null = null,
): void {
  if (!handler || handler.kind === 'string') {
    return;
  }
  const { handlerId } = resolveHandler(registry, handler);
  if (handlerId === null) {
    return;
  }
  let types: string[] = [];
  if (errorType) {
    types = [toTypeName(errorType)];
  } else if (typeName !== null) {
    types = [typeName];
  }
  addMark(registry, { functionId: handlerId, types, errorParameter });
}

function addMark(registry: Registry, mark: ErrorHandlerMark): void {
  if (!registry.errorHandlers.some((known) => known.functionId === mark.functionId)) {
    registry.errorHandlers.push(mark);
  }
}

/** Reads an exception class path (`exceptions.HTTPException`) or a status code (`404`). */
function toTypeName(expr: Expr): string {
  return getPlainPath(expr) ?? expr.text;
}
