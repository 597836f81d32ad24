import type {
  CallExpr,
  Expr,
  Framework,
  MiddlewareRef,
  MountFact,
  ObjectExpr,
  Range,
  RouteFact,
} from '../types.js';
import { takeOrder, type ModelBuilder, type ServerVariable } from './context.js';
import { getModuleFramework } from './imports.js';
import { getEntry, getLastSegment, getPath, getStringValue, unwrapAwait } from './paths.js';

/** Registration methods of Express, Koa router and Fastify, to the HTTP method they serve. */
const HTTP_METHODS = new Map([
  ['get', 'GET'],
  ['post', 'POST'],
  ['put', 'PUT'],
  ['patch', 'PATCH'],
  ['delete', 'DELETE'],
  ['del', 'DELETE'],
  ['options', 'OPTIONS'],
  ['head', 'HEAD'],
  ['all', '*'],
]);

/** Receiver names taken as an app or router even when the file imports no framework. */
const OWNER_NAMES = new Set(['app', 'router', 'server', 'fastify', 'instance']);

/** Further receiver names taken as an app or router in a file that imports a framework. */
const OWNER_NAMES_WITH_IMPORT = new Set(['api', 'routes', 'routers', 'apiRouter']);
const OWNER_SUFFIX = /[a-z0-9](?:Router|App|Routes|Server)$/;

/** Fastify route options whose values run before or around the handler. */
const FASTIFY_HOOKS = new Set([
  'onRequest',
  'preParsing',
  'preValidation',
  'preHandler',
  'preSerialization',
  'onSend',
  'onResponse',
  'onTimeout',
  'onError',
]);

const NEST_GLOBAL_METHODS = new Set([
  'useGlobalGuards',
  'useGlobalInterceptors',
  'useGlobalFilters',
  'useGlobalPipes',
]);

/** Mount owner of NestJS module-level providers and imports. */
export const NEST_MODULE_OWNER = 'nestjs-module';

/**
 * Factories that create an app or a router, by module and the member path called on it.
 * Unresolved callees fall back to `FACTORY_NAMES`.
 */
const FACTORIES: Record<string, Record<string, ServerVariable>> = {
  express: {
    '': { framework: 'express', isRouter: false },
    Router: { framework: 'express', isRouter: true },
  },
  koa: { '': { framework: 'koa', isRouter: false } },
  '@koa/router': {
    '': { framework: 'koa', isRouter: true },
    Router: { framework: 'koa', isRouter: true },
  },
  'koa-router': { '': { framework: 'koa', isRouter: true } },
  fastify: {
    '': { framework: 'fastify', isRouter: false },
    fastify: { framework: 'fastify', isRouter: false },
  },
  '@hapi/hapi': {
    server: { framework: 'hapi', isRouter: false },
    Server: { framework: 'hapi', isRouter: false },
  },
  hapi: {
    server: { framework: 'hapi', isRouter: false },
    Server: { framework: 'hapi', isRouter: false },
  },
  '@nestjs/core': { 'NestFactory.create': { framework: 'nestjs', isRouter: false } },
};

const FACTORY_NAMES: Record<string, ServerVariable> = {
  express: { framework: 'express', isRouter: false },
  'express.Router': { framework: 'express', isRouter: true },
  Router: { framework: 'express', isRouter: true },
  Koa: { framework: 'koa', isRouter: false },
  fastify: { framework: 'fastify', isRouter: false },
  Fastify: { framework: 'fastify', isRouter: false },
  'Hapi.server': { framework: 'hapi', isRouter: false },
  'Hapi.Server': { framework: 'hapi', isRouter: false },
  'NestFactory.create': { framework: 'nestjs', isRouter: false },
};

/**
 * Recognizes route and middleware registrations in a call: `app.post('/login', limiter, h)`,
 * `app.route('/p').get(h)`, `app.use('/api', router)`, `fastify.register(plugin, { prefix })`,
 * `server.route({ method, path, handler })`, `app.useGlobalGuards(...)` and error handlers.
 */
