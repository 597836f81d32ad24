import type { NameTables } from '../config/names.js';
import type { FileModel, FunctionFact, Range, RouteFact } from '../model/types.js';
import { findCheckEvidence, findCheckWords, type CheckEvidence } from './anomaly-detection/check-evidence.js';
import { findServiceAnchor, findServiceFacts, isNonServicePath, type ServiceFacts } from './shared/app-entry-points.js';
import { classifyEndpoint, getHandlerWords, getPathWords, type EndpointInput } from './shared/endpoints.js';
import { isCredentialCheck } from './shared/security-context.js';
import { isWithinFunction } from './shared/function-scopes.js';
import { defineRule, type FileSummary } from './types.js';

/** How far the project check follows calls by name from a handler to a function that runs a check. */
const CALL_DEPTH = 3;
const MAX_CALLEES = 200;

/** A login or bulk-export handler and what it calls. */
interface HandlerSummary {
  kind: 'login' | 'export';
  /** Method and path (`POST /api/login`) or the handler name. */
  endpoint: string;
  functionName: string | null;
  range: Range;
  /** True when the handler itself, its route middleware or decorators run a check. */
  hasCheck: boolean;
  /** Last segments of the callees of the handler and its nested functions. */
  callees: string[];
  /**
   * For a route to a handler of another file (`router.post('/login', authController.login)`),
   * the name the handler is defined under: `login`.
   */
  reference: string | null;
}

interface AnomalySummary {
  /** The first checks of this file, for the project verdict and for messages. */
  checks: string[];
  /** Names of functions of this file whose body runs a check. */
  checkingFunctions: string[];
  /** Callee names of each named function, to follow calls by name across files. */
  calls: Record<string, string[]>;
  handlers: HandlerSummary[];
  /** Functions that verify a password: where a project without login routes logs users in. */
  credentialChecks: { functionName: string | null; range: Range }[];
  /** App entry points and served routes, which make the project a service. */
  service: ServiceFacts | null;
}

export default defineRule<AnomalySummary>({
  id: 'CC7.3.1',
  name: 'anomaly-detection',
  criterion: 'CC7.3',
  severity: 'medium',
  cwe: ['CWE-778'],
  summary: 'Require anomaly or risk checks on login and bulk-export paths',
  rationale:
    'Compromised accounts and insider data theft rarely break a rule: the password is right and ' +
    'the user may export. They show up as anomalies, such as a login from a new device or ' +
    'country or an export far larger than usual. A service that never compares logins or ' +
    'exports with a baseline cannot detect them, and an auditor finds no evaluation of security events.',
  remediation:
    'On login, compare the device, IP address and location with the login history or call a ' +
    'risk-scoring service, and step up authentication or alert when they differ. On bulk ' +
    'export, compare the volume with a per-user baseline or threshold and alert or block above it.',
  compliant: [
    'A login or export handler that calls a detector or risk-scoring function (`detect_anomaly`, `risk_score`, `assess_risk`, `is_suspicious`, a fraud or risk service client such as Sift or MaxMind minFraud).',
    'Login history comparisons: names or conditions with `known_device`, `new_device`, `new_location`, `new_ip`, `last_login_ip`, `login_history`, `impossible_travel`, `geoip`.',
    'An export handler that compares a count or size with a threshold, limit or baseline (`if count > EXPORT_THRESHOLD`).',
    'A check in a function the handler calls, followed by name up to three calls deep and across files.',
    'A check in route middleware or a decorator whose name contains one of the recognized words.',
  ],
  aicpa: [
    {
      criterion: 'CC7.2',
      reason: 'Anomaly checks monitor system components for behavior that indicates an attack.',
    },
    {
      criterion: 'CC7.3',
      reason: 'Risk scores and baselines evaluate security events to decide whether they are incidents.',
    },
  ],
  languages: ['python', 'javascript', 'typescript'],
  messages: {
    noAnomalyDetection:
      'This service runs no anomaly or risk check on logins or exports, so a stolen account goes unnoticed. The rule looked for {lookedFor}. Add one to {handler}.',
    missingLoginCheck:
      '{handler} runs no anomaly or risk check, such as a new-device, new-location or risk-score check. Call one here, as `{example}` does elsewhere.',
    missingExportCheck:
      '{handler} runs no anomaly or volume check on what it exports. Compare the export size with a threshold or baseline, or call a detector such as `{example}`.',
  },
  // No prefilter: the project check follows calls by function name across files, up to four
  // hops from a handler to a check, and a file in the middle of that chain need contain no word
  // the rule recognizes. Skipping it would turn a covered handler into a false finding.
  summarize(file, context) {
    return summarizeFile(file, context.names);
  },
  checkProject(_project, summaries, context) {
    const handlers = summaries.flatMap((entry) =>
      entry.summary.handlers.map((handler) => ({ path: entry.path, handler })),
    );
    const examples = summaries.flatMap((entry) => entry.summary.checks);

    if (examples.length === 0) {
      // A library or a framework's own source leaves anomaly checks to the service that uses it.
      const services = summaries.map(({ path, summary }) => ({ path, facts: summary.service }));
      const anchor = findServiceAnchor(services) === null ? null : findProjectAnchor(summaries);
      if (anchor !== null) {
        context.report({
          messageId: 'noAnomalyDetection',
          data: {
            lookedFor:
              'detector and risk-score calls, new-device, new-location and login-history comparisons, and export volume thresholds',
            handler: anchor.description,
          },
          path: anchor.path,
          range: anchor.range,
          functionName: anchor.functionName,
        });
      }
      return;
    }

    const checking = followCalls(summaries, summaries.flatMap((entry) => entry.summary.checkingFunctions));
    const definedHandlers = new Set(handlers.map(({ handler }) => handler.functionName).filter((name) => name !== null));
    for (const { path, handler } of handlers) {
      // A Django URLconf entry for a view that is reported in its own file.
      if (handler.reference !== null && definedHandlers.has(handler.reference)) {
        continue;
      }
      if (isCovered(handler, checking)) {
        continue;
      }
      context.report({
        messageId: handler.kind === 'login' ? 'missingLoginCheck' : 'missingExportCheck',
        data: { handler: describeHandler(handler), example: examples[0]! },
        path,
        range: handler.range,
        functionName: handler.functionName,
      });
    }
  },
});

