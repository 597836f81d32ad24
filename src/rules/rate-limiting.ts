import { resolveRoutes, summarizeRoutes, type ResolvedRoute, type RouteFileSummary } from '../model/routes/index.js';
import { prefixCovers } from '../model/routes/paths.js';
import type { Framework } from '../model/types.js';
import { describeHandler, describeLimiterRef, describeSymbol, type LimitData } from './rate-limiting/limiters.js';
import { classifyEndpoint, type EndpointKind } from './shared/endpoints.js';
import { defineRule, type RuleContext } from './types.js';

/** The limiter to suggest, per framework. */
const REMEDIES: Record<Framework, string> = {
  express: 'express-rate-limit or rate-limiter-flexible',
  koa: 'koa-ratelimit',
  fastify: '@fastify/rate-limit',
  nestjs: '`ThrottlerGuard` from @nestjs/throttler',
  hapi: 'hapi-rate-limitor',
  nextjs: 'a limiter call in the handler or in `middleware.ts`',
  flask: 'Flask-Limiter (`@limiter.limit`)',
  fastapi: 'slowapi (`@limiter.limit`)',
  starlette: 'slowapi (`@limiter.limit`)',
  django: 'django-ratelimit (`@ratelimit`)',
  drf: 'DRF `throttle_classes`',
};

const KIND_LABELS: Record<EndpointKind, string> = {
  login: 'login',
  token: 'token',
  'password-reset': 'password reset',
  'password-change': 'password change',
  registration: 'registration',
  mfa: 'MFA',
  export: 'bulk export',
  custom: 'configured',
};

export default defineRule<RouteFileSummary<LimitData>>({
  id: 'CC7.2.2',
  name: 'rate-limiting',
  criterion: 'CC7.2',
  severity: 'high',
  cwe: ['CWE-307', 'CWE-770'],
  summary: 'Require a rate limiter on login, token, password, registration, MFA and export endpoints',
  rationale:
    'Without a limit on attempts, an attacker can guess passwords, one-time codes and reset ' +
    'tokens, enumerate accounts, and scrape data through export endpoints as fast as the service ' +
    'answers. SOC 2 monitoring expects controls that stop brute force and abuse, not only logs of it.',
  remediation:
    'Put a rate limiter on the endpoint: a decorator or route middleware, or app- or router-level ' +
    'middleware mounted before the route on a prefix that covers it.',
  compliant: [
    'Flask-Limiter and slowapi: `@limiter.limit(...)`, `@limiter.shared_limit(...)`, and a ' +
      '`Limiter` with `default_limits` attached to the app (`Limiter(app, ...)`, `init_app`, ' +
      '`SlowAPIMiddleware`).',
    'django-ratelimit `@ratelimit(...)` on a view, also through `method_decorator`.',
    'DRF `throttle_classes` on a view, `@throttle_classes([...])`, and `DEFAULT_THROTTLE_CLASSES` ' +
      'in `REST_FRAMEWORK` for DRF views.',
    'express-rate-limit, express-slow-down and koa-ratelimit middleware on the route, or on the ' +
      'app or a router before the route on a covering prefix.',
    'rate-limiter-flexible: a `consume` call in the handler or in a middleware that runs before it.',
    '@fastify/rate-limit registered globally, or per route with `config: { rateLimit: {...} }`.',
    '@nestjs/throttler: `@Throttle()` on the method or controller, `ThrottlerGuard` in ' +
      '`@UseGuards`, `useGlobalGuards` or an `APP_GUARD` provider.',
    'Next.js: a limiter call in the route handler or in a `middleware.ts` whose matcher covers the route.',
    'Paths listed in the `coveredPaths` option, for limits applied at a gateway or reverse proxy.',
  ],
  aicpa: [
    {
      criterion: 'CC6.1',
      reason: 'Limiting authentication attempts protects the logical access controls against brute force.',
    },
    {
      criterion: 'CC7.2',
      reason: 'Throttling is a monitoring control that detects and stops abnormal request volumes.',
    },
    {
      criterion: 'A1.1',
      reason: 'Limits on expensive endpoints such as bulk export keep capacity for legitimate users.',
    },
  ],
  languages: ['python', 'javascript', 'typescript'],
  options: {
    endpoints: {
      type: 'array',
      items: { type: 'string' },
      description:
        'More paths or handler names to treat as sensitive, for any method.',
      default: [],
    },
    coveredPaths: {
      type: 'array',
      items: { type: 'string' },
      description:
        'Path prefixes that a gateway or reverse proxy limits; `*` matches one segment.',
      default: [],
    },
  },
  messages: {
    missingLimiter:
      '`{endpoint}` ({kind}) has no rate limiter: none on the route, its router or the app. Add {remedy}.',
    limiterSkipped: '`{endpoint}` ({kind}) opts out of rate limiting with `{optOut}`. Give it a limit of its own.',
  },
  summarize(file, context) {
    return summarizeRoutes<LimitData>(file, {
      middleware: (ref, model) => describeLimiterRef(ref, model, context.names),
      handler: (route, model) => describeHandler(route, model, context.names),
      symbol: (name, model) => describeSymbol(name, model, context.names),
    });
  },
  checkProject(_project, summaries, context) {
    const options = readOptions(context);
    const routes = resolveRoutes(summaries.map((entry) => entry.summary));
    const hasMountedLimiter = routes.some((route) =>
      route.middleware.some((covering) => covering.level === 'mount' && covering.ref.data?.effect === 'limit'),
    );
    const reported = new Set<string>();
    for (const route of routes) {
      const key = `${route.file}:${route.route.range.startLine}:${route.route.range.startColumn}`;
      if (reported.has(key)) {
        continue;
      }
      const endpoint = classifyEndpoint(
        { path: route.fullPath ?? route.route.path, handlerName: route.handlerName, methods: route.methods },
        options.endpoints,
      );
      if (!endpoint || isCoveredExternally(route, options.coveredPaths)) {
        continue;
      }
      const coverage = getCoverage(route);
      // Skip: a router mounted nowhere the scan can see may sit under a limited prefix.
      if (coverage.covered || (route.isOrphan && hasMountedLimiter)) {
        continue;
      }
      reported.add(key);
      const data = {
        endpoint: describeEndpoint(route),
        kind: KIND_LABELS[endpoint.kind],
        remedy: REMEDIES[route.framework],
        optOut: coverage.optOut ?? '',
      };
      context.report({
        messageId: coverage.optOut === null ? 'missingLimiter' : 'limiterSkipped',
        data,
        range: route.route.range,
        path: route.file,
        functionName: route.route.functionName ?? route.handlerName,
      });
    }
  },
});

