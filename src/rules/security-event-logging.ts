import { splitWords, type NameTables } from '../config/names.js';
import type { CallFact, FileModel, FunctionFact, Range, RouteFact } from '../model/types.js';
import {
  findCentralHandlers,
  getLanguageFamily,
  isCoveredCentrally,
  type CentralHandler,
  type LanguageFamily,
} from './shared/central-handlers.js';
import {
  describeFunction,
  getFunctionName,
  getLoggingIndex,
  isAuditingWrapper,
  isLoggedBefore,
  type LoggingIndex,
} from './shared/log-calls.js';
import { findAuthenticationOutcomes, type AuthenticationOutcome } from './shared/login-outcomes.js';
import {
  findDenials,
  getSecurityContext,
  hasPrivilegeMarker,
  isPrivilegedMiddleware,
  type Denial,
} from './shared/security-context.js';
import { getPathWords } from './shared/endpoints.js';
import { isTestPath } from './shared/app-entry-points.js';
import { getFunction } from './shared/function-scopes.js';
import { defineRule, type RuleContext } from './types.js';

/** From this many unlogged raises of one exception class on, they are reported as one finding. */
const MIN_REPEATED_DENIALS = 5;

const MUTATING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Method names of class-based views (DRF, Django, NestJS) that change data. */
const MUTATING_VIEW_METHODS = new Set([
  'post',
  'put',
  'patch',
  'delete',
  'create',
  'update',
  'partial_update',
  'destroy',
  'perform_create',
  'perform_update',
  'perform_destroy',
]);

/** Verbs in a POST handler's name or path that say it changes something. */
const CHANGE_VERBS = new Set([
  'create', 'add', 'new', 'update', 'edit', 'change', 'set', 'delete', 'remove', 'destroy', 'grant',
  'revoke', 'assign', 'unassign', 'ban', 'unban', 'block', 'unblock', 'disable', 'enable', 'activate',
  'deactivate', 'reset', 'invite', 'approve', 'reject', 'promote', 'demote', 'import', 'upload',
  'restore', 'purge', 'impersonate', 'suspend', 'transfer', 'refund', 'register', 'save', 'move',
]);

/** Words in a route path or handler name that make a change privileged whoever makes it. */
const PRIVILEGE_OBJECT_WORDS = new Set(['role', 'roles', 'permission', 'permissions', 'privilege', 'privileges']);

/** Django admin classes record every change they make in their own `LogEntry` table. */
const SELF_AUDITING_BASES = /(?:^|\.)(?:ModelAdmin|StackedInline|TabularInline)$/;

/** A finding decided in the worker, or one that waits for the project's central error handlers. */
interface Candidate {
  messageId: string;
  data: Record<string, string>;
  range: Range;
  functionName: string | null;
  severity?: 'medium';
  /** Set for denials raised to the framework, which a logging error handler may cover. */
  raised?: { status: 401 | 403; exception: string | null; family: LanguageFamily };
}

/** A route whose handler is defined in another file: `router.delete('/:id', auth('manageUsers'), users.remove)`. */
interface ImportedHandlerRoute {
  handlerName: string;
  method: string;
  evidence: string;
}

interface Summary {
  candidates: Candidate[];
  centralHandlers: CentralHandler[];
  importedRoutes: ImportedHandlerRoute[];
  /** Top-level functions and methods that make no log or audit call, by name. */
  silentFunctions: { name: string; range: Range }[];
  /** Names of functions that log, to tell a unique silent handler from a name used twice. */
  loggingFunctions: string[];
}

interface Options {
  sensitiveResources: string[];
}