function summarizeFile(file: FileModel, names: NameTables): AnomalySummary {
  const isService = !isNonServicePath(file.path);
  const summary: AnomalySummary = {
    checks: [],
    checkingFunctions: [],
    calls: {},
    handlers: [],
    credentialChecks: [],
    service: findServiceFacts(file),
  };
  if (!isService) {
    return summary;
  }

  const handlers = findHandlers(file);
  const exportHandlerIds = new Set(handlers.filter((found) => found.kind === 'export').map((found) => found.fn.id));
  // A size-versus-limit comparison is a volume check only where data is exported.
  const evidence = findCheckEvidence(file, names).filter(
    (found) => found.source !== 'volume' || exportHandlerIds.has(found.functionId),
  );
  summary.checks = [...new Set(evidence.map((found) => found.evidence))].slice(0, 3);

  const functionsById = new Map(file.functions.map((fn) => [fn.id, fn]));
  const runningChecks = new Set(evidence.filter((found) => found.source !== 'definition').map((found) => found.functionId));
  for (const functionId of runningChecks) {
    const name = functionsById.get(functionId)?.name;
    if (name) {
      summary.checkingFunctions.push(name);
    }
  }
  const calleesById = collectCallees(file);
  for (const fn of file.functions) {
    const callees = [...(calleesById.get(fn.id) ?? [])];
    if (fn.name && callees.length > 0) {
      // `constructor` and `toString` are method names, so only own keys of `calls` count.
      const known = Object.hasOwn(summary.calls, fn.name) ? summary.calls[fn.name]! : [];
      summary.calls[fn.name] = [...new Set([...known, ...callees])].slice(0, MAX_CALLEES);
    }
  }

  for (const { fn, kind, routes } of handlers) {
    summary.handlers.push({
      kind,
      endpoint: describeEndpoint(fn, routes),
      functionName: fn.name,
      range: fn.nameRange,
      hasCheck: hasDirectCheck(file, fn, routes, evidence, names),
      callees: [...(calleesById.get(fn.id) ?? [])].slice(0, MAX_CALLEES),
      reference: null,
    });
  }
  summary.handlers.push(...findReferencedHandlers(file, names));
  for (const fact of file.calls) {
    if (isCredentialCheck(fact.call, names)) {
      const fn = functionsById.get(fact.functionId);
      summary.credentialChecks.push({ functionName: fn?.name ?? null, range: fn?.nameRange ?? fact.range });
    }
  }
  return summary;
}

