import type { Expr, MiddlewareRef } from '../types.js';
import type { ModelBuilder } from './context.js';
import { resolveHandler } from './handlers.js';
import { addPendingRoute, getMiddlewarePath, makeRoute } from './routes.js';

/** Exports of an App Router `route.ts` that handle an HTTP method. */
const ROUTE_HANDLER_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

const PAGES_API_PATH = /(?:^|\/)pages\/(api(?:\/.*)?)\.(?:js|jsx|ts|tsx|mjs|cjs|mts|cts)$/;
const APP_ROUTE_PATH = /(?:^|\/)app\/(?:(.*)\/)?route\.(?:js|jsx|ts|tsx|mjs|cjs|mts|cts)$/;

/** True for a Next.js API file: `pages/api/**` or an App Router `app/**\/route.ts`. */
export function isNextRouteFile(path: string): boolean {
  return PAGES_API_PATH.test(path) || APP_ROUTE_PATH.test(path);
}

/**
 * Adds the routes Next.js derives from the file path: the default export of `pages/api/x.ts`
 * serves every method of `/api/x`, and each exported `GET`, `POST`, ... of `app/x/route.ts`
 * serves its method of `/x`. A call around the handler (`export default withAuth(handler)`)
 * is listed as middleware.
 */
export function addNextRoutes(b: ModelBuilder, path: string): void {
  const pages = PAGES_API_PATH.exec(path);
  if (pages && b.defaultExport) {
    const routePath = `/${pages[1]!}`.replace(/\/index$/, '');
    addNextRoute(b, '*', routePath, b.defaultExport, true);
  }
  const app = APP_ROUTE_PATH.exec(path);
  if (!app) {
    return;
  }
  // Route groups `(name)` and parallel-route slots `@name` do not appear in the URL.
  const segments = (app[1] ?? '')
    .split('/')
    .filter(
      (segment) => segment.length > 0 && !/^\(.*\)$/.test(segment) && !segment.startsWith('@'),
    );
  const routePath = `/${segments.join('/')}`;
  for (const [exported, { local, range }] of b.exportedNames) {
    if (ROUTE_HANDLER_METHODS.has(exported)) {
      const reference: Expr = { kind: 'identifier', name: local, range, text: local };
      addNextRoute(b, exported, routePath, reference, false);
    }
  }
}

function addNextRoute(
  b: ModelBuilder,
  method: string,
  routePath: string,
  handler: Expr,
  isPagesApi: boolean,
): void {
  const target = resolveHandler(b, handler);
  const middleware: MiddlewareRef[] = target.wrappers.map((wrapper) => ({
    path: getMiddlewarePath(wrapper),
    expr: wrapper,
    range: wrapper.range,
  }));
  const info = target.functionId === null ? undefined : b.functionInfo.get(target.functionId);
  const range = info?.fact.nameRange ?? handler.range;
  const route = makeRoute(b, [method], routePath, null, middleware, range);
  route.handlerName = target.name;
  addPendingRoute(b, route, 'nextjs', handler, [], isPagesApi);
}