export default defineRule<Summary>({
  id: 'CC7.1.1',
  name: 'security-event-logging',
  criterion: 'CC7.1',
  severity: 'high',
  cwe: ['CWE-778'],
  summary: 'Require a log or audit record for logins, access denials and privileged changes',
  rationale:
    'Failed and successful logins, denied requests and admin changes are the events an ' +
    'investigation reconstructs first. When the code that decides them writes no record, ' +
    'brute-force attempts, privilege abuse and account takeover leave no trace, and an auditor ' +
    'finds no evidence that security events are detected.',
  remediation:
    'Log each outcome where it is decided, with the user, the client address, the action and ' +
    'the result, through the application logger or an audit helper; or log denials once in the ' +
    'error handler that turns them into responses.',
  compliant: [
    'A logger call (`logger.warning`, `log.info`, `this.logger.warn`) before the outcome, in its branch or an enclosing one.',
    'A call to a configured audit helper or to a function whose name says it logs or audits (`audit_log`, `log_failed_login`, `self._record_login`).',
    'A call to a function of the same file that logs.',
    'An auditing decorator, interceptor or route middleware (`@audit_log`, `@UseInterceptors(AuditInterceptor)`).',
    'For raised denials (`abort(403)`, `raise PermissionDenied`, `throw new ForbiddenException()`, `next(new ApiError(403))`): a Flask or FastAPI error handler, Express error middleware or NestJS exception filter that covers them and logs outside a development-only branch.',
    'Django admin classes, which record their own changes.',
  ],
  aicpa: [
    {
      criterion: 'CC7.2',
      reason: 'Monitoring for anomalies needs a record of every login, denial and privileged change.',
    },
    {
      criterion: 'CC7.3',
      reason: 'Evaluating a security event needs the record of who did what, when and with what result.',
    },
  ],
  languages: ['python', 'javascript', 'typescript'],
  options: {
    sensitiveResources: {
      type: 'array',
      items: { type: 'string' },
      description:
        'Resource names or path prefixes whose access must be logged.',
      default: [],
    },
  },
  messages: {
    loginNotLogged:
      'Login handler `{name}` logs neither a failed nor a successful login. Log both outcomes with the user and client address.',
    loginFailureNotLogged:
      'The failed credential check in `{name}` ends in `{outcome}` with no log or audit call. Log the failed attempt.',
    loginSuccessNotLogged:
      'The successful login in `{name}` ends in `{outcome}` with no log or audit call. Log it with the user and client address.',
    denialNotLogged:
      'The {status} denial `{denial}` in `{name}` has no log or audit call, and no error handler logs it. Log who was denied what.',
    repeatedDenialNotLogged:
      '`{exception}` is raised in {count} places, the first here, and neither they nor an error handler log it. Log it once where it is handled.',
    privilegedNotLogged:
      'Privileged change `{name}` ({evidence}) makes no log or audit call. Record who changed what.',
    sensitiveAccessNotLogged:
      'Access to sensitive resource `{resource}` in `{name}` makes no log or audit call. Record who read it.',
  },
  // No prefilter: a privileged route names its handler in another file (`users.remove`), and the
  // project check finds that handler by name in any file. The handler's file need contain no log
  // call, denial or privilege word, and it is where the finding points.
  summarize(file, context) {
    if (isTestPath(file.path)) {
      return null;
    }
    const options = readOptions(context.options);
    const logging = getLoggingIndex(file, context.names);
    const candidates = [
      ...findLoginCandidates(file, context.names, logging),
      ...findDenialCandidates(file, context.names, logging),
      ...findPrivilegedCandidates(file, context.names, logging),
      ...findSensitiveAccessCandidates(file, options, logging),
    ];
    const summary: Summary = {
      candidates,
      centralHandlers: findCentralHandlers(file, context.names, logging),
      importedRoutes: findImportedHandlerRoutes(file, context.names),
      ...listFunctions(file, context.names, logging),
    };
    const isEmpty =
      candidates.length === 0 && summary.centralHandlers.length === 0 && summary.importedRoutes.length === 0;
    return isEmpty && summary.silentFunctions.length === 0 ? null : summary;
  },
  checkProject(_project, summaries, context) {
    const centralHandlers = summaries.flatMap((entry) => entry.summary.centralHandlers);
    const open = summaries.flatMap(({ path, summary }) =>
      summary.candidates
        .filter((candidate) => !(candidate.raised && isCoveredCentrally(candidate.raised, centralHandlers)))
        .map((candidate) => ({ path, candidate })),
    );
    open.sort((a, b) => a.path.localeCompare(b.path) || a.candidate.range.startLine - b.candidate.range.startLine);
    const grouped = reportRepeatedDenials(open, context);
    for (const { path, candidate } of open) {
      if (grouped.has(candidate)) {
        continue;
      }
      context.report({
        messageId: candidate.messageId,
        data: candidate.data,
        range: candidate.range,
        path,
        functionName: candidate.functionName,
        ...(candidate.severity ? { severity: candidate.severity } : {}),
      });
    }
    reportImportedHandlers(summaries, context);
  },
});