interface FoundHandler {
  fn: FunctionFact;
  kind: 'login' | 'export';
  routes: RouteFact[];
}

/**
 * Finds login and bulk-export request handlers by route path and handler name, with the shared
 * endpoint classifier. Token endpoints count as logins unless they only refresh a token.
 */
function findHandlers(file: FileModel): FoundHandler[] {
  const found: FoundHandler[] = [];
  for (const fn of file.functions) {
    const routes = file.routes.filter((route) => route.handlerId === fn.id);
    if (!fn.isRequestHandler && routes.length === 0) {
      continue;
    }
    const handlerName = fn.className ? `${fn.className}.${fn.name ?? ''}` : fn.name;
    const inputs = routes.length > 0
      ? routes.map((route) => ({ path: route.path, handlerName: route.handlerName ?? handlerName, methods: route.methods }))
      : [{ path: null, handlerName, methods: [] }];
    const kind = inputs.map(getHandlerKind).find((candidate) => candidate !== null);
    if (kind) {
      found.push({ fn, kind, routes });
    }
  }
  return found;
}

/** Login (including token endpoints that are not refreshes) or export, by the shared classifier. */
function getHandlerKind(input: EndpointInput): 'login' | 'export' | null {
  const endpoint = classifyEndpoint(input);
  if (endpoint === null) {
    return null;
  }
  if (endpoint.kind === 'export') {
    return 'export';
  }
  const words = [
    ...(input.path ? getPathWords(input.path) : []),
    ...(input.handlerName ? getHandlerWords(input.handlerName) : []),
  ];
  return endpoint.kind === 'login' || (endpoint.kind === 'token' && !words.includes('refresh')) ? 'login' : null;
}

/**
 * Login and export routes whose handler is defined in another file: `router.post('/login',
 * validate(schema), authController.login)`, `path('login/', LoginView.as_view())`.
 */
function findReferencedHandlers(file: FileModel, names: NameTables): HandlerSummary[] {
  const found: HandlerSummary[] = [];
  for (const route of file.routes) {
    if (route.handlerId !== null || route.handlerName === null) {
      continue;
    }
    const kind = getHandlerKind({ path: route.path, handlerName: route.handlerName, methods: route.methods });
    if (kind === null) {
      continue;
    }
    const segments = route.handlerName.split('.').filter((segment) => segment !== 'as_view');
    const middleware = route.middleware.map((ref) => ref.expr?.text ?? ref.path);
    found.push({
      kind,
      endpoint: describeRoute(route) ?? route.handlerName,
      functionName: null,
      range: route.range,
      hasCheck: middleware.some((text) => findCheckWords(text, names) !== null),
      callees: [],
      reference: segments[segments.length - 1] ?? null,
    });
  }
  return found;
}

/** True when the handler, a function nested in it, its route middleware or its decorators run a check. */
function hasDirectCheck(
  file: FileModel,
  fn: FunctionFact,
  routes: RouteFact[],
  evidence: CheckEvidence[],
  names: NameTables,
): boolean {
  if (evidence.some((found) => found.source !== 'definition' && isWithinFunction(file, found.functionId, fn.id))) {
    return true;
  }
  const attached = [
    ...routes.flatMap((route) => route.middleware.map((middleware) => middleware.expr?.text ?? middleware.path)),
    ...fn.decorators.map((decorator) => decorator.path),
  ];
  return attached.some((text) => findCheckWords(text, names) !== null);
}

/** Callee names (last segment) of every function, including the calls of functions nested in it. */
function collectCallees(file: FileModel): Map<number, Set<string>> {
  const parents = new Map(file.functions.map((fn) => [fn.id, fn.parentId]));
  const callees = new Map<number, Set<string>>();
  for (const fact of file.calls) {
    const path = fact.call.calleePath;
    if (path === null) {
      continue;
    }
    const name = path.slice(path.lastIndexOf('.') + 1);
    let current: number | undefined = fact.functionId;
    for (let depth = 0; depth < 32 && current !== undefined && current !== 0; depth++) {
      let set = callees.get(current);
      if (!set) {
        set = new Set();
        callees.set(current, set);
      }
      set.add(name);
      current = parents.get(current);
    }
  }
  return callees;
}

