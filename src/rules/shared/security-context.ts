import { getLastName } from '../../model/flow.js';
import { splitWords, type NameTables } from '../../config/names.js';
import type {
  CallExpr,
  CallFact,
  DecoratorFact,
  Expr,
  FileModel,
  FunctionFact,
  MiddlewareRef,
  Range,
  RouteFact,
} from '../../model/types.js';
import { classifyEndpoint, getPathWords } from './endpoints.js';

/**
 * What makes code security-relevant: it authenticates a caller, decides or denies access, runs a
 * privileged (admin) operation, or handles a security violation.
 */
export type SecurityContextKind = 'authentication' | 'authorization' | 'privileged' | 'violation';

/** Where the evidence for a context was found. */
export type SignalSource =
  | 'route'
  | 'name'
  | 'class'
  | 'decorator'
  | 'middleware'
  | 'parameter'
  | 'guard'
  | 'call'
  | 'outcome'
  | 'message';

/** One piece of evidence that a function runs in a security context. */
export interface SecuritySignal {
  kind: SecurityContextKind;
  source: SignalSource;
  /** The evidence as a message can quote it: `check_password`, `admin_required`, `/admin/users`. */
  evidence: string;
  range: Range;
}

/** The security contexts of one function, with the evidence for each. */
export interface SecurityContext {
  functionId: number;
  kinds: SecurityContextKind[];
  signals: SecuritySignal[];
  /** Routes of this file that the function handles. */
  routes: RouteFact[];
  /**
   * True when the function is a login or token endpoint by its route path or name
   * (`/auth/login`, `login_access_token`), not merely a function that checks a password.
   */
  isLogin: boolean;
}

/** A request denied for missing authentication (401) or permission (403). */
export interface Denial {
  functionId: number;
  status: 401 | 403;
  /**
   * `raise` when an exception, `abort` or `next(err)` hands the denial to the framework's error
   * handling, where a central handler may log it; `response` when the code sends it itself.
   */
  form: 'raise' | 'response';
  /** Exception class raised, when one is: `PermissionDenied`, `ForbiddenException`. */
  exception: string | null;
  /** The construct as a message quotes it: `abort(403)`, `res.status(401)`, `PermissionDenied`. */
  label: string;
  guards: string[];
  catchId: number | null;
  range: Range;
}

/** Word sequences that name logging in, in function names. */
const LOGIN_PHRASES = [
  ['login'],
  ['log', 'in'],
  ['signin'],
  ['sign', 'in'],
  ['logon'],
  ['authenticate'],
  ['authentication'],
];

/** Words that name an authorization decision in function names: `has_permission`, `authorize`. */
const AUTHORIZATION_NAME_WORDS = new Set(['permission', 'permissions', 'authorize', 'authorization']);

/** NestJS guards decide access in `canActivate`. */
const AUTHORIZATION_METHODS = new Set(['canActivate']);

/**
 * Words that make a log message a security event: `"login failed for %s"`,
 * `"permission denied"`. The configured security event words count too.
 */
const SECURITY_MESSAGE_WORDS = new Set([
  'login',
  'logon',
  'signin',
  'authentication',
  'authenticate',
  'authenticated',
  'unauthenticated',
  'unauthorized',
  'unauthorised',
  'forbidden',
  'permission',
  'permissions',
  'denied',
  'password',
  'credential',
  'credentials',
  'lockout',
  'locked',
  'mfa',
  '2fa',
  'otp',
  'privilege',
  'privileges',
  'impersonate',
  'impersonation',
]);

/** Words that, with `csrf`, describe a failed check rather than the token itself. */
const CHECK_FAILURE_WORDS = new Set(['fail', 'failed', 'failure', 'invalid', 'mismatch', 'rejected', 'violation']);

/** Status constant names: `httpStatus.FORBIDDEN`, `status.HTTP_403_FORBIDDEN`, `HttpStatus.UNAUTHORIZED`. */
const STATUS_CONSTANTS: Record<string, 401 | 403> = {
  UNAUTHORIZED: 401,
  UNAUTHORISED: 401,
  HTTP_401_UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  HTTP_403_FORBIDDEN: 403,
};

