import type { Argument, Expr, Framework, MiddlewareRef, MountFact, Range } from '../types.js';
import {
  getKeyword,
  getLastSegment,
  getPlainPath,
  getPositional,
  getReceiverPath,
  getStringValue,
} from './paths.js';
import {
  compareRanges,
  getOwnerFramework,
  toDependencyRefs,
  toMiddlewareRef,
  type Registry,
} from './registry.js';

/** FastAPI and Starlette constructors that take app-wide `dependencies=` or `middleware=`. */
const APP_CONSTRUCTORS = new Set(['APIRouter', 'FastAPI', 'Starlette']);

/** Decorators that run a function before every request of the app or blueprint. */
const BEFORE_REQUEST = new Set(['before_request', 'before_app_request']);

/** Django settings that list middleware classes, in the order Django applies them. */
const DJANGO_MIDDLEWARE_SETTINGS = new Set(['MIDDLEWARE', 'MIDDLEWARE_CLASSES']);

/** Keys of DRF's `REST_FRAMEWORK` setting that apply classes to every view. */
const DRF_DEFAULT_CLASSES = new Set([
  'DEFAULT_THROTTLE_CLASSES',
  'DEFAULT_PERMISSION_CLASSES',
  'DEFAULT_AUTHENTICATION_CLASSES',
]);

/** Adds mounts declared by decorators: `@app.before_request` and `@app.middleware('http')`. */
export function collectDecoratorMounts(registry: Registry): void {
  for (const record of registry.state.functions) {
    for (const decorator of record.decorators) {
      const path = decorator.fact.path;
      const owner = getReceiverPath(path);
      const name = getLastSegment(path);
      const isMiddleware = name === 'middleware' && decorator.fact.arguments !== null;
      if (owner === null || (!BEFORE_REQUEST.has(name) && !isMiddleware)) {
        continue;
      }
      const range = decorator.fact.range;
      const ref: MiddlewareRef = { path: record.fact.name ?? '', expr: null, range };
      addMount(registry, getOwnerFramework(registry, owner), owner, null, [ref], range);
    }
  }
}

/**
 * Adds mounts that calls declare: blueprints and routers with their prefixes and dependencies,
 * `add_middleware`, `before_request(f)`, app-wide `dependencies=` and `middleware=` of `FastAPI`
 * and `Starlette`, Flask-Limiter (`Limiter(app)`) and extensions set up with `ext.init_app(app)`.
 */
export function collectCallMounts(registry: Registry): void {
  const assignedTo = registry.state.assignedTo;
  for (const fact of registry.state.calls) {
    const call = fact.call;
    if (call.calleePath === null) {
      continue;
    }
    const name = getLastSegment(call.calleePath);
    const owner = getReceiverPath(call.calleePath);
    const args = call.arguments;
    const first = getPositional(args, 0);
    const range = call.range;
    const assigned = assignedTo.get(call) ?? null;

    if (owner !== null && name === 'register_blueprint' && first) {
      const prefix = getStringValue(getKeyword(args, 'url_prefix'));
      addMount(registry, 'flask', owner, prefix, [toMiddlewareRef(first)], range);
    } else if (owner !== null && name === 'include_router' && first) {
      const prefix = getStringValue(getKeyword(args, 'prefix'));
      const refs = [toMiddlewareRef(first), ...toDependencyRefs(getKeyword(args, 'dependencies'))];
      addMount(registry, getOwnerFramework(registry, owner), owner, prefix, refs, range);
    } else if (owner !== null && name === 'add_middleware' && first) {
      const ref = { ...toMiddlewareRef(first), expr: call, range };
      addMount(registry, getOwnerFramework(registry, owner), owner, null, [ref], range);
    } else if (owner !== null && BEFORE_REQUEST.has(name) && first) {
      addMount(registry, 'flask', owner, null, [toMiddlewareRef(first)], range);
    } else if (name === 'Blueprint' && assigned !== null) {
      const prefix = getStringValue(getKeyword(args, 'url_prefix'));
      addMount(registry, 'flask', assigned, prefix, [], range);
    } else if (APP_CONSTRUCTORS.has(name) && assigned !== null) {
      addAppMount(registry, name === 'Starlette' ? 'starlette' : 'fastapi', assigned, args, range);
    } else if (name === 'Limiter') {
      const app = getKeyword(args, 'app') ?? findAppArgument(registry, first);
      const appPath = app ? getPlainPath(app) : null;
      if (appPath !== null) {
        addMount(registry, 'flask', appPath, null, [{ path: 'Limiter', expr: call, range }], range);
      }
    } else if (owner !== null && name === 'init_app' && first) {
      addInitApp(registry, owner, first, call, range);
    }
  }
}