export function detectRegistration(b: ModelBuilder, call: CallExpr): void {
  const callee = call.callee;
  if (callee.kind !== 'member') {
    return;
  }
  const method = callee.property;
  const httpMethod = HTTP_METHODS.get(method);
  if (httpMethod !== undefined) {
    detectMethodRoute(b, call, callee.object, httpMethod);
    return;
  }
  switch (method) {
    case 'use':
      detectUse(b, call, callee.object);
      return;
    case 'route':
      detectRouteObjects(b, call, callee.object);
      return;
    case 'register':
      detectRegister(b, call, callee.object);
      return;
    case 'addHook':
      detectHook(b, call, callee.object);
      return;
    case 'setErrorHandler':
      detectErrorHandler(b, call, callee.object, 0, 'fastify');
      return;
    case 'on':
      if (getStringValue(call.arguments[0]?.value) === 'error') {
        detectErrorHandler(b, call, callee.object, 1, null);
      }
      return;
    case 'forRoot':
    case 'forRootAsync':
      detectModuleImport(b, call, callee.object);
      return;
    default:
      if (NEST_GLOBAL_METHODS.has(method)) {
        detectNestGlobal(b, call, callee.object);
      }
  }
}

function detectMethodRoute(
  b: ModelBuilder,
  call: CallExpr,
  receiver: Expr,
  httpMethod: string,
): void {
  // Skip earlier links of `router.get(...).post(...)` and `app.route('/p').get(h).post(h2)`.
  let current = receiver;
  while (current.kind === 'call' && current.callee.kind === 'member') {
    if (!HTTP_METHODS.has(current.callee.property)) {
      break;
    }
    current = current.callee.object;
  }
  const values = call.arguments.map((argument) => argument.value);
  if (
    current.kind === 'call' &&
    current.callee.kind === 'member' &&
    current.callee.property === 'route'
  ) {
    const owner = getPath(current.callee.object);
    if (owner !== null && isRouteOwner(b, owner)) {
      const path = getStringValue(current.arguments[0]?.value);
      addMethodRoute(b, call, owner, httpMethod, path, values);
    }
    return;
  }

  const owner = getPath(current);
  if (
    owner === null ||
    !isRouteOwner(b, owner) ||
    values.length < 2 ||
    values[0]!.kind === 'function'
  ) {
    return;
  }
  let path = getStringValue(values[0]);
  let start = 1;
  // Koa router's named routes: `router.get('user', '/users/:id', handler)`.
  if (path !== null && values.length >= 3 && getStringValue(values[1]) !== null) {
    path = getStringValue(values[1]);
    start = 2;
  }
  addMethodRoute(b, call, owner, httpMethod, path, values.slice(start));
}

function addMethodRoute(
  b: ModelBuilder,
  call: CallExpr,
  owner: string,
  httpMethod: string,
  path: string | null,
  rest: Expr[],
): void {
  let handler: Expr | null | undefined = rest[rest.length - 1];
  if (!handler) {
    return;
  }
  const before = rest.slice(0, -1);
  let frameworkHint: Framework | null = null;
  if (handler.kind === 'object') {
    // Fastify: `fastify.get('/p', { preHandler, handler })`.
    before.push(handler);
    handler = getEntry(handler, 'handler');
  }
  if (!handler || !isHandlerLike(handler)) {
    return;
  }
  const middleware: MiddlewareRef[] = [];
  const middlewareExprs: Expr[] = [];
  for (const value of before) {
    if (value.kind === 'object') {
      frameworkHint = 'fastify';
      addFastifyOptionRefs(value, middleware, middlewareExprs);
    } else {
      addMiddlewareRefs(value, middleware, middlewareExprs);
    }
  }
  const route = makeRoute(b, [httpMethod], path, owner, middleware, call.range);
  addPendingRoute(b, route, frameworkHint, handler, middlewareExprs);
}

function detectUse(b: ModelBuilder, call: CallExpr, receiver: Expr): void {
  const owner = getPath(receiver);
  if (owner === null || !isRouteOwner(b, owner)) {
    return;
  }
  const values = call.arguments.map((argument) => argument.value);
  const prefix = getStringValue(values[0]);
  const middleware: MiddlewareRef[] = [];
  const middlewareExprs: Expr[] = [];
  for (const value of prefix === null ? values : values.slice(1)) {
    addMiddlewareRefs(value, middleware, middlewareExprs);
  }
  if (middleware.length === 0) {
    return;
  }
  addMount(b, makeMount(b, owner, prefix, middleware, call.range), null, middlewareExprs);
}

