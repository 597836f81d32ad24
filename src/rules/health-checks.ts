import type { NameTables } from '../config/names.js';
import { getFlowIndex } from '../model/flow.js';
import type { FileModel, FunctionFact, Range, ResponseFact, RouteFact } from '../model/types.js';
import { resolveRoutes, summarizeRoutes, type RouteFileSummary } from '../model/routes/index.js';
import {
  describeAuthenticationRef,
  describeAuthenticationSymbol,
  isAuthenticated,
  type AuthenticationData,
} from './health-checks/authentication.js';
import { findExposures, type Exposure } from './health-checks/exposures.js';
import {
  classifyHealthEndpoint,
  classifyHealthPath,
  hasProbeWord,
  type HealthEndpointKind,
} from './health-checks/health-endpoints.js';
import { findDeploymentProbe, findHealthLibraryDependency } from './health-checks/project-inputs.js';
import type { ExposureKind } from './health-checks/system-names.js';
import { findServiceAnchor, findServiceFacts, isNonServicePath, type ServiceFacts } from './shared/app-entry-points.js';
import { isWithinFunction } from './shared/function-scopes.js';
import { defineRule, type FileSummary, type RuleContext, type Severity } from './types.js';

/** Message wording for each kind of exposed value. */
const EXPOSURE_LABELS: Record<ExposureKind, string> = {
  environment: 'every environment variable',
  secret: 'a secret',
  configuration: 'the whole configuration',
  host: 'an internal host or account',
  system: 'a system detail',
  dependency: 'dependency internals',
  resource: 'resource usage',
};

const EXPOSURE_SEVERITY: Record<ExposureKind, Severity> = {
  environment: 'high',
  secret: 'high',
  configuration: 'high',
  host: 'medium',
  system: 'medium',
  dependency: 'medium',
  resource: 'low',
};

/** Kinds reported even behind authentication: any signed-in user would read the secrets. */
const SECRET_KINDS = new Set<ExposureKind>(['environment', 'secret', 'configuration']);

/**
 * Kinds reported on every endpoint, not only on health and diagnostic ones: the whole environment
 * or configuration contains every secret of the service, whatever the path is called.
 */
const WHOLE_KINDS = new Set<ExposureKind>(['environment', 'configuration']);

/** Remedy of the missing-endpoint finding, by the framework of the entry point. */
const SUGGESTIONS: Record<string, string> = {
  flask: 'add a `/health` route or use flask-healthz',
  fastapi: 'add a `/health` route or use fastapi-health',
  starlette: 'add a `/health` route',
  django: 'add django-health-check or a `/health/` view',
  express: 'add a `/health` route or use @godaddy/terminus',
  koa: 'add a `/health` route or use @godaddy/terminus',
  fastify: 'add a `/health` route or use fastify-healthcheck',
  nestjs: 'add a health controller with @nestjs/terminus',
  hapi: 'add a `/health` route',
  nextjs: 'add an `app/api/health/route.ts` handler',
};

const MAX_LISTED_ITEMS = 3;

/** Per-file data for the project check. */
interface HealthSummary {
  /** App entry points and served routes, which make the project a service. */
  service: ServiceFacts | null;
  hasProbe: boolean;
  healthLibrary: string | null;
  /** Routing facts with authenticating middleware marked, to resolve guards declared in other files. */
  routes: RouteFileSummary<AuthenticationData> | null;
  exposed: ExposedResponse[];
}

/** A health or diagnostic response that reveals something. The project check reports it once it knows every guard. */
interface ExposedResponse {
  endpoint: Endpoint['kind'];
  description: string;
  functionName: string | null;
  range: Range;
  exposures: Exposure[];
  /** `line:column` of the endpoint's routes in this file, to find them among the resolved routes. */
  routeKeys: string[];
  /** True when the handler authenticates by itself: a decorator, guard, dependency or 401/403 check. */
  authenticated: boolean;
}

