import { splitWords, type NameTables } from '../../config/names.js';
import type { CallExpr, Expr, FileModel, MiddlewareRef, RouteFact } from '../../model/types.js';

/**
 * Effect of a middleware, decorator or handler on rate limiting:
 * - `limit`: it limits requests (`rateLimit({...})`, `@limiter.limit`, `ThrottlerGuard`);
 * - `optOut`: it turns a broader limit off for this route (`@SkipThrottle()`,
 *   `config: { rateLimit: false }`, `throttle_classes = []`, `@limiter.exempt`);
 * - `setup`: it sets a limiter up without limiting any route by itself (Flask-Limiter without
 *   `default_limits`, `@fastify/rate-limit` with `global: false`).
 */
export type LimitEffect = 'limit' | 'optOut' | 'setup';

export interface LimitData {
  effect: LimitEffect;
  /** True for DRF `DEFAULT_THROTTLE_CLASSES`, which apply to DRF views only. */
  drfOnly?: boolean;
}

/** Packages whose exports limit request rates. */
const LIMITER_MODULES = new Set([
  'express-rate-limit',
  'express-slow-down',
  'express-brute',
  'rate-limiter-flexible',
  '@fastify/rate-limit',
  'fastify-rate-limit',
  'koa-ratelimit',
  'koa2-ratelimit',
  '@nestjs/throttler',
  'hapi-rate-limitor',
  '@upstash/ratelimit',
  'flask_limiter',
  'slowapi',
  'django_ratelimit',
  'ratelimit',
  'fastapi_limiter',
]);

/** Names that switch a broader limit off for one route or view. */
const OPT_OUTS = new Set(['SkipThrottle', 'limiter.exempt', 'exempt']);

/** Module set-up calls that configure a limiter but guard nothing: `ThrottlerModule.forRoot`. */
const SETUP_METHODS = new Set(['forRoot', 'forRootAsync', 'init_app', 'register']);

/** Methods of limiter objects that count one request: rate-limiter-flexible `consume`, Upstash `limit`. */
const LIMITER_CALL_METHODS = new Set(['consume', 'limit', 'check', 'hit', 'penalty', 'take']);

/**
 * Describes a middleware reference, or returns null when it has nothing to do with rate
 * limiting. Local bindings are followed one step: `const authLimiter = rateLimit({...})`.
 */
export function describeLimiterRef(ref: MiddlewareRef, file: FileModel, names: NameTables): LimitData | null {
  const path = ref.path;
  const last = path.split('.').pop() ?? path;
  if (OPT_OUTS.has(path) || OPT_OUTS.has(last)) {
    return isSkipDisabled(ref.expr) ? null : { effect: 'optOut' };
  }
  if (path === 'config.rateLimit') {
    // Skip: `config: { rateLimit: false }` turns @fastify/rate-limit off for the route.
    return ref.expr?.kind === 'literal' && ref.expr.value === false ? { effect: 'optOut' } : { effect: 'limit' };
  }

  if (last === 'throttle_classes') {
    return describeThrottleClasses(ref.expr);
  }
  if (last === 'Limiter' || last === 'SlowAPIMiddleware') {
    return describeFlaskLimiter(ref.expr, file);
  }
  if (isFastifyRateLimitPlugin(ref, file)) {
    return hasEntry(ref.expr, 'global', false) ? { effect: 'setup' } : { effect: 'limit' };
  }
  if (isDrfThrottleClass(path)) {
    return { effect: 'limit', drfOnly: true };
  }

  if (SETUP_METHODS.has(last) && path.includes('.')) {
    return null;
  }
  if (ref.expr?.kind === 'function') {
    return containsLimiterCall(file, ref.expr.functionId, names) ? { effect: 'limit' } : null;
  }
  if (isLimiterName(path, names) || isImportedLimiter(path, file)) {
    return { effect: 'limit' };
  }
  if (ref.expr?.kind === 'call' && isLimiterCall(ref.expr, file, names)) {
    return { effect: 'limit' };
  }
  if (ref.expr?.kind === 'call' && ref.expr.arguments.some((argument) => isLimiterExpr(argument.value, file, names))) {
    // `@method_decorator(ratelimit(key='ip', rate='5/m'), name='post')`.
    return { effect: 'limit' };
  }
  return describeSymbol(path, file, names);
}