/**
 * Reports one finding for an exception class raised unlogged in many places, because the fix is
 * one log where it is handled, and returns the candidates it covered.
 */
function reportRepeatedDenials(
  open: { path: string; candidate: Candidate }[],
  context: RuleContext,
): Set<Candidate> {
  const byException = new Map<string, { path: string; candidate: Candidate }[]>();
  for (const entry of open) {
    const exception = entry.candidate.raised?.exception;
    if (exception) {
      byException.set(exception, [...(byException.get(exception) ?? []), entry]);
    }
  }
  const covered = new Set<Candidate>();
  for (const [exception, entries] of byException) {
    if (entries.length < MIN_REPEATED_DENIALS) {
      continue;
    }
    const [first] = entries;
    context.report({
      messageId: 'repeatedDenialNotLogged',
      data: { exception, count: String(entries.length) },
      range: first!.candidate.range,
      path: first!.path,
      functionName: first!.candidate.functionName,
    });
    for (const entry of entries) {
      covered.add(entry.candidate);
    }
  }
  return covered;
}

function readOptions(options: Record<string, unknown>): Options {
  const resources = options.sensitiveResources;
  return {
    sensitiveResources: Array.isArray(resources)
      ? resources.filter((item): item is string => typeof item === 'string' && item.length > 0)
      : [],
  };
}

/** Login outcomes with no log: one finding per handler when nothing in it logs, else one per outcome. */
function findLoginCandidates(file: FileModel, names: NameTables, logging: LoggingIndex): Candidate[] {
  const byFunction = new Map<number, AuthenticationOutcome[]>();
  for (const outcome of findAuthenticationOutcomes(file, names)) {
    byFunction.set(outcome.functionId, [...(byFunction.get(outcome.functionId) ?? []), outcome]);
  }

  const candidates: Candidate[] = [];
  for (const [functionId, outcomes] of byFunction) {
    const fn = getFunction(file, functionId);
    if (isAudited(file, fn, names)) {
      continue;
    }
    const name = describeFunction(file, fn);
    const logCalls = getLogCalls(file, fn, logging);
    const unlogged = outcomes.filter((outcome) => !isOutcomeLogged(file, outcome, logCalls));
    if (unlogged.length === 0) {
      continue;
    }
    const context = getSecurityContext(file, functionId, names);
    const hasBoth = unlogged.some((o) => o.kind === 'failure') && unlogged.some((o) => o.kind === 'success');
    if (logCalls.length === 0 && hasBoth && context?.isLogin) {
      candidates.push({ messageId: 'loginNotLogged', data: { name }, range: fn.nameRange, functionName: name });
      continue;
    }
    for (const outcome of unlogged) {
      candidates.push({
        messageId: outcome.kind === 'failure' ? 'loginFailureNotLogged' : 'loginSuccessNotLogged',
        data: { name, outcome: outcome.label },
        range: outcome.range,
        functionName: name,
      });
    }
  }
  return candidates;
}

/**
 * Checks that a log call runs before the outcome on its path. For a check's outcome the
 * log must also come after the check: `logger.info("login attempt")` before the password is
 * checked records the attempt, not its result.
 */
