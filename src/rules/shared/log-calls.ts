import { splitWords, type NameTables } from '../../config/names.js';
import { getFlowIndex } from '../../model/flow.js';
import type { CallFact, DecoratorFact, FileModel, FunctionFact, MiddlewareRef, Range } from '../../model/types.js';
import { findLogSink } from './log-sinks.js';

/** Words that, with `record`, `emit`, `track` or `publish`, name an event being recorded: `_record_login`. */
const RECORDED_EVENT_WORDS = new Set([
  'event',
  'events',
  'login',
  'logins',
  'attempt',
  'attempts',
  'failure',
  'failures',
  'access',
  'action',
  'actions',
  'activity',
]);

const RECORDING_VERBS = new Set(['record', 'emit', 'track', 'publish', 'write']);

/** Log and audit calls of one file, and the functions that make them, computed once. */
export interface LoggingIndex {
  /** Log and audit calls by the id of the function that makes them. */
  callsByFunction: Map<number, CallFact[]>;
  /** Names of this file's functions that make a log or audit call themselves. */
  loggingFunctionNames: Set<string>;
}

const indexes = new WeakMap<FileModel, WeakMap<NameTables, LoggingIndex>>();

/**
 * Returns the log and audit calls of `file`. A call counts when it writes a log record
 * (`logger.warning`), calls a configured audit helper (`audit_log`), or calls a function whose
 * name says it logs or audits (`log_failed_login`, `auditService.record`, `self._record_login`).
 */
export function getLoggingIndex(file: FileModel, names: NameTables): LoggingIndex {
  let byNames = indexes.get(file);
  if (!byNames) {
    byNames = new WeakMap();
    indexes.set(file, byNames);
  }
  let index = byNames.get(names);
  if (index) {
    return index;
  }

  const flow = getFlowIndex(file);
  const callsByFunction = new Map<number, CallFact[]>();
  for (const fact of file.calls) {
    if (findLogSink(fact, flow, names) !== null || isAuditCallee(fact.call.calleePath, names)) {
      callsByFunction.set(fact.functionId, [...(callsByFunction.get(fact.functionId) ?? []), fact]);
    }
  }
  const loggingFunctionNames = new Set<string>();
  for (const fn of file.functions) {
    const name = getFunctionName(file, fn);
    if (name !== null && callsByFunction.has(fn.id)) {
      loggingFunctionNames.add(name);
    }
  }

  // A call to a function of this file that logs counts as logging: `_deny(request)` in a view,
  // `self._record_login(user)`. Skip: `request.headers.get(...)` is no call of a `get` view.
  for (const fact of file.calls) {
    const match = /^(?:(?:self|this|cls)\.)?(\w+)$/.exec(fact.call.calleePath ?? '');
    const last = match?.[1];
    const list = callsByFunction.get(fact.functionId) ?? [];
    if (last !== undefined && loggingFunctionNames.has(last) && !list.includes(fact)) {
      callsByFunction.set(fact.functionId, [...list, fact]);
    }
  }
  for (const list of callsByFunction.values()) {
    list.sort((a, b) => comparePositions(a.range, b.range));
  }
  index = { callsByFunction, loggingFunctionNames };
  byNames.set(names, index);
  return index;
}

/**
 * True when a callee path names an audit or logging helper: a configured audit helper, or a last
 * segment whose words say it logs, audits or records an event. `Math.log`, `log_in` and
 * `login_user` are not.
 */
export function isAuditCallee(path: string | null, names: NameTables): boolean {
  if (path === null || path.startsWith('Math.')) {
    return false;
  }
  const last = path.split('.').pop()!;
  if (names.auditHelpers.some((entry) => (entry.includes('.') ? path.endsWith(entry) : last === entry))) {
    return true;
  }
  return isAuditName(last);
}

