import { splitWords } from '../../config/names.js';
import type { FileModel, FunctionFact, RouteFact } from '../../model/types.js';
import { getHandlerWords } from '../shared/endpoints.js';

/**
 * A `probe` reports to a load balancer or orchestrator whether the service is up (`/health`,
 * `/healthz`, `/livez`, `/readyz`, `/ping`, `/status`); a `diagnostic` endpoint describes the
 * running system (`/debug`, `/info`, `/version`, `/actuator/env`).
 */
export type HealthEndpointKind = 'probe' | 'diagnostic';

/** Words that make any path segment or handler name a probe: `/api/health-check`, `healthz`. */
const PROBE_WORDS = new Set([
  'health',
  'healthz',
  'healthcheck',
  'healthchecks',
  'livez',
  'readyz',
  'startupz',
  'liveness',
  'readiness',
  'heartbeat',
]);

/** Words that make any path segment or handler name a diagnostic endpoint: `/__debug__/`, `/actuator`. */
const DIAGNOSTIC_WORDS = new Set(['debug', 'diagnostic', 'diagnostics', 'actuator', 'sysinfo']);

/**
 * Segments that are probes only on their own: `/status` and `/api/v1/status`, never
 * `/orders/<id>/status` or `/payments/status`, which report on a business object.
 */
const PLAIN_PROBE_SEGMENTS = new Set(['status', 'statusz', 'ping', 'alive', 'live', 'ready', 'up']);

/** Segments that are diagnostic endpoints only on their own: `/info`, `/api/version`, `/env`. */
const PLAIN_DIAGNOSTIC_SEGMENTS = new Set(['info', 'version', 'env', 'environment', 'system', 'runtime']);

/** Segments that may come before a plain probe segment: `/api/v1/status`, `/internal/ping`. */
const PREFIX_SEGMENTS = new Set([
  'api',
  'internal',
  'private',
  'system',
  'sys',
  'service',
  'server',
  'app',
  'ops',
  'monitoring',
  'monitor',
  'admin',
  'management',
  'manage',
  'meta',
  'utils',
  'util',
]);

/** Handler words that name the subject or the verb, not the endpoint: `get_server_status`. */
const HANDLER_FILLER_WORDS = new Set([
  'get',
  'read',
  'fetch',
  'show',
  'check',
  'handle',
  'api',
  'server',
  'system',
  'service',
  'app',
  'application',
  'simple',
  'basic',
]);

/**
 * Classifies a route or request handler as a health or diagnostic endpoint, or returns null.
 * A path with a health or diagnostic word decides. Otherwise the handler name, its class, the router
 * it is registered on (`health_bp`) and, for a route at `/`, the file name (`health.route.js`).
 */
export function classifyHealthEndpoint(
  file: FileModel,
  route: RouteFact | null,
  handler: FunctionFact | null,
): HealthEndpointKind | null {
  const path = route?.path ?? null;
  const byPath = path === null ? null : classifyHealthPath(path);
  if (byPath) {
    return byPath;
  }

  // A handler named `status` serves its path: `OrderController.status` at
  // `/orders/:id/status` is no probe. Only a health word in the name outweighs a path.
  const hasPath = path !== null && !/^\/?$/.test(path);
  const names: string[] = [];
  if (route?.handlerName) {
    names.push(route.handlerName);
  }
  if (handler?.name) {
    names.push(handler.className ? `${handler.className}.${handler.name}` : handler.name);
  }
  for (const name of names) {
    const kind = classifyHandlerName(name, hasPath);
    if (kind) {
      return kind;
    }
  }
  if (hasPath) {
    return null;
  }
  const owner = route?.owner ?? null;
  const base = file.path.slice(file.path.lastIndexOf('/') + 1).replace(/\.[^.]+$/, '');
  for (const name of [owner, base]) {
    if (name && splitWords(name).some((word) => PROBE_WORDS.has(word))) {
      return 'probe';
    }
  }
  return null;
}

/** True when a name or path contains a health word: `health_check`, `/healthz`, `readinessProbe`. */
export function hasProbeWord(text: string): boolean {
  return splitWords(text).some((word) => PROBE_WORDS.has(word));
}

/** Classifies a route path: `/healthz` and `/api/status` are probes, `/debug/config` is diagnostic. */
export function classifyHealthPath(path: string): HealthEndpointKind | null {
  const segments = path
    .split('/')
    .map((segment) => segment.replace(/^\^|\$$/g, '').toLowerCase())
    .filter((segment) => segment.length > 0);
  const words = segments.flatMap((segment) => splitWords(segment));
  if (words.some((word) => PROBE_WORDS.has(word))) {
    return 'probe';
  }
  if (words.some((word) => DIAGNOSTIC_WORDS.has(word))) {
    return 'diagnostic';
  }

  const last = segments[segments.length - 1]?.replace(/^_+|_+$/g, '');
  const isPlain = segments
    .slice(0, -1)
    .every((segment) => PREFIX_SEGMENTS.has(segment) || /^v\d+(?:\.\d+)*$/.test(segment));
  if (last === undefined || !isPlain) {
    return null;
  }
  if (PLAIN_PROBE_SEGMENTS.has(last)) {
    return 'probe';
  }
  return PLAIN_DIAGNOSTIC_SEGMENTS.has(last) ? 'diagnostic' : null;
}

/**
 * Classifies a handler name: `health_check`, `HealthController.check`, `get_status`,
 * `system_info`. With `healthWordsOnly`, names such as `status` and `info` do not count.
 */
export function classifyHandlerName(name: string, healthWordsOnly = false): HealthEndpointKind | null {
  const segments = name.split('.').filter((segment) => segment.length > 0);
  const allWords = segments.flatMap((segment) => splitWords(segment));
  if (allWords.some((word) => PROBE_WORDS.has(word))) {
    return 'probe';
  }
  if (allWords.some((word) => DIAGNOSTIC_WORDS.has(word))) {
    return 'diagnostic';
  }

  const words = getHandlerWords(name).filter((word) => !HANDLER_FILLER_WORDS.has(word));
  if (healthWordsOnly || words.length !== 1) {
    return null;
  }
  if (PLAIN_PROBE_SEGMENTS.has(words[0]!)) {
    return 'probe';
  }
  return PLAIN_DIAGNOSTIC_SEGMENTS.has(words[0]!) ? 'diagnostic' : null;
}