export default defineRule<HealthSummary>({
  id: 'CC7.5.1',
  name: 'health-checks',
  criterion: 'CC7.5',
  severity: 'medium',
  cwe: ['CWE-497', 'CWE-215'],
  summary: 'Require a health endpoint that reveals no secrets or system details',
  rationale:
    'Monitoring needs a health endpoint to tell whether the service and its dependencies are up. ' +
    'Health, status and debug endpoints are often public, so environment variables, ' +
    'configuration, host names, runtime versions or connection strings in their responses give ' +
    'an attacker credentials and a map of the system.',
  remediation:
    'Serve a liveness or readiness endpoint that returns a status, a version and per-dependency ' +
    'up/down results; keep environment variables, configuration and secrets out of every ' +
    'response, and put detailed diagnostics behind authentication.',
  compliant: [
    'A health endpoint that returns a status, a timestamp, uptime, a version string, or a status and latency per dependency.',
    'Reading a secret inside the endpoint to check a dependency (`connect(settings.DATABASE_URL)`) without returning it.',
    'Derived values: `bool(os.getenv("DATABASE_URL"))`, `len(...)`, comparisons.',
    'Host names, system details and dependency internals behind authentication: an authentication or permission decorator, middleware or guard, a guard on a router mounted in any file, a NestJS global guard or `APP_GUARD` provider, an authenticated FastAPI dependency, or a 401/403 check in the handler.',
    'Environment variables whose names are neither secrets nor hosts: `APP_VERSION`, `NODE_ENV`, `GIT_SHA`.',
    'A service with a liveness or readiness route, a health-check library (terminus, @nestjs/terminus, django-health-check, flask-healthz, fastapi-health, lightship and others), or an HTTP probe in a Dockerfile, compose file or Kubernetes manifest.',
  ],
  aicpa: [
    {
      criterion: 'CC7.2',
      reason: 'A health endpoint is how monitoring detects that the system or a dependency stopped working.',
    },
    {
      criterion: 'CC6.1',
      reason: 'Secrets and system details in public responses defeat the logical access controls around them.',
    },
    {
      criterion: 'A1.2',
      reason: 'Availability commitments need automated checks that can trigger recovery.',
    },
  ],
  languages: ['python', 'javascript', 'typescript'],
  messages: {
    secretExposure:
      '{endpoint} returns {items} to unauthenticated callers. Remove {pronoun} and return only a status and version.',
    secretExposureAuthenticated:
      '{endpoint} returns {items} to every authenticated caller. Remove {pronoun} from the response.',
    systemDetails:
      '{endpoint} returns {items} without authentication. Return only a status and version, or require authentication.',
    wholeEnvironment:
      '{endpoint} returns {items}, which contains every secret of the service. Return only the values the client needs.',
    missingHealthEndpoint:
      'This {framework} service has no health, liveness or readiness endpoint and no health-check library. To let monitoring detect outages, {suggestion}.',
  },
  check(file, context) {
    for (const endpoint of findEndpoints(file)) {
      if (endpoint.kind === null) {
        checkWholeEnvironment(file, endpoint, context);
      }
    }
  },
  summarize(file, context) {
    return summarizeFile(file, context.names);
  },
  checkProject(project, summaries, context) {
    reportExposedResponses(summaries, context);

    // A library or a framework's own source is no service and needs no health endpoint.
    const anchor = findServiceAnchor(summaries.map((entry) => ({ path: entry.path, facts: entry.summary.service })));
    if (anchor === null) {
      return;
    }
    if (summaries.some((entry) => entry.summary.hasProbe || entry.summary.healthLibrary !== null)) {
      return;
    }
    if (
      findHealthLibraryDependency(project, context.names.healthCheckLibraries) !== null ||
      findDeploymentProbe(project) !== null
    ) {
      return;
    }

    context.report({
      messageId: 'missingHealthEndpoint',
      data: {
        framework: FRAMEWORK_NAMES[anchor.framework] ?? anchor.framework,
        suggestion: SUGGESTIONS[anchor.framework] ?? 'add a `/health` route',
      },
      path: anchor.path,
      range: anchor.range,
    });
  },
});

const FRAMEWORK_NAMES: Record<string, string> = {
  flask: 'Flask',
  fastapi: 'FastAPI',
  starlette: 'Starlette',
  django: 'Django',
  express: 'Express',
  koa: 'Koa',
  fastify: 'Fastify',
  nestjs: 'NestJS',
  hapi: 'hapi',
  nextjs: 'Next.js',
};

/** A request handler of this file with its routes; `kind` is null for a handler that is neither health nor diagnostic. */
interface Endpoint {
  kind: HealthEndpointKind | null;
  handler: FunctionFact;
  routes: RouteFact[];
}

function findEndpoints(file: FileModel): Endpoint[] {
  const endpoints: Endpoint[] = [];
  const routesByHandler = new Map<number, RouteFact[]>();
  for (const route of file.routes) {
    if (route.handlerId !== null) {
      routesByHandler.set(route.handlerId, [...(routesByHandler.get(route.handlerId) ?? []), route]);
    }
  }
  for (const handler of file.functions) {
    const routes = routesByHandler.get(handler.id) ?? [];
    if (!handler.isRequestHandler && routes.length === 0) {
      continue;
    }
    const kinds = routes.length > 0
      ? routes.map((route) => classifyHealthEndpoint(file, route, handler))
      : [classifyHealthEndpoint(file, null, handler)];
    endpoints.push({ kind: kinds.find((candidate) => candidate !== null) ?? null, handler, routes });
  }
  return endpoints;
}