function isOutcomeLogged(file: FileModel, outcome: AuthenticationOutcome, logCalls: CallFact[]): boolean {
  const tryId = getTryIdOfCatch(file, outcome.catchId);
  return logCalls.some(
    (call) =>
      isLoggedBefore(call, outcome, tryId) &&
      (outcome.check === null || call.range.startLine >= outcome.check.range.startLine),
  );
}

function findDenialCandidates(file: FileModel, names: NameTables, logging: LoggingIndex): Candidate[] {
  const loginOutcomeRanges = new Set(
    findAuthenticationOutcomes(file, names).map((outcome) => rangeKey(outcome.range)),
  );
  const family = getLanguageFamily(file.language);
  const candidates: Candidate[] = [];
  for (const denial of findDenials(file, names)) {
    if (denial.functionId === 0 || loginOutcomeRanges.has(rangeKey(denial.range))) {
      continue;
    }
    const fn = getFunction(file, denial.functionId);
    // Skip: the error handler that turns a denial into a response is the central place itself.
    if (fn.isErrorHandler || isAudited(file, fn, names) || isDenialLogged(file, denial, fn, logging)) {
      continue;
    }
    const name = describeFunction(file, fn);
    candidates.push({
      messageId: 'denialNotLogged',
      data: { status: String(denial.status), denial: denial.label, name },
      range: denial.range,
      functionName: name,
      ...(denial.form === 'raise'
        ? { raised: { status: denial.status, exception: denial.exception, family } }
        : {}),
    });
  }
  return candidates;
}

function isDenialLogged(file: FileModel, denial: Denial, fn: FunctionFact, logging: LoggingIndex): boolean {
  const tryId = getTryIdOfCatch(file, denial.catchId);
  return getLogCalls(file, fn, logging).some((call) => isLoggedBefore(call, denial, tryId));
}

function findPrivilegedCandidates(file: FileModel, names: NameTables, logging: LoggingIndex): Candidate[] {
  const candidates: Candidate[] = [];
  for (const fn of file.functions) {
    if (!fn.isRequestHandler || fn.classBases.some((base) => SELF_AUDITING_BASES.test(base))) {
      continue;
    }
    const context = getSecurityContext(file, fn.id, names);
    if (context?.isLogin || !isMutatingHandler(file, fn, context?.routes ?? [])) {
      continue;
    }
    const evidence = getPrivilegeEvidence(file, fn, names, context?.routes ?? []);
    if (evidence === null || isAudited(file, fn, names) || getLogCalls(file, fn, logging).length > 0) {
      continue;
    }
    const name = describeFunction(file, fn);
    candidates.push({ messageId: 'privilegedNotLogged', data: { name, evidence }, range: fn.nameRange, functionName: name });
  }
  return candidates;
}

/** Returns why a handler is privileged, as a message quotes it, or null. */
function getPrivilegeEvidence(file: FileModel, fn: FunctionFact, names: NameTables, routes: RouteFact[]): string | null {
  const context = getSecurityContext(file, fn.id, names);
  const signal = context?.signals.find((candidate) => candidate.kind === 'privileged');
  if (signal) {
    return describeSignal(signal.source, signal.evidence);
  }
  // Changing roles or permissions is privileged even when no admin check is visible.
  for (const route of routes) {
    if (route.path !== null && getPathWords(route.path).some((word) => PRIVILEGE_OBJECT_WORDS.has(word))) {
      return `route \`${route.path}\``;
    }
  }
  const name = getFunctionName(file, fn);
  if (name !== null && splitWords(name).some((word) => PRIVILEGE_OBJECT_WORDS.has(word))) {
    return 'it changes roles or permissions';
  }
  return null;
}

function describeSignal(source: string, evidence: string): string {
  switch (source) {
    case 'route':
      return `route \`${evidence}\``;
    case 'guard':
      return `checks \`${evidence}\``;
    case 'class':
      return `class \`${evidence}\``;
    case 'parameter':
      return `depends on \`${evidence}\``;
    case 'name':
      return `named \`${evidence}\``;
    default:
      return `\`${evidence}\``;
  }
}