/** Hapi `server.route({ method, path, handler, options })` and Fastify `fastify.route({ url })`. */
function detectRouteObjects(b: ModelBuilder, call: CallExpr, receiver: Expr): void {
  const owner = getPath(receiver);
  const argument = call.arguments[0]?.value;
  if (owner === null || !argument || !isRouteOwner(b, owner)) {
    return;
  }
  const objects = argument.kind === 'array' ? argument.items : [argument];
  for (const object of objects) {
    if (object.kind === 'object') {
      addDeclaredRoute(b, owner, object);
    }
  }
}

function addDeclaredRoute(b: ModelBuilder, owner: string, object: ObjectExpr): void {
  const url = getEntry(object, 'url');
  const isFastify =
    url !== null ||
    b.serverVariables.get(owner)?.framework === 'fastify' ||
    getLastSegment(owner) === 'fastify';
  const options = isFastify ? null : (getEntry(object, 'options') ?? getEntry(object, 'config'));
  const handler = getEntry(object, 'handler') ?? getEntry(options ?? undefined, 'handler');
  if (!handler) {
    return;
  }
  const middleware: MiddlewareRef[] = [];
  const middlewareExprs: Expr[] = [];
  if (isFastify) {
    addFastifyOptionRefs(object, middleware, middlewareExprs);
  } else if (options) {
    addHapiOptionRefs(options, middleware, middlewareExprs);
  }
  const methods = getDeclaredMethods(getEntry(object, 'method'));
  const path = getStringValue(url ?? getEntry(object, 'path') ?? undefined);
  const route = makeRoute(b, methods, path, owner, middleware, object.range);
  addPendingRoute(b, route, isFastify ? 'fastify' : 'hapi', handler, middlewareExprs);
}

/** Reads `'POST'`, `['GET', 'POST']` or `'*'`, giving all methods when missing or not literal. */
function getDeclaredMethods(value: Expr | null): string[] {
  let values: Expr[] = [];
  if (value?.kind === 'array') {
    values = value.items;
  } else if (value) {
    values = [value];
  }
  const methods: string[] = [];
  for (const item of values) {
    const method = getStringValue(item);
    if (method !== null) {
      methods.push(method === '*' ? '*' : method.toUpperCase());
    }
  }
  return methods.length > 0 ? methods : ['*'];
}

function addFastifyOptionRefs(options: ObjectExpr, refs: MiddlewareRef[], exprs: Expr[]): void {
  for (const entry of options.entries) {
    if (entry.key !== null && FASTIFY_HOOKS.has(entry.key)) {
      addMiddlewareRefs(entry.value, refs, exprs);
    } else if (entry.key === 'config') {
      // `config: { rateLimit: { max: 5 } }` configures @fastify/rate-limit for this route.
      const rateLimit = getEntry(entry.value, 'rateLimit');
      if (rateLimit) {
        refs.push({ path: 'config.rateLimit', expr: rateLimit, range: rateLimit.range });
      }
    }
  }
}

/** Hapi route options: `pre` methods, `auth`, and one reference per `plugins` entry. */
function addHapiOptionRefs(options: Expr, refs: MiddlewareRef[], exprs: Expr[]): void {
  const pre = getEntry(options, 'pre');
  if (pre) {
    const pending = [pre];
    while (pending.length > 0) {
      const item = pending.shift()!;
      if (item.kind === 'array') {
        pending.unshift(...item.items);
      } else if (item.kind === 'object') {
        const method = getEntry(item, 'method');
        if (method) {
          addMiddlewareRefs(method, refs, exprs);
        }
      } else {
        addMiddlewareRefs(item, refs, exprs);
      }
    }
  }
  const auth = getEntry(options, 'auth');
  if (auth) {
    refs.push({ path: 'auth', expr: auth, range: auth.range });
  }
  const plugins = getEntry(options, 'plugins');
  if (plugins?.kind === 'object') {
    for (const entry of plugins.entries) {
      if (entry.key !== null) {
        refs.push({ path: entry.key, expr: entry.value, range: entry.range });
      }
    }
  }
}

/**
 * Fastify `register(plugin, { prefix })` and Hapi `register(plugin | { plugin, options } | [...])`.
 * The reference's `expr` is the options object when one is given, so rules can read it.
 */