function findResponses(file: FileModel, handler: FunctionFact): ResponseFact[] {
  return file.responses.filter(
    (response) => response.body !== null && isWithinFunction(file, response.functionId, handler.id),
  );
}

/** Lists the responses of a health or diagnostic endpoint that reveal something, for the project check. */
function findExposedResponses(file: FileModel, endpoint: Endpoint, names: NameTables): ExposedResponse[] {
  const { handler } = endpoint;
  const responses = findResponses(file, handler);
  if (responses.length === 0) {
    return [];
  }
  const authenticated = isAuthenticated(file, handler, endpoint.routes, names);
  const index = getFlowIndex(file);
  const found: ExposedResponse[] = [];
  for (const response of responses) {
    const exposures = findExposures(file, index, response.body!, response.functionId, names).filter(
      (exposure) => !authenticated || SECRET_KINDS.has(exposure.kind),
    );
    if (exposures.length > 0) {
      found.push({
        endpoint: endpoint.kind,
        description: describeEndpoint(endpoint),
        functionName: handler.name,
        range: response.range,
        exposures,
        routeKeys: endpoint.routes.map((route) => toRouteKey(route.range)),
        authenticated,
      });
    }
  }
  return found;
}

/**
 * Reports the exposed responses of all files. An endpoint counts as authenticated when its
 * handler authenticates, or when an authenticating middleware or guard covers every resolved
 * instance of its routes, wherever that guard is declared.
 */
function reportExposedResponses(summaries: FileSummary<HealthSummary>[], context: RuleContext): void {
  if (!summaries.some((entry) => entry.summary.exposed.length > 0)) {
    return;
  }
  const coverage = new Map<string, boolean[]>();
  const routeSummaries = summaries.flatMap((entry) => (entry.summary.routes ? [entry.summary.routes] : []));
  for (const route of resolveRoutes(routeSummaries)) {
    const key = `${route.file}:${toRouteKey(route.route.range)}`;
    const covered = route.middleware.some((covering) => covering.ref.data?.authenticates === true);
    coverage.set(key, [...(coverage.get(key) ?? []), covered]);
  }
  for (const { path, summary } of summaries) {
    for (const exposed of summary.exposed) {
      const instances = exposed.routeKeys.flatMap((key) => coverage.get(`${path}:${key}`) ?? []);
      const isGuarded = instances.length > 0 && instances.every((covered) => covered);
      const authenticated = exposed.authenticated || isGuarded;
      const exposures = exposed.exposures.filter((exposure) => !authenticated || SECRET_KINDS.has(exposure.kind));
      if (exposures.length > 0) {
        reportExposures(path, exposed, exposures, authenticated, context);
      }
    }
  }
}

function toRouteKey(range: Range): string {
  return `${range.startLine}:${range.startColumn}`;
}

/** Reports a response of any endpoint that returns the whole environment or configuration. */
function checkWholeEnvironment(file: FileModel, endpoint: Endpoint, context: RuleContext): void {
  const responses = findResponses(file, endpoint.handler);
  if (responses.length === 0) {
    return;
  }
  const index = getFlowIndex(file);
  for (const response of responses) {
    const exposures = findExposures(file, index, response.body!, response.functionId, context.names).filter(
      (exposure) => WHOLE_KINDS.has(exposure.kind),
    );
    if (exposures.length > 0) {
      context.report({
        messageId: 'wholeEnvironment',
        data: { endpoint: describeEndpoint(endpoint), items: formatItems(exposures) },
        range: response.range,
        severity: 'high',
        functionName: endpoint.handler.name,
      });
    }
  }
}

function reportExposures(
  path: string,
  exposed: ExposedResponse,
  exposures: Exposure[],
  authenticated: boolean,
  context: RuleContext,
): void {
  const ordered = [...exposures].sort(
    (left, right) => SEVERITY_ORDER.indexOf(EXPOSURE_SEVERITY[left.kind]) - SEVERITY_ORDER.indexOf(EXPOSURE_SEVERITY[right.kind]),
  );
  const severity = EXPOSURE_SEVERITY[ordered[0]!.kind];
  const hasSecrets = SECRET_KINDS.has(ordered[0]!.kind);
  let messageId = 'systemDetails';
  if (hasSecrets) {
    messageId = authenticated ? 'secretExposureAuthenticated' : 'secretExposure';
  }
  context.report({
    messageId,
    data: {
      endpoint: exposed.description,
      items: formatItems(ordered),
      pronoun: ordered.length === 1 ? 'it' : 'them',
    },
    path,
    range: exposed.range,
    severity,
    functionName: exposed.functionName,
  });
}

const SEVERITY_ORDER: Severity[] = ['critical', 'high', 'medium', 'low'];