/**
 * Describes a module-level name: a binding to a limiter (`const authLimiter = rateLimit(...)`)
 * or a function that counts requests with a limiter (`rateLimiter.consume(req.ip)`).
 */
export function describeSymbol(name: string, file: FileModel, names: NameTables): LimitData | null {
  const binding = file.bindings.find((candidate) => candidate.functionId === 0 && candidate.name === name);
  if (binding && isLimiterExpr(binding.value, file, names)) {
    return { effect: 'limit' };
  }
  const fn = file.functions.find((candidate) => candidate.parentId === 0 && candidate.name === name);
  if (fn && containsLimiterCall(file, fn.id, names)) {
    return { effect: 'limit' };
  }
  if (binding?.value.kind === 'function' && containsLimiterCall(file, binding.value.functionId, names)) {
    return { effect: 'limit' };
  }
  return null;
}

/** Describes a route's handler: a limiter call inside it counts as a limit on the route. */
export function describeHandler(route: RouteFact, file: FileModel, names: NameTables): LimitData | null {
  if (route.handlerId === null) {
    return null;
  }
  return containsLimiterCall(file, route.handlerId, names) ? { effect: 'limit' } : null;
}

/** True when a name reads as a limiter: a table entry, or words such as `authLimiter`, `throttle`. */
export function isLimiterName(path: string, names: NameTables): boolean {
  const last = path.split('.').pop() ?? path;
  if (names.limiters.includes(path) || (names.limiters.includes(last) && last !== 'limit')) {
    return true;
  }
  const words = splitWords(path);
  return (
    words.some((word) => /^(?:limiter|ratelimit|ratelimiter|throttle|throttler|throttling|slowdown)$/.test(word)) ||
    words.some((word, index) => word === 'rate' && /^limit/.test(words[index + 1] ?? '')) ||
    words.some((word, index) => word === 'slow' && words[index + 1] === 'down')
  );
}

function isLimiterExpr(expr: Expr, file: FileModel, names: NameTables): boolean {
  let current = expr;
  while (current.kind === 'other' && current.children.length === 1) {
    current = current.children[0]!;
  }
  if (current.kind === 'call') {
    return isLimiterCall(current, file, names);
  }
  return false;
}

/** Checks for a call that creates or applies a limiter, or counts a request against one. */
function isLimiterCall(call: CallExpr, file: FileModel, names: NameTables): boolean {
  const path = call.calleePath;
  if (path === null) {
    return false;
  }
  const segments = path.split('.');
  const method = segments[segments.length - 1]!;
  if (segments.length > 1 && LIMITER_CALL_METHODS.has(method)) {
    const receiver = segments.slice(0, -1).join('.');
    return isLimiterName(receiver, names) || isImportedLimiter(segments[0]!, file) || isBoundToLimiter(receiver, file);
  }
  return isLimiterName(path, names) || isImportedLimiter(path, file);
}

/**
 * True when the first name of `path` is imported from a rate-limiting package. Helpers such as
 * `get_remote_address` come from those packages too but compute a key, so they do not count.
 */
function isImportedLimiter(path: string, file: FileModel): boolean {
  const head = path.split('.')[0]!;
  if (/address|ip$|key/i.test(head)) {
    return false;
  }
  return getLimiterImports(file).has(head);
}

const limiterImports = new WeakMap<FileModel, Set<string>>();

/** Local names imported from rate-limiting packages, gathered once per file. */
function getLimiterImports(file: FileModel): Set<string> {
  let locals = limiterImports.get(file);
  if (!locals) {
    locals = new Set();
    for (const fact of file.imports) {
      if (LIMITER_MODULES.has(fact.module) || LIMITER_MODULES.has(fact.module.split('.')[0]!)) {
        for (const name of fact.names) {
          locals.add(name.local);
        }
      }
    }
    limiterImports.set(file, locals);
  }
  return locals;
}