function detectRegister(b: ModelBuilder, call: CallExpr, receiver: Expr): void {
  const owner = getPath(receiver);
  const plugin = call.arguments[0]?.value;
  if (owner === null || !plugin || !isRouteOwner(b, owner)) {
    return;
  }
  const options = call.arguments[1]?.value;
  const plugins = plugin.kind === 'array' ? plugin.items : [plugin];
  const middleware: MiddlewareRef[] = [];
  for (const item of plugins) {
    if (item.kind === 'object') {
      const inner = getEntry(item, 'plugin');
      const pluginOptions = getEntry(item, 'options');
      middleware.push({
        path: getMiddlewarePath(inner ?? item),
        expr: pluginOptions ?? inner ?? item,
        range: item.range,
      });
      continue;
    }
    middleware.push({ path: getMiddlewarePath(item), expr: options ?? item, range: item.range });
    trackPluginParameter(b, item);
  }
  const prefix =
    getStringValue(getEntry(options, 'prefix') ?? undefined) ??
    getStringValue(getEntry(getEntry(options, 'routes') ?? undefined, 'prefix') ?? undefined);
  addMount(b, makeMount(b, owner, prefix, middleware, call.range), null, []);
}

/** `fastify.register(async (instance) => { instance.get(...) })`: `instance` is an app. */
function trackPluginParameter(b: ModelBuilder, plugin: Expr): void {
  if (plugin.kind !== 'function') {
    return;
  }
  const parameter = b.functionInfo.get(plugin.functionId)?.fact.parameters[0];
  if (parameter && parameter.destructured.length === 0) {
    b.serverVariables.set(parameter.name, { framework: 'fastify', isRouter: true });
  }
}

function detectHook(b: ModelBuilder, call: CallExpr, receiver: Expr): void {
  const owner = getPath(receiver);
  const hook = call.arguments[1]?.value;
  if (owner === null || !hook || !isRouteOwner(b, owner)) {
    return;
  }
  const middleware: MiddlewareRef[] = [];
  const middlewareExprs: Expr[] = [];
  addMiddlewareRefs(hook, middleware, middlewareExprs);
  addMount(b, makeMount(b, owner, null, middleware, call.range), 'fastify', middlewareExprs);
}

function detectErrorHandler(
  b: ModelBuilder,
  call: CallExpr,
  receiver: Expr,
  position: number,
  framework: Framework | null,
): void {
  const handler = call.arguments[position]?.value;
  if (handler) {
    b.pendingErrorHandlers.push({ handler, framework, owner: getPath(receiver), types: [] });
  }
}

function detectNestGlobal(b: ModelBuilder, call: CallExpr, receiver: Expr): void {
  const owner = getPath(receiver);
  const middleware: MiddlewareRef[] = [];
  for (const argument of call.arguments) {
    addMiddlewareRefs(argument.value, middleware, []);
  }
  if (middleware.length > 0) {
    addMount(b, makeMount(b, owner, null, middleware, call.range), 'nestjs', []);
  }
}

/** `ThrottlerModule.forRoot(...)` in a NestJS module's imports. */
function detectModuleImport(b: ModelBuilder, call: CallExpr, receiver: Expr): void {
  const modulePath = getPath(receiver);
  if (
    modulePath === null ||
    !getLastSegment(modulePath).endsWith('Module') ||
    call.calleePath === null
  ) {
    return;
  }
  const middleware = [{ path: call.calleePath, expr: call, range: call.range }];
  addMount(b, makeMount(b, NEST_MODULE_OWNER, null, middleware, call.range), 'nestjs', []);
}

/**
 * Remembers that `name` contains an app or router made by a framework factory (`express()`,
 * `express.Router()`, `new Koa()`, `new Router({ prefix })`, `Fastify()`, `Hapi.server()`,
 * `NestFactory.create()`). A router prefix is a mount of that router.
 */
export function trackServerVariable(b: ModelBuilder, name: string, value: Expr): void {
  const call = unwrapAwait(value);
  if (call.kind !== 'call') {
    return;
  }
  const origin = getFactoryOrigin(b, call);
  if (!origin) {
    return;
  }
  b.serverVariables.set(name, origin);
  const prefix = getStringValue(getEntry(call.arguments[0]?.value, 'prefix') ?? undefined);
  if (origin.isRouter && prefix !== null) {
    addMount(b, makeMount(b, name, prefix, [], call.range), origin.framework, []);
  }
}