/**
 * True for PUT, PATCH and DELETE handlers, and for POST handlers whose name or path says they
 * change something (`create_user`, `/users/:id/ban`). Skip: an admin-only POST that renders an
 * email preview or sends a test email changes nothing.
 */
function isMutatingHandler(file: FileModel, fn: FunctionFact, routes: RouteFact[]): boolean {
  const methods = routes.flatMap((route) => route.methods);
  if (methods.some((method) => method !== 'POST' && MUTATING_METHODS.has(method))) {
    return true;
  }
  // Next.js pages and `app.all` handlers branch on the method: `if (req.method === 'DELETE')`.
  if ((methods.length === 0 || methods.includes('*')) && hasMutatingMethodCheck(file, fn)) {
    return true;
  }
  if (routes.length > 0 && !methods.includes('POST')) {
    return false;
  }
  if (routes.length === 0 && fn.name !== null && MUTATING_VIEW_METHODS.has(fn.name) && fn.name !== 'post') {
    return true;
  }
  const name = getFunctionName(file, fn);
  const words = [
    ...(name === null ? [] : splitWords(name)),
    ...(fn.className === null ? [] : splitWords(fn.className)),
    ...routes.flatMap((route) => (route.path === null ? [] : getPathWords(route.path))),
  ];
  return (name === null && routes.length > 0) || words.some((word) => CHANGE_VERBS.has(word) || PRIVILEGE_OBJECT_WORDS.has(word));
}