interface RuleOptions {
  endpoints: string[];
  coveredPaths: string[];
}

function readOptions(context: RuleContext): RuleOptions {
  return {
    endpoints: readStringList(context.options.endpoints),
    coveredPaths: readStringList(context.options.coveredPaths),
  };
}

/**
 * Walks the middleware from the outside in: a limit covers the route and a later opt-out
 * (`@SkipThrottle()`, `config: { rateLimit: false }`, `throttle_classes = []`) removes it again.
 * A limiter call inside the handler always counts.
 */
function getCoverage(route: ResolvedRoute<LimitData>): { covered: boolean; optOut: string | null } {
  let covered = false;
  let optOut: string | null = null;
  for (const covering of route.middleware) {
    const data = covering.ref.data;
    if (!data || (data.drfOnly && route.framework !== 'drf')) {
      continue;
    }
    if (data.effect === 'limit') {
      covered = true;
      optOut = null;
    } else if (data.effect === 'optOut') {
      covered = false;
      optOut = covering.ref.path;
    }
  }
  if (route.handlerData?.effect === 'limit') {
    return { covered: true, optOut: null };
  }
  return { covered, optOut };
}

function isCoveredExternally(route: ResolvedRoute<LimitData>, coveredPaths: string[]): boolean {
  const path = route.fullPath;
  return path !== null && coveredPaths.some((prefix) => prefixCovers(prefix, path));
}

/** `POST /auth/login`, or the handler name when the path is not known. */
function describeEndpoint(route: ResolvedRoute<LimitData>): string {
  const path = route.fullPath ?? route.handlerName ?? '<unknown route>';
  const methods = route.methods.filter((method) => method !== '*');
  return methods.length > 0 ? `${methods.join(', ')} ${path}` : path;
}

function readStringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
