import { getLastName } from '../../model/flow.js';
import { splitWords, type NameTables } from '../../config/names.js';
import type { Argument, CallFact, FileModel, FunctionFact, Language } from '../../model/types.js';
import { getLoggingIndex, type LoggingIndex } from './log-calls.js';

/** Python and JavaScript code never share an error handler, even in one repository. */
export type LanguageFamily = 'python' | 'javascript';

/** An error handler that turns raised exceptions into responses, and what it covers. */
export interface CentralHandler {
  family: LanguageFamily;
  /** True when it handles every HTTP error: `errorhandler(HTTPException)`, Express error middleware, `@Catch()`. */
  coversAll: boolean;
  statuses: number[];
  exceptions: string[];
  /** True when it logs outside a development-only or server-error-only branch. */
  logs: boolean;
}

/** Exception classes whose handler receives every HTTP error, denials included. */
const CATCH_ALL_EXCEPTIONS = new Set([
  'Exception',
  'BaseException',
  'HTTPException',
  'StarletteHTTPException',
  'HttpException',
  'Error',
]);

const ERROR_WORDS = new Set(['error', 'errors', 'exception', 'exceptions']);
const PROCESS_ERROR_WORDS = new Set(['unexpected', 'uncaught', 'unhandled', 'fatal', 'process', 'crash']);
const HANDLING_WORDS = new Set(['handle', 'handler', 'format', 'process', 'on', 'catch', 'report']);

/** Decorators and calls that register an error handler, with the handled type in the first argument. */
const REGISTRATIONS = /(?:^|\.)(?:errorhandler|app_errorhandler|exception_handler|register_error_handler|add_exception_handler)$/;

/**
 * Guards under which a log call does not log denials: development-only logging
 * (`config.env === 'development'`, `app.debug`) and server-error-only logging (`status >= 500`).
 */
const NON_DENIAL_GUARD = /\b(?:development|dev|debug|DEBUG|test|testing)\b|>=?\s*5\d\d|\b5\d\d\s*<=?|isOperational/;

export function getLanguageFamily(language: Language): LanguageFamily {
  return language === 'python' ? 'python' : 'javascript';
}

/** Returns the error handlers of `file` with what they cover and whether they log. */
export function findCentralHandlers(file: FileModel, names: NameTables, logging?: LoggingIndex): CentralHandler[] {
  const index = logging ?? getLoggingIndex(file, names);
  const family = getLanguageFamily(file.language);
  const handlers: CentralHandler[] = [];
  for (const fn of file.functions) {
    if (fn.isErrorHandler) {
      handlers.push({ family, ...getHandledTypes(file, fn), logs: logsDenials(file, fn, index) });
    } else if (fn.name !== null && isErrorHandlerName(fn.name) && logsDenials(file, fn, index)) {
      // A GraphQL `format_error` or a custom `handle_exception` that the framework adapter does
      // not know: it sees every raised error, so its logging covers them.
      handlers.push({ family, coversAll: true, statuses: [], exceptions: [], logs: true });
    }
  }
  return handlers;
}

/**
 * True for `format_error`, `handle_exception`, `errorHandler`, `on_error`. Skip: `raise_error`
 * and `ValidationError` handle nothing, and `unexpectedErrorHandler` on `uncaughtException`
 * sees crashes, never the errors a request handler turns into a response.
 */
function isErrorHandlerName(name: string): boolean {
  const words = splitWords(name);
  if (words.some((word) => PROCESS_ERROR_WORDS.has(word))) {
    return false;
  }
  const hasError = words.some((word) => ERROR_WORDS.has(word));
  return hasError && words.some((word) => HANDLING_WORDS.has(word)) && words.length <= 4;
}

/** True when a logging central handler of the same language covers a raised denial. */
export function isCoveredCentrally(
  raised: { status: number; exception: string | null; family: LanguageFamily },
  handlers: CentralHandler[],
): boolean {
  return handlers.some(
    (handler) =>
      handler.logs &&
      handler.family === raised.family &&
      (handler.coversAll ||
        handler.statuses.includes(raised.status) ||
        (raised.exception !== null && handler.exceptions.includes(raised.exception))),
  );
}

/** Returns what an error handler handles, from its registration; unknown means every error. */
export function getHandledTypes(file: FileModel, fn: FunctionFact): Omit<CentralHandler, 'family' | 'logs'> {
  const decorator = fn.decorators.find((candidate) => REGISTRATIONS.test(candidate.path));
  if (decorator?.arguments) {
    return readHandledTypes(decorator.arguments.slice(0, 1));
  }
  // NestJS: `@Catch(ForbiddenException)` on the filter class; `@Catch()` catches everything.
  const filter = fn.classDecorators.find((candidate) => candidate.path === 'Catch');
  if (filter) {
    return filter.arguments === null || filter.arguments.length === 0
      ? { coversAll: true, statuses: [], exceptions: [] }
      : readHandledTypes(filter.arguments);
  }
  const registration = findRegistrationCall(file, fn);
  if (registration) {
    return readHandledTypes(registration.call.arguments.slice(0, 1));
  }
  return { coversAll: true, statuses: [], exceptions: [] };
}

function readHandledTypes(args: Argument[]): Omit<CentralHandler, 'family' | 'logs'> {
  const statuses: number[] = [];
  const exceptions: string[] = [];
  let coversAll = false;
  for (const argument of args) {
    const value = argument.value;
    if (value.kind === 'literal' && typeof value.value === 'number') {
      statuses.push(value.value);
      continue;
    }
    const name = getLastName(value);
    if (name === null) {
      continue;
    }
    if (CATCH_ALL_EXCEPTIONS.has(name)) {
      coversAll = true;
    } else {
      exceptions.push(name);
    }
  }
  return { coversAll, statuses, exceptions };
}

/** `app.register_error_handler(403, forbidden)`, `app.add_exception_handler(PermissionDenied, handler)`. */
function findRegistrationCall(file: FileModel, fn: FunctionFact): CallFact | undefined {
  return file.calls.find((fact) => {
    if (fact.call.calleePath === null || !REGISTRATIONS.test(fact.call.calleePath)) {
      return false;
    }
    const handler = fact.call.arguments[1]?.value;
    return (
      (handler?.kind === 'identifier' && handler.name === fn.name) ||
      (handler?.kind === 'function' && handler.functionId === fn.id)
    );
  });
}

function logsDenials(file: FileModel, fn: FunctionFact, logging: LoggingIndex): boolean {
  const ids = new Set([fn.id, ...file.functions.filter((child) => child.parentId === fn.id).map((child) => child.id)]);
  return [...ids].some((id) =>
    (logging.callsByFunction.get(id) ?? []).some((call) => !call.guards.some((guard) => NON_DENIAL_GUARD.test(guard))),
  );
}