/** True when a function or decorator name says it logs or audits: `audit_action`, `logDenied`. */
export function isAuditName(name: string): boolean {
  const words = splitWords(name);
  if (words.some((word) => word === 'audit' || word === 'audited' || word === 'auditing' || word === 'logger')) {
    return true;
  }
  const logAt = words.indexOf('log');
  // Skip: `log_in(user)` and `log_out` sign a user in or out; they record nothing.
  if (logAt !== -1 && !['in', 'out', 'on', 'off'].includes(words[logAt + 1] ?? '')) {
    return true;
  }
  return words.some((word) => RECORDING_VERBS.has(word)) && words.some((word) => RECORDED_EVENT_WORDS.has(word));
}

/**
 * True when a decorator or middleware audits what it wraps: a configured audit helper or a name
 * that says it audits (`@audit_log`, `@UseInterceptors(AuditInterceptor)`, `auditTrail`).
 */
export function isAuditingWrapper(wrapper: DecoratorFact | MiddlewareRef, names: NameTables): boolean {
  const texts = [wrapper.path];
  if ('arguments' in wrapper) {
    texts.push(...(wrapper.arguments ?? []).map((argument) => argument.value.text));
  } else if (wrapper.expr !== null) {
    texts.push(wrapper.expr.text);
  }
  return texts.some((text) => {
    const words = splitWords(text);
    return words.includes('audit') || names.auditHelpers.some((entry) => text.split(/[^\w.]/).includes(entry));
  });
}

/**
 * Returns the name of a function, or for an anonymous one the name it is bound to:
 * `const deleteUser = catchAsync(async (req, res) => {...})` names the arrow `deleteUser`.
 */
export function getFunctionName(file: FileModel, fn: FunctionFact): string | null {
  if (fn.name !== null) {
    return fn.name;
  }
  for (const binding of file.bindings) {
    const value = binding.value;
    if (value.kind === 'function' && value.functionId === fn.id) {
      return binding.name;
    }
    if (
      value.kind === 'call' &&
      value.arguments.some((argument) => argument.value.kind === 'function' && argument.value.functionId === fn.id)
    ) {
      return binding.name;
    }
  }
  return null;
}

/**
 * Names a function for a message: its name, the route of an anonymous handler
 * (`POST /api/login`), or the named function it is a callback of (`callback in verifyCallback`).
 */
export function describeFunction(file: FileModel, fn: FunctionFact): string {
  const name = getFunctionName(file, fn);
  if (name !== null) {
    return name;
  }
  const route = file.routes.find((candidate) => candidate.handlerId === fn.id);
  if (route) {
    return `${route.methods.join('|')} ${route.path ?? '(unknown path)'}`;
  }
  let parent = file.functions.find((candidate) => candidate.id === fn.parentId);
  for (let depth = 0; parent && depth < 8; depth++) {
    const parentName = getFunctionName(file, parent);
    if (parentName !== null) {
      return `callback in ${parentName}`;
    }
    parent = file.functions.find((candidate) => candidate.id === parent!.parentId);
  }
  return 'anonymous function';
}

/**
 * True when `logCall` runs on the way to `target` in the same function: it comes first and sits
 * in the same branch or an enclosing one (its guards are a tail of the target's guards). A log
 * in the `try` body does not cover an outcome in its `except` clause, because the failure may
 * have skipped it.
 */
export function isLoggedBefore(
  logCall: CallFact,
  target: { range: Range; guards: string[]; catchId: number | null },
  tryIdOfCatch: number | undefined,
): boolean {
  if (comparePositions(logCall.range, target.range) >= 0) {
    return false;
  }
  if (!isEnclosingBranch(logCall.guards, target.guards)) {
    return false;
  }
  if (target.catchId !== null && logCall.catchId !== target.catchId) {
    return tryIdOfCatch === undefined || !logCall.tryIds.includes(tryIdOfCatch);
  }
  return true;
}

/** True when the branch of `outer` guards encloses the branch of `inner` guards (innermost first). */
export function isEnclosingBranch(outer: string[], inner: string[]): boolean {
  if (outer.length > inner.length) {
    return false;
  }
  const offset = inner.length - outer.length;
  return outer.every((guard, position) => inner[offset + position] === guard);
}

export function comparePositions(a: Range, b: Range): number {
  return a.startLine - b.startLine || a.startColumn - b.startColumn;
}