/**
 * Adds Django's `MIDDLEWARE = [...]` and DRF's `REST_FRAMEWORK` default classes as mounts owned
 * by `settings`, since they apply to every view of the project.
 */
export function collectSettingsMounts(registry: Registry): void {
  for (const binding of registry.state.bindings) {
    if (binding.functionId !== 0) {
      continue;
    }
    const value = binding.value;
    if (DJANGO_MIDDLEWARE_SETTINGS.has(binding.name) && value.kind === 'array') {
      addMount(registry, 'django', 'settings', null, toStringRefs(value.items), binding.range);
    } else if (binding.name === 'REST_FRAMEWORK' && value.kind === 'object') {
      const refs: MiddlewareRef[] = [];
      for (const entry of value.entries) {
        const isDefault = entry.key !== null && DRF_DEFAULT_CLASSES.has(entry.key);
        if (isDefault && entry.value.kind === 'array') {
          refs.push(...toStringRefs(entry.value.items));
        }
      }
      if (refs.length > 0) {
        addMount(registry, 'drf', 'settings', null, refs, binding.range);
      }
    }
  }
}

/**
 * Numbers mounts by their position among the routes and mounts of the same owner, in source
 * order, and sorts the mounts that way.
 */
export function orderMounts(registry: Registry): void {
  const entries: { owner: string | null; range: Range; mount: MountFact | null }[] = [
    ...registry.routes.map((route) => ({ owner: route.owner, range: route.range, mount: null })),
    ...registry.mounts.map((mount) => ({ owner: mount.owner, range: mount.range, mount })),
  ];
  entries.sort(compareRanges);
  const counters = new Map<string | null, number>();
  for (const entry of entries) {
    const position = counters.get(entry.owner) ?? 0;
    counters.set(entry.owner, position + 1);
    if (entry.mount) {
      entry.mount.order = position;
    }
  }
  registry.mounts.sort(compareRanges);
}

function addMount(
  registry: Registry,
  framework: Framework,
  owner: string | null,
  prefix: string | null,
  middleware: MiddlewareRef[],
  range: Range,
): void {
  registry.mounts.push({ framework, owner, prefix, middleware, order: 0, range });
}

function addAppMount(
  registry: Registry,
  framework: Framework,
  owner: string,
  args: Argument[],
  range: Range,
): void {
  const prefix = getStringValue(getKeyword(args, 'prefix'));
  const refs = toDependencyRefs(getKeyword(args, 'dependencies'));
  const middleware = getKeyword(args, 'middleware');
  let items: Expr[] = [];
  if (middleware?.kind === 'array') {
    items = middleware.items;
  } else if (middleware) {
    items = [middleware];
  }
  for (const item of items) {
    // `Middleware(GZipMiddleware, minimum_size=500)` is named after the class it installs.
    const installed = item.kind === 'call' ? getPositional(item.arguments, 0) : null;
    refs.push({ ...toMiddlewareRef(installed ?? item), expr: item, range: item.range });
  }
  if (prefix !== null || refs.length > 0) {
    addMount(registry, framework, owner, prefix, refs, range);
  }
}

/** `limiter.init_app(app)`: the mounted middleware is named after the extension's constructor. */
function addInitApp(registry: Registry, owner: string, app: Expr, call: Expr, range: Range): void {
  const appPath = getPlainPath(app);
  if (appPath === null) {
    return;
  }
  const constructor = registry.constructors.get(owner);
  const path =
    constructor?.kind === 'call' && constructor.calleePath !== null
      ? getLastSegment(constructor.calleePath)
      : owner;
  const ref: MiddlewareRef = { path, expr: constructor ?? call, range };
  addMount(registry, getOwnerFramework(registry, appPath), appPath, null, [ref], range);
}

/** Returns the app passed first to `Limiter(app, ...)`, as Flask-Limiter before 3.0 takes it. */
function findAppArgument(registry: Registry, first: Expr | null): Expr | null {
  const path = first ? getPlainPath(first) : null;
  if (path === null) {
    return null;
  }
  return path === 'app' || registry.ownerFrameworks.get(path) === 'flask' ? first : null;
}

function toStringRefs(items: Expr[]): MiddlewareRef[] {
  const refs: MiddlewareRef[] = [];
  for (const item of items) {
    const value = getStringValue(item);
    if (value !== null) {
      refs.push({ path: value, expr: item, range: item.range });
    }
  }
  return refs;
}