/**
 * Names the endpoint for a message: "Health endpoint `GET /health`", "Diagnostic endpoint
 * `debug_config`", "Endpoint `GET /settings`".
 */
function describeEndpoint(endpoint: Endpoint): string {
  const nouns = { probe: 'Health endpoint', diagnostic: 'Diagnostic endpoint', none: 'Endpoint' };
  const noun = nouns[endpoint.kind ?? 'none'];
  const route = endpoint.routes.find((candidate) => candidate.path !== null);
  if (route) {
    const method = route.methods.length === 1 && route.methods[0] !== '*' ? `${route.methods[0]} ` : '';
    const path = route.path!.startsWith('/') ? route.path! : `/${route.path!}`;
    return `${noun} \`${method}${path}\``;
  }
  return `${noun} \`${endpoint.handler.name ?? 'anonymous'}\``;
}

/** "`dict(os.environ)` (every environment variable), `sys.version` (a system detail) and 2 more". */
function formatItems(exposures: Exposure[]): string {
  const shown = exposures
    .slice(0, MAX_LISTED_ITEMS)
    .map((exposure) => `\`${exposure.subject}\` (${EXPOSURE_LABELS[exposure.kind]})`);
  const rest = exposures.length - shown.length;
  if (rest > 0) {
    return `${shown.join(', ')} and ${rest} more`;
  }
  return shown.length === 1 ? shown[0]! : `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

function summarizeFile(file: FileModel, names: NameTables): HealthSummary {
  const isService = !isNonServicePath(file.path);
  const endpoints = findEndpoints(file);
  return {
    service: findServiceFacts(file),
    hasProbe: isService && hasProbe(file, endpoints),
    healthLibrary: isService ? findHealthLibrary(file, names) : null,
    routes: summarizeRoutes<AuthenticationData>(file, {
      middleware: (ref) => describeAuthenticationRef(ref),
      symbol: (name) => describeAuthenticationSymbol(name),
    }),
    exposed: endpoints.flatMap((endpoint) =>
      endpoint.kind === null ? [] : findExposedResponses(file, endpoint, names),
    ),
  };
}

/** True when a route or handler of this file is a liveness, readiness or health endpoint. */
function hasProbe(file: FileModel, endpoints: Endpoint[]): boolean {
  if (endpoints.some((endpoint) => endpoint.kind === 'probe')) {
    return true;
  }
  // Routes to handlers of other files: `path('healthz/', views.healthz)` in a Django URLconf.
  if (file.routes.some((route) => route.handlerId === null && classifyHealthEndpoint(file, route, null) === 'probe')) {
    return true;
  }
  // A router mounted at a probe path: `app.use('/health', healthRouter)`.
  if (file.mounts.some((mount) => mount.prefix !== null && classifyHealthPath(mount.prefix) === 'probe')) {
    return true;
  }
  // Probes served outside the router, by middleware or a server wrapper:
  // `application = health_check(application, "/health/")`, `createTerminus(server, options)`.
  return file.calls.some((fact) => {
    const name = fact.call.calleePath?.split('.').pop() ?? null;
    if (name !== null && (hasProbeWord(name) || name === 'createTerminus')) {
      return true;
    }
    return fact.call.arguments.some(
      (argument) =>
        argument.value.kind === 'string' &&
        argument.value.value.startsWith('/') &&
        classifyHealthPath(argument.value.value) === 'probe' &&
        hasProbeWord(argument.value.value),
    );
  });
}

/**
 * Finds a health-check library this file uses: an import (`from health_check...`,
 * `import { TerminusModule } from '@nestjs/terminus'`), or a Django app or URL include named by
 * string (`'health_check.db'` in `INSTALLED_APPS`, `include('health_check.urls')`).
 */
function findHealthLibrary(file: FileModel, names: NameTables): string | null {
  const libraries = names.healthCheckLibraries;
  for (const fact of file.imports) {
    const library = libraries.find(
      (entry) => fact.module === entry || fact.module.startsWith(`${entry}.`) || fact.module.startsWith(`${entry}/`),
    );
    if (library !== undefined) {
      return library;
    }
  }
  const strings: string[] = [];
  for (const binding of file.bindings) {
    if (binding.functionId === 0 && /^(?:INSTALLED_APPS|\w*_APPS)$/.test(binding.name) && binding.value.kind === 'array') {
      strings.push(...binding.value.items.flatMap((item) => (item.kind === 'string' ? [item.value] : [])));
    }
  }
  for (const fact of file.calls) {
    if (fact.call.calleePath === 'include') {
      const first = fact.call.arguments[0]?.value;
      if (first?.kind === 'string') {
        strings.push(first.value);
      }
    }
  }
  return libraries.find((entry) => strings.some((value) => value === entry || value.startsWith(`${entry}.`))) ?? null;
}