/**
 * Adds to `names` every function that calls one of them, by name, up to `maxDepth` calls
 * deep. Names are matched across files, so two functions of the same name both count.
 */
function followCalls(
  summaries: FileSummary<AnomalySummary>[],
  names: (string | null)[],
  maxDepth = CALL_DEPTH,
): Set<string> {
  const reached = new Set(names.filter((name): name is string => name !== null));
  for (let depth = 0; depth < maxDepth; depth++) {
    let added = false;
    for (const entry of summaries) {
      for (const [name, callees] of Object.entries(entry.summary.calls)) {
        if (!reached.has(name) && callees.some((callee) => reached.has(callee))) {
          reached.add(name);
          added = true;
        }
      }
    }
    if (!added) {
      break;
    }
  }
  return reached;
}

/** True when the handler runs a check itself or calls, or is, a function that reaches one. */
function isCovered(handler: HandlerSummary, reached: Set<string>): boolean {
  return (
    handler.hasCheck ||
    (handler.functionName !== null && reached.has(handler.functionName)) ||
    handler.callees.some((callee) => reached.has(callee)) ||
    (handler.reference !== null && reached.has(handler.reference))
  );
}

/**
 * Picks where the project finding points: the first login handler, else the first export
 * handler, else the first function that verifies a password.
 */
function findProjectAnchor(
  summaries: FileSummary<AnomalySummary>[],
): { path: string; range: Range; description: string; functionName: string | null } | null {
  const sorted = [...summaries].sort((left, right) => left.path.localeCompare(right.path));
  // Prefer the password login over social and token logins: `POST /auth/email/login` calls
  // `validateLogin`, which runs `bcrypt.compare`. Only direct callees count, because generic
  // names such as `update` would otherwise connect every handler to a password check.
  const verifying = followCalls(
    summaries,
    summaries.flatMap((entry) => entry.summary.credentialChecks.map((check) => check.functionName)),
    0,
  );
  const candidates = [
    (handler: HandlerSummary) =>
      handler.kind === 'login' &&
      (handler.callees.some((callee) => verifying.has(callee)) ||
        (handler.reference !== null && verifying.has(handler.reference))),
    (handler: HandlerSummary) => handler.kind === 'login',
    (handler: HandlerSummary) => handler.kind === 'export',
  ];
  for (const isCandidate of candidates) {
    for (const entry of sorted) {
      const handler = entry.summary.handlers.find(isCandidate);
      if (handler) {
        return {
          path: entry.path,
          range: handler.range,
          description: describeHandler(handler, false),
          functionName: handler.functionName,
        };
      }
    }
  }
  for (const entry of sorted) {
    const check = entry.summary.credentialChecks[0];
    if (check) {
      const description = check.functionName ? `\`${check.functionName}\`, which verifies passwords` : 'the code that verifies passwords';
      return { path: entry.path, range: check.range, description, functionName: check.functionName };
    }
  }
  return null;
}

/** "Login handler `POST /login`", or "login handler `POST /login`" inside a sentence. */
function describeHandler(handler: HandlerSummary, capitalized = true): string {
  const noun = handler.kind === 'login' ? 'login handler' : 'export handler';
  const shown = capitalized ? `${noun[0]!.toUpperCase()}${noun.slice(1)}` : noun;
  return `${shown} \`${handler.endpoint}\``;
}

function describeEndpoint(fn: FunctionFact, routes: RouteFact[]): string {
  for (const route of routes) {
    const described = describeRoute(route);
    if (described !== null) {
      return described;
    }
  }
  return fn.className ? `${fn.className}.${fn.name ?? ''}` : (fn.name ?? 'anonymous');
}

/** "POST /api/login", or null when the path is unknown. */
function describeRoute(route: RouteFact): string | null {
  if (route.path === null) {
    return null;
  }
  const method = route.methods.length === 1 && route.methods[0] !== '*' ? `${route.methods[0]} ` : '';
  return `${method}${route.path.startsWith('/') ? route.path : `/${route.path}`}`;
}