function hasMutatingMethodCheck(file: FileModel, fn: FunctionFact): boolean {
  const check = /\bmethod\s*(?:===?|!==?)\s*['"](?:POST|PUT|PATCH|DELETE)['"]/;
  return [...file.calls, ...file.responses].some(
    (fact) => fact.functionId === fn.id && fact.guards.some((guard) => check.test(guard)),
  );
}

function findSensitiveAccessCandidates(file: FileModel, options: Options, logging: LoggingIndex): Candidate[] {
  if (options.sensitiveResources.length === 0) {
    return [];
  }
  const candidates: Candidate[] = [];
  for (const fn of file.functions) {
    if (!fn.isRequestHandler || getLogCalls(file, fn, logging).length > 0) {
      continue;
    }
    const routes = file.routes.filter((route) => route.handlerId === fn.id);
    const name = describeFunction(file, fn);
    const resource = options.sensitiveResources.find((entry) => matchesResource(entry, name, routes));
    if (resource !== undefined) {
      candidates.push({
        messageId: 'sensitiveAccessNotLogged',
        data: { resource, name },
        range: fn.nameRange,
        functionName: name,
        severity: 'medium',
      });
    }
  }
  return candidates;
}

/** Matches a resource entry: a path prefix (`/api/customers`) or words of a name (`customer`, `medical_record`). */
function matchesResource(entry: string, name: string, routes: RouteFact[]): boolean {
  if (entry.startsWith('/')) {
    return routes.some((route) => route.path !== null && route.path.startsWith(entry));
  }
  const wanted = splitWords(entry);
  const hasWords = (words: string[]) =>
    words.some((_, start) => wanted.every((word, offset) => stem(words[start + offset] ?? '') === stem(word)));
  return hasWords(splitWords(name)) || routes.some((route) => route.path !== null && hasWords(getPathWords(route.path)));
}

function stem(word: string): string {
  return word.endsWith('s') ? word.slice(0, -1) : word;
}

/** Routes that point at a handler in another file, with the evidence that they are privileged changes. */
function findImportedHandlerRoutes(file: FileModel, names: NameTables): ImportedHandlerRoute[] {
  const routes: ImportedHandlerRoute[] = [];
  for (const route of file.routes) {
    const method = route.methods.find((candidate) => MUTATING_METHODS.has(candidate));
    if (route.handlerId !== null || route.handlerName === null || method === undefined) {
      continue;
    }
    if (route.middleware.some((middleware) => isAuditingWrapper(middleware, names))) {
      continue;
    }
    const middleware = route.middleware.find((candidate) => isPrivilegedMiddleware(candidate, names));
    const pathWords = route.path === null ? [] : getPathWords(route.path);
    const isAdminPath = pathWords.some((word) => names.privilegeMarkers.includes(word));
    if (middleware) {
      routes.push({ handlerName: route.handlerName, method, evidence: `\`${middleware.expr?.text ?? middleware.path}\`` });
    } else if (isAdminPath || hasPrivilegeMarker(route.handlerName, names)) {
      routes.push({ handlerName: route.handlerName, method, evidence: `route \`${route.path ?? route.handlerName}\`` });
    }
  }
  return routes;
}

function listFunctions(
  file: FileModel,
  names: NameTables,
  logging: LoggingIndex,
): Pick<Summary, 'silentFunctions' | 'loggingFunctions'> {
  const silentFunctions: Summary['silentFunctions'] = [];
  const loggingFunctions: string[] = [];
  for (const fn of file.functions) {
    const name = getFunctionName(file, fn);
    if (name === null || (fn.parentId !== 0 && fn.className === null)) {
      continue;
    }
    if (getLogCalls(file, fn, logging).length > 0 || isAudited(file, fn, names)) {
      loggingFunctions.push(name);
    } else {
      silentFunctions.push({ name, range: fn.nameRange });
    }
  }
  return { silentFunctions, loggingFunctions };
}

/**
 * Reports privileged routes whose handler lives in another file and logs nothing there. The
 * handler is found by name; a name defined more than once in the project is skipped.
 */
function reportImportedHandlers(
  summaries: { path: string; summary: Summary }[],
  context: RuleContext,
): void {
  const definitions = new Map<string, { path: string; range: Range | null }[]>();
  for (const { path, summary } of summaries) {
    for (const fn of summary.silentFunctions) {
      definitions.set(fn.name, [...(definitions.get(fn.name) ?? []), { path, range: fn.range }]);
    }
    for (const name of summary.loggingFunctions) {
      definitions.set(name, [...(definitions.get(name) ?? []), { path, range: null }]);
    }
  }
  const reported = new Set<string>();
  for (const { summary } of summaries) {
    for (const route of summary.importedRoutes) {
      const name = route.handlerName.split('.').pop()!;
      const found = definitions.get(name);
      const definition = found?.length === 1 ? found[0]! : null;
      if (definition === null || definition.range === null) {
        continue;
      }
      const key = `${definition.path}:${name}`;
      if (reported.has(key)) {
        continue;
      }
      reported.add(key);
      context.report({
        messageId: 'privilegedNotLogged',
        data: { name, evidence: `${route.method} with ${route.evidence}` },
        range: definition.range,
        path: definition.path,
        functionName: name,
      });
    }
  }
}

/** Log calls of a function and of the callbacks defined inside it (`db.transaction(() => log(...))`). */
function getLogCalls(file: FileModel, fn: FunctionFact, logging: LoggingIndex) {
  const own = logging.callsByFunction.get(fn.id) ?? [];
  const nested = file.functions
    .filter((candidate) => candidate.parentId === fn.id)
    .flatMap((child) => logging.callsByFunction.get(child.id) ?? []);
  return nested.length === 0 ? own : [...own, ...nested];
}

/** True when an auditing decorator, interceptor or route middleware wraps the function. */
function isAudited(file: FileModel, fn: FunctionFact, names: NameTables): boolean {
  if ([...fn.decorators, ...fn.classDecorators].some((decorator) => isAuditingWrapper(decorator, names))) {
    return true;
  }
  return file.routes.some(
    (route) => route.handlerId === fn.id && route.middleware.some((middleware) => isAuditingWrapper(middleware, names)),
  );
}

function getTryIdOfCatch(file: FileModel, catchId: number | null): number | undefined {
  return catchId === null ? undefined : file.catches.find((candidate) => candidate.id === catchId)?.tryId;
}

function rangeKey(range: Range): string {
  return `${range.startLine}:${range.startColumn}:${range.endLine}:${range.endColumn}`;
}