/** Verbs in a named right that make it a right to change things: `manageUsers`, `auth.delete_user`. */
const RIGHT_VERBS = new Set(['manage', 'delete', 'change', 'grant', 'revoke', 'edit', 'write', 'ban']);

/** Callees that end a request with the status in their first argument. */
const STATUS_RAISERS = new Set(['abort', 'throw', 'createError', 'HttpError', 'httpError']);

interface ContextCache {
  contexts: Map<number, SecurityContext>;
  denials: Denial[];
}

const caches = new WeakMap<FileModel, WeakMap<NameTables, ContextCache>>();

/**
 * Returns the security context of every function of `file` that has one, keyed by function id.
 * Module-level code (id 0) has none. Built once per file and name tables.
 */
export function getSecurityContexts(file: FileModel, names: NameTables): Map<number, SecurityContext> {
  return getCache(file, names).contexts;
}

/** Returns the security context of one function, or null when it has none. */
export function getSecurityContext(
  file: FileModel,
  functionId: number,
  names: NameTables,
): SecurityContext | null {
  return getCache(file, names).contexts.get(functionId) ?? null;
}

/** Returns every 401 and 403 outcome of `file`, in source order, each construct once. */
export function findDenials(file: FileModel, names: NameTables): Denial[] {
  return getCache(file, names).denials;
}

/** True when `call` verifies a password or credential: `user.check_password(pw)`, `bcrypt.compare`. */
export function isCredentialCheck(call: CallExpr, names: NameTables): boolean {
  return matchesCallee(call.calleePath, names.credentialChecks);
}

/** True when a function name reads as logging in: `login`, `sign_in`, `authenticateUser`. */
export function isLoginName(name: string): boolean {
  const words = splitWords(name);
  return LOGIN_PHRASES.some((phrase) => containsPhrase(words, phrase));
}

/**
 * True when a log message reads as a security event: it names a login, an authentication or
 * permission outcome, a password, or a configured security event word (`"CSRF check failed"`).
 */
export function isSecurityMessage(text: string, names: NameTables): boolean {
  const words = splitWords(text);
  if (containsPhrase(words, ['log', 'in']) || containsPhrase(words, ['sign', 'in'])) {
    return true;
  }
  const eventWords = new Set(names.securityEventWords);
  return words.some((word) => SECURITY_MESSAGE_WORDS.has(word) || eventWords.has(word));
}

/** True when a name contains a configured security event word: `handle_csrf_failure`, `onTamper`. */
export function hasSecurityEventWord(name: string, names: NameTables): boolean {
  const eventWords = new Set(names.securityEventWords);
  const words = splitWords(name);
  if (words.some((word) => eventWords.has(word))) {
    return true;
  }
  // `csrf_failure`, "CSRF token mismatch"; `get_csrf_token` only handles the token.
  return words.includes('csrf') && words.some((word) => CHECK_FAILURE_WORDS.has(word));
}

/**
 * True when a name, decorator or check marks privileged code: `admin_required`, `is_superuser`,
 * `IsAdminUser`. One-word markers match any word of `text`.
 */
export function hasPrivilegeMarker(text: string, names: NameTables): boolean {
  const words = splitWords(text);
  for (const marker of names.privilegeMarkers) {
    if (/^[a-z]+$/.test(marker) ? words.includes(marker) : text.split('.').pop() === marker) {
      return true;
    }
  }
  return false;
}

/**
 * True for a guard that only lets admins past: `not current_user.is_admin`, `!req.user.isAdmin`.
 * Skip: `not user.is_superuser and item.owner_id != user.id` lets owners past too, and
 * `if user.is_superuser: raise ...` refuses admins; neither makes the rest admin-only.
 */