/** True when `name` is bound at module level to a limiter from a package: `new RateLimiterRedis(...)`. */
function isBoundToLimiter(name: string, file: FileModel): boolean {
  const binding = file.bindings.find((candidate) => candidate.functionId === 0 && candidate.name === name);
  let value = binding?.value;
  while (value?.kind === 'other' && value.children.length === 1) {
    value = value.children[0];
  }
  return value?.kind === 'call' && value.calleePath !== null && isImportedLimiter(value.calleePath, file);
}

/** True when a function, or a function nested in it, calls a limiter. */
function containsLimiterCall(file: FileModel, functionId: number, names: NameTables): boolean {
  const inside = new Set([functionId]);
  for (const fn of file.functions) {
    if (inside.has(fn.parentId)) {
      inside.add(fn.id);
    }
  }
  return file.calls.some((fact) => inside.has(fact.functionId) && isLimiterCall(fact.call, file, names));
}

/** Describes DRF `throttle_classes`: a list of classes limits, and an empty list opts the view out. */
function describeThrottleClasses(expr: Expr | null): LimitData {
  let value = expr;
  if (value?.kind === 'call') {
    value = value.arguments[0]?.value ?? null;
  }
  return value?.kind === 'array' && value.items.length === 0 ? { effect: 'optOut' } : { effect: 'limit' };
}

/**
 * Flask-Limiter and slowapi limit every route only with `default_limits` (or
 * `application_limits`); otherwise only decorated routes are limited. When the `Limiter(...)`
 * call is not in this file, the middleware is taken as limiting.
 */
function describeFlaskLimiter(expr: Expr | null, file: FileModel): LimitData {
  const calls: CallExpr[] = [];
  if (expr?.kind === 'call' && expr.calleePath?.split('.').pop() === 'Limiter') {
    calls.push(expr);
  } else {
    for (const fact of file.calls) {
      if (fact.call.calleePath?.split('.').pop() === 'Limiter') {
        calls.push(fact.call);
      }
    }
  }
  if (calls.length === 0) {
    return { effect: 'limit' };
  }
  const hasDefaults = calls.some((call) =>
    call.arguments.some((argument) => {
      if (argument.name !== 'default_limits' && argument.name !== 'application_limits') {
        return false;
      }
      return argument.value.kind !== 'array' || argument.value.items.length > 0;
    }),
  );
  return hasDefaults ? { effect: 'limit' } : { effect: 'setup' };
}

function isFastifyRateLimitPlugin(ref: MiddlewareRef, file: FileModel): boolean {
  if (ref.path === '@fastify/rate-limit' || ref.path === 'fastify-rate-limit') {
    return true;
  }
  const head = ref.path.split('.')[0];
  return file.imports.some(
    (fact) =>
      (fact.module === '@fastify/rate-limit' || fact.module === 'fastify-rate-limit') &&
      fact.names.some((name) => name.local === head),
  );
}

function isDrfThrottleClass(path: string): boolean {
  return /(?:^|\.)\w*(?:RateThrottle|Throttle)$/.test(path) && path.includes('.');
}

/** `@SkipThrottle(false)` and `@SkipThrottle({ default: false })` keep the limit on. */
function isSkipDisabled(expr: Expr | null): boolean {
  if (expr?.kind !== 'call') {
    return false;
  }
  const first = expr.arguments[0]?.value;
  if (first?.kind === 'literal') {
    return first.value === false;
  }
  return first?.kind === 'object' && first.entries.every((entry) => entry.value.kind === 'literal' && entry.value.value === false);
}

function hasEntry(expr: Expr | null, key: string, value: boolean): boolean {
  if (expr?.kind !== 'object') {
    return false;
  }
  return expr.entries.some((entry) => entry.key === key && entry.value.kind === 'literal' && entry.value.value === value);
}