function getFactoryOrigin(b: ModelBuilder, call: CallExpr): ServerVariable | null {
  // `require('express')()`.
  if (call.callee.kind === 'call' && call.callee.calleePath === 'require') {
    const module = getStringValue(call.callee.arguments[0]?.value);
    return module === null ? null : (FACTORIES[module]?.[''] ?? null);
  }
  const path = call.calleePath;
  if (path === null) {
    return null;
  }
  const segments = path.split('.');
  const imported = b.importedNames.get(segments[0]!);
  if (!imported) {
    return FACTORY_NAMES[path] ?? null;
  }
  const isWhole = imported.imported === 'default' || imported.imported === '*';
  const member = isWhole ? segments.slice(1) : [imported.imported, ...segments.slice(1)];
  return FACTORIES[imported.module]?.[member.join('.')] ?? null;
}

/** True when `owner` can be an app or router: a tracked variable or a conventional name. */
function isRouteOwner(b: ModelBuilder, owner: string): boolean {
  if (b.serverVariables.has(owner)) {
    return true;
  }
  const last = getLastSegment(owner);
  if (OWNER_NAMES.has(last)) {
    return true;
  }
  if (!OWNER_NAMES_WITH_IMPORT.has(last) && !OWNER_SUFFIX.test(last)) {
    return false;
  }
  return b.model.imports.some((fact) => getModuleFramework(fact.module) !== null);
}

function isHandlerLike(expr: Expr): boolean {
  return (
    expr.kind === 'function' ||
    expr.kind === 'identifier' ||
    expr.kind === 'member' ||
    expr.kind === 'call'
  );
}

/** Adds one reference per middleware in `value`, flattening arrays and spreads. */
function addMiddlewareRefs(value: Expr, refs: MiddlewareRef[], exprs: Expr[]): void {
  const pending = [value];
  while (pending.length > 0) {
    const item = pending.shift()!;
    if (item.kind === 'array') {
      pending.unshift(...item.items);
    } else if (item.kind === 'spread') {
      pending.unshift(item.value);
    } else {
      refs.push({ path: getMiddlewarePath(item), expr: item, range: item.range });
      exprs.push(item);
    }
  }
}

/**
 * The name of a middleware: its path (`limiter`), its callee path (`rateLimit` for
 * `rateLimit({...})`, `ThrottlerGuard` for `new ThrottlerGuard()`), the module of `require('m')`,
 * `<function>` for an inline function and `<expression>` for anything else.
 */
export function getMiddlewarePath(expr: Expr): string {
  const inner = unwrapAwait(expr);
  if (inner.kind === 'function') {
    return '<function>';
  }
  if (inner.kind === 'call') {
    if (inner.calleePath === 'require' || inner.calleePath === 'import') {
      return getStringValue(inner.arguments[0]?.value) ?? '<expression>';
    }
    return inner.calleePath ?? '<expression>';
  }
  return getPath(inner) ?? '<expression>';
}

/** Creates a route fact and gives it a place in the owner's order. */
export function makeRoute(
  b: ModelBuilder,
  methods: string[],
  path: string | null,
  owner: string | null,
  middleware: MiddlewareRef[],
  range: Range,
): RouteFact {
  // Routes share the owner's counter with mounts, so mount orders show what came before.
  takeOrder(b, owner);
  return {
    framework: 'express',
    methods,
    path,
    owner,
    handlerId: null,
    handlerName: null,
    middleware,
    range,
  };
}

export function makeMount(
  b: ModelBuilder,
  owner: string | null,
  prefix: string | null,
  middleware: MiddlewareRef[],
  range: Range,
): MountFact {
  return {
    framework: 'express',
    owner,
    prefix,
    middleware,
    order: takeOrder(b, owner),
    range,
  };
}

/** Queues a route whose framework and handler id are settled after the walk. */
export function addPendingRoute(
  b: ModelBuilder,
  route: RouteFact,
  frameworkHint: Framework | null,
  handler: Expr,
  middlewareExprs: Expr[],
  isPagesApi = false,
): void {
  b.model.routes.push(route);
  b.pendingRoutes.push({ route, frameworkHint, handler, middlewareExprs, isPagesApi });
}

export function addMount(
  b: ModelBuilder,
  mount: MountFact,
  frameworkHint: Framework | null,
  middlewareExprs: Expr[],
): void {
  b.model.mounts.push(mount);
  b.pendingMounts.push({ mount, frameworkHint, middlewareExprs });
}