export function isPrivilegeRequirement(guard: string, names: NameTables): boolean {
  const trimmed = guard.trim();
  if (!/^(?:not\s+|!)/.test(trimmed) || /\s(?:and|or)\s|&&|\|\|/.test(trimmed)) {
    return false;
  }
  return hasPrivilegeMarker(trimmed.replace(/^(?:not\s+|!)\(?/, ''), names);
}

/** Reads 401 or 403 from a status expression: `403`, `httpStatus.FORBIDDEN`, `HTTP_401_UNAUTHORIZED`. */
export function getDenialStatus(expr: Expr): 401 | 403 | null {
  if (expr.kind === 'literal' && (expr.value === 401 || expr.value === 403)) {
    return expr.value;
  }
  if (expr.kind === 'string' && (expr.value === '401' || expr.value === '403')) {
    return expr.value === '401' ? 401 : 403;
  }
  const name = getLastName(expr);
  return name === null ? null : (STATUS_CONSTANTS[name.toUpperCase()] ?? null);
}

/** Returns the status an exception class signals: `Unauthorized` is 401, `PermissionDenied` 403. */
export function getExceptionStatus(className: string): 401 | 403 {
  const words = splitWords(className);
  const isAuthentication = words.some(
    (word) => word === 'unauthorized' || word === 'unauthenticated' || word.startsWith('authenticat'),
  );
  return isAuthentication || (words.includes('not') && words.includes('authenticated')) ? 401 : 403;
}

function getCache(file: FileModel, names: NameTables): ContextCache {
  let byNames = caches.get(file);
  if (!byNames) {
    byNames = new WeakMap();
    caches.set(file, byNames);
  }
  let cache = byNames.get(names);
  if (!cache) {
    const denials = collectDenials(file, names);
    cache = { denials, contexts: collectContexts(file, names, denials) };
    byNames.set(names, cache);
  }
  return cache;
}

function collectContexts(
  file: FileModel,
  names: NameTables,
  denials: Denial[],
): Map<number, SecurityContext> {
  const signalsByFunction = new Map<number, SecuritySignal[]>();
  const add = (functionId: number, signal: SecuritySignal) => {
    if (functionId === 0) {
      return;
    }
    const list = signalsByFunction.get(functionId);
    if (list) {
      list.push(signal);
    } else {
      signalsByFunction.set(functionId, [signal]);
    }
  };

  const routesByHandler = new Map<number, RouteFact[]>();
  for (const route of file.routes) {
    if (route.handlerId !== null) {
      routesByHandler.set(route.handlerId, [...(routesByHandler.get(route.handlerId) ?? []), route]);
    }
  }

  const loginFunctions = new Set<number>();
  for (const fn of file.functions) {
    const routes = routesByHandler.get(fn.id) ?? [];
    for (const signal of findDeclarationSignals(fn, routes, names)) {
      if (signal.kind === 'authentication' && (signal.source === 'route' || signal.source === 'name')) {
        loginFunctions.add(fn.id);
      }
      add(fn.id, signal);
    }
  }
  for (const fact of file.calls) {
    for (const signal of findCallSignals(fact, names)) {
      add(fact.functionId, signal);
    }
  }
  for (const denial of denials) {
    add(denial.functionId, {
      kind: 'authorization',
      source: 'outcome',
      evidence: denial.label,
      range: denial.range,
    });
  }
  for (const response of file.responses) {
    for (const guard of response.guards) {
      if (isPrivilegeRequirement(guard, names)) {
        add(response.functionId, { kind: 'privileged', source: 'guard', evidence: guard, range: response.range });
      }
    }
  }

  const contexts = new Map<number, SecurityContext>();
  for (const [functionId, found] of signalsByFunction) {
    const signals = dedupeSignals(found);
    const kinds = [...new Set(signals.map((signal) => signal.kind))];
    contexts.set(functionId, {
      functionId,
      kinds,
      signals,
      routes: routesByHandler.get(functionId) ?? [],
      isLogin: loginFunctions.has(functionId),
    });
  }
  return contexts;
}

/** Keeps the first signal of each kind, source and evidence: two calls under one guard give one. */
function dedupeSignals(signals: SecuritySignal[]): SecuritySignal[] {
  const seen = new Set<string>();
  return signals.filter((signal) => {
    const key = `${signal.kind}|${signal.source}|${signal.evidence}`;
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
}

/** Signals from what a function is declared as: its name, class, routes, decorators and parameters. */
function findDeclarationSignals(fn: FunctionFact, routes: RouteFact[], names: NameTables): SecuritySignal[] {
  const signals: SecuritySignal[] = [];
  const range = fn.nameRange;

  for (const route of routes) {
    const endpoint = classifyEndpoint({ path: route.path, handlerName: route.handlerName, methods: route.methods });
    if (endpoint && (endpoint.kind === 'login' || endpoint.kind === 'token')) {
      signals.push({ kind: 'authentication', source: 'route', evidence: route.path ?? endpoint.words, range });
    }
    if (route.path !== null && getPathWords(route.path).some((word) => isOneWordMarker(word, names))) {
      signals.push({ kind: 'privileged', source: 'route', evidence: route.path, range });
    }
    for (const middleware of route.middleware) {
      if (isPrivilegedMiddleware(middleware, names)) {
        const text = middleware.expr?.text ?? middleware.path;
        signals.push({ kind: 'privileged', source: 'middleware', evidence: shorten(text), range: middleware.range });
      }
    }
  }

  if (fn.name !== null) {
    if (isLoginName(fn.name) && !isLoginGuardName(fn.name)) {
      signals.push({ kind: 'authentication', source: 'name', evidence: fn.name, range });
    }
    const words = splitWords(fn.name);
    if (words.some((word) => AUTHORIZATION_NAME_WORDS.has(word)) || AUTHORIZATION_METHODS.has(fn.name)) {
      signals.push({ kind: 'authorization', source: 'name', evidence: fn.name, range });
    }
    if (hasPrivilegeMarker(fn.name, names)) {
      signals.push({ kind: 'privileged', source: 'name', evidence: fn.name, range });
    }
    if (hasSecurityEventWord(fn.name, names)) {
      signals.push({ kind: 'violation', source: 'name', evidence: fn.name, range });
    }
  }
  if (fn.className !== null && hasPrivilegeMarker(fn.className, names)) {
    signals.push({ kind: 'privileged', source: 'class', evidence: fn.className, range });
  }

  for (const decorator of [...fn.decorators, ...fn.classDecorators]) {
    if (isPrivilegeDecorator(decorator, names)) {
      signals.push({ kind: 'privileged', source: 'decorator', evidence: shorten(getDecoratorText(decorator)), range: decorator.range });
    }
  }
  for (const parameter of fn.parameters) {
    // FastAPI: `current_user: Annotated[User, Depends(get_current_active_superuser)]`.
    if (parameter.type !== null && hasPrivilegeMarker(parameter.type, names)) {
      signals.push({ kind: 'privileged', source: 'parameter', evidence: shorten(parameter.type), range: parameter.range });
    }
  }
  return signals;
}

/** Signals from one call: a credential check, a privilege check in its guard, a violation raised. */
function findCallSignals(fact: CallFact, names: NameTables): SecuritySignal[] {
  const signals: SecuritySignal[] = [];
  const path = fact.call.calleePath;
  if (isCredentialCheck(fact.call, names)) {
    signals.push({ kind: 'authentication', source: 'call', evidence: path ?? fact.call.text, range: fact.range });
  }
  for (const guard of fact.guards) {
    if (isPrivilegeRequirement(guard, names)) {
      signals.push({ kind: 'privileged', source: 'guard', evidence: shorten(guard), range: fact.range });
    }
  }
  const calleeName = path?.split('.').pop();
  // `raise SuspiciousOperation(...)`, `new TamperDetectedError()`: an exception class names the violation.
  if (calleeName && /^[A-Z]/.test(calleeName) && hasSecurityEventWord(calleeName, names)) {
    signals.push({ kind: 'violation', source: 'call', evidence: path!, range: fact.range });
  }
  // Only log messages count: `raise ValidationError("Missing CSRF token")` rejects input, while
  // `log.warning("CSRF violation from %s", ip)` records an event the code treats as an attack.
  const message = names.logMethods.includes(calleeName ?? '') ? getMessageText(fact.call) : null;
  if (message !== null && hasSecurityEventWord(message, names)) {
    signals.push({ kind: 'violation', source: 'message', evidence: shorten(message), range: fact.range });
  }
  return signals;
}

/**
 * Collects 401 and 403 outcomes from the responses the adapter found and from calls it does not
 * count as responses: `raise PermissionDenied`, `next(new ApiError(httpStatus.FORBIDDEN))`,
 * `ctx.throw(403)`, `reply.code(401)`.
 */
function collectDenials(file: FileModel, names: NameTables): Denial[] {
  const denials: Denial[] = [];
  const translators = new Set(
    file.functions.filter((fn) => fn.isErrorHandler || isExceptionHandlerName(fn.name)).map((fn) => fn.id),
  );
  for (const response of file.responses) {
    if (response.status !== 401 && response.status !== 403) {
      continue;
    }
    if (translators.has(response.functionId)) {
      continue;
    }
    const call = findCallAt(file, response.range);
    const exception = call && isDenialException(call.call, names) ? getCalleeName(call.call) : null;
    const isRaised = response.kind === 'throw' || (call !== null && isRaisingCall(call.call));
    denials.push({
      functionId: response.functionId,
      status: response.status,
      form: isRaised ? 'raise' : 'response',
      exception,
      label: call ? getCallLabel(call.call) : response.via,
      guards: response.guards,
      catchId: response.catchId,
      range: response.range,
    });
  }

  for (const fact of file.calls) {
    // Skip: an exception handler that maps Django's `PermissionDenied` to DRF's translates a
    // denial made elsewhere, so it denies nothing itself.
    if (translators.has(fact.functionId) || denials.some((denial) => overlaps(denial.range, fact.range))) {
      continue;
    }
    const denial = getCallDenial(fact, names);
    if (denial !== null) {
      denials.push(denial);
    }
  }
  return denials.sort((a, b) => a.range.startLine - b.range.startLine || a.range.startColumn - b.range.startColumn);
}

function getCallDenial(fact: CallFact, names: NameTables): Denial | null {
  const { call } = fact;
  const base = { functionId: fact.functionId, guards: fact.guards, catchId: fact.catchId, range: fact.range };
  if (isDenialException(call, names)) {
    const name = getCalleeName(call);
    return { ...base, status: getExceptionStatus(name), form: 'raise', exception: name, label: name };
  }

  // `new ApiError(httpStatus.FORBIDDEN, ...)`, `HTTPException(status_code=403)`, `ctx.throw(403)`.
  const status = findStatusArgument(call);
  if (status === null) {
    return null;
  }
  const calleeName = getCalleeName(call);
  if (isRaisingCall(call)) {
    return { ...base, status, form: 'raise', exception: call.isNew ? calleeName : null, label: getCallLabel(call) };
  }
  // `reply.code(401)`, `res.status(403)`, `res.sendStatus(403)`: a response the handler sends.
  if (/^(?:status|code|sendStatus|writeHead)$/.test(calleeName)) {
    return { ...base, status, form: 'response', exception: null, label: getCallLabel(call) };
  }
  return null;
}

function findStatusArgument(call: CallExpr): 401 | 403 | null {
  for (const argument of call.arguments) {
    if (argument.name !== null && !/^(?:status|status_code|code|statusCode)$/.test(argument.name)) {
      continue;
    }
    const status = getDenialStatus(argument.value);
    if (status !== null) {
      return status;
    }
  }
  return null;
}

function isDenialException(call: CallExpr, names: NameTables): boolean {
  return names.denialExceptions.includes(getCalleeName(call));
}

/**
 * `abort`, `ctx.throw` and exception classes (`HTTPException`, `ApiError`) end the request by
 * raising. `app.errorhandler(403)` registers a handler and raises nothing.
 */
function isRaisingCall(call: CallExpr): boolean {
  const name = getCalleeName(call);
  return call.isNew || STATUS_RAISERS.has(name) || /^[A-Z]\w*(?:Error|Exception)$/.test(name);
}

function isPrivilegeDecorator(decorator: DecoratorFact, names: NameTables): boolean {
  if (hasPrivilegeMarker(decorator.path, names)) {
    return true;
  }
  // `@Roles(RoleEnum.admin)`, `@user_passes_test(lambda u: u.is_superuser)`.
  return (decorator.arguments ?? []).some((argument) => hasPrivilegeMarker(argument.value.text, names));
}

/**
 * True for route middleware or a route decorator that requires admin rights or a named right to
 * manage something: `requireAdmin`, `auth('manageUsers')`,
 * `requirePermission('users:delete')`, `permission_required('auth.change_user')`.
 */
export function isPrivilegedMiddleware(middleware: MiddlewareRef, names: NameTables): boolean {
  const text = middleware.expr?.text ?? middleware.path;
  return hasPrivilegeMarker(middleware.path, names) || hasPrivilegeMarker(text, names) || grantsRight(middleware.expr);
}

function grantsRight(expr: Expr | null): boolean {
  if (expr === null || expr.kind !== 'call') {
    return false;
  }
  return expr.arguments.some((argument) => {
    if (argument.value.kind !== 'string') {
      return false;
    }
    const words = splitWords(argument.value.value);
    return words.length > 1 && words.some((word) => RIGHT_VERBS.has(word));
  });
}

/** `login_required`, `loginRequired` and `requireLogin` check a session; they are guards, not logins. */
function isLoginGuardName(name: string): boolean {
  const words = splitWords(name);
  return words.includes('required') || words.includes('require') || words.includes('requires');
}

function isOneWordMarker(word: string, names: NameTables): boolean {
  return names.privilegeMarkers.includes(word) && /^[a-z]+$/.test(word);
}

/** Returns the first string argument of a call as written, which for a log call is its message. */
function getMessageText(call: CallExpr): string | null {
  const first = call.arguments[0]?.value;
  if (first === undefined) {
    return null;
  }
  if (first.kind === 'string') {
    return first.value;
  }
  return first.kind === 'template' ? first.literal : null;
}

function matchesCallee(path: string | null, entries: string[]): boolean {
  if (path === null) {
    return false;
  }
  const last = path.split('.').pop()!;
  return entries.some((entry) =>
    entry.includes('.') ? path === entry || path.endsWith(`.${entry}`) : last === entry,
  );
}

function getCalleeName(call: CallExpr): string {
  if (call.calleePath !== null) {
    return call.calleePath.split('.').pop()!;
  }
  return call.callee.kind === 'member' ? call.callee.property : '';
}

/** Returns the call as written, on one line and shortened: `abort(403)`, `res.status(401).json({…})`. */
function getCallLabel(call: CallExpr): string {
  const text = call.text.replace(/\s+/g, ' ');
  return text.length <= 50 ? text : `${text.slice(0, 49)}…`;
}

function getDecoratorText(decorator: DecoratorFact): string {
  const args = decorator.arguments?.map((argument) => argument.value.text).join(', ');
  return args === undefined ? decorator.path : `${decorator.path}(${args})`;
}

function findCallAt(file: FileModel, range: Range): CallFact | null {
  let found: CallFact | null = null;
  for (const fact of file.calls) {
    if (!contains(range, fact.range)) {
      continue;
    }
    // The outermost call inside the response is the one that produces it.
    if (found === null || contains(fact.range, found.range)) {
      found = fact;
    }
  }
  return found;
}

function containsPhrase(words: string[], phrase: string[]): boolean {
  for (let start = 0; start + phrase.length <= words.length; start++) {
    if (phrase.every((word, offset) => words[start + offset] === word)) {
      return true;
    }
  }
  return false;
}

function contains(outer: Range, inner: Range): boolean {
  return comparePositions(outer.startLine, outer.startColumn, inner.startLine, inner.startColumn) <= 0 &&
    comparePositions(inner.endLine, inner.endColumn, outer.endLine, outer.endColumn) <= 0;
}

function overlaps(a: Range, b: Range): boolean {
  return contains(a, b) || contains(b, a);
}

function comparePositions(lineA: number, columnA: number, lineB: number, columnB: number): number {
  return lineA - lineB || columnA - columnB;
}

function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}

/** True for names of exception handlers: `custom_exception_handler`, `handleError`, `errorHandler`. */
function isExceptionHandlerName(name: string | null): boolean {
  if (name === null) {
    return false;
  }
  const words = splitWords(name);
  const handles = words.includes('handler') || words.includes('handle');
  return handles && (words.includes('exception') || words.includes('error') || words.includes('exc'));
}
