import type { Expr, Framework, MiddlewareRef, MountFact, Range, RouteFact } from '../types.js';
import { getCalleePath, getLastSegment, getPlainPath, getPositional, isCallTo } from './paths.js';
import type { BuildState, DecoratorRecord, FunctionRecord } from './state.js';

/** Constructors of apps and routers, and the framework each belongs to. */
const APP_CONSTRUCTORS: Record<string, Framework> = {
  Flask: 'flask',
  Blueprint: 'flask',
  FastAPI: 'fastapi',
  APIRouter: 'fastapi',
  Starlette: 'starlette',
  Router: 'starlette',
};

const DEPENDENCY_CALLS = new Set(['Depends', 'Security']);

/** Error handler found in the file, with the parameter that receives the error. */
export interface ErrorHandlerMark {
  functionId: number;
  types: string[];
  /** Index of the parameter bound to the error; null when there is none, as for `handler500`. */
  errorParameter: number | null;
}

/** Facts and lookups that the route, mount and handler passes share for one file. */
export interface Registry {
  state: BuildState;
  frameworks: Framework[];
  routes: RouteFact[];
  mounts: MountFact[];
  requestHandlerIds: Set<number>;
  errorHandlers: ErrorHandlerMark[];
  /** Functions at module level by name, to resolve `view_func=login`. */
  functionsByName: Map<string, FunctionRecord>;
  /** Framework of each app or router variable, from its constructor: `bp = Blueprint(...)`. */
  ownerFrameworks: Map<string, Framework>;
  /** The constructor call assigned to each name: `limiter = Limiter(...)`. */
  constructors: Map<string, Expr>;
  /** Decorators that registered a route, which are not middleware of that route. */
  routeDecorators: Set<DecoratorRecord>;
}

/** Creates the registry with the lookups the passes need, built once per file. */
export function createRegistry(state: BuildState, frameworks: Framework[]): Registry {
  const functionsByName = new Map<string, FunctionRecord>();
  for (const record of state.functions) {
    const { name, parentId, className } = record.fact;
    if (name !== null && parentId === 0 && className === null && !functionsByName.has(name)) {
      functionsByName.set(name, record);
    }
  }

  const ownerFrameworks = new Map<string, Framework>();
  const constructors = new Map<string, Expr>();
  for (const [value, name] of state.assignedTo) {
    if (value.kind !== 'call' || value.calleePath === null) {
      continue;
    }
    constructors.set(name, value);
    const framework = APP_CONSTRUCTORS[getLastSegment(value.calleePath)];
    if (framework) {
      ownerFrameworks.set(name, framework);
    }
  }

  return {
    state,
    frameworks,
    routes: [],
    mounts: [],
    requestHandlerIds: new Set(),
    errorHandlers: [],
    functionsByName,
    ownerFrameworks,
    constructors,
    routeDecorators: new Set(),
  };
}

/** Framework of routes registered on `owner`: from its constructor, else from the imports. */
export function getOwnerFramework(registry: Registry, owner: string | null): Framework {
  const known = owner === null ? undefined : registry.ownerFrameworks.get(owner);
  if (known) {
    return known;
  }
  for (const framework of ['fastapi', 'flask', 'starlette'] as const) {
    if (registry.frameworks.includes(framework)) {
      return framework;
    }
  }
  return 'flask';
}

/** Builds a middleware reference named by the call path or dotted path, else by the text. */
export function toMiddlewareRef(expr: Expr, range: Range = expr.range): MiddlewareRef {
  const path = expr.kind === 'call' ? expr.calleePath : getPlainPath(expr);
  return { path: path ?? expr.text, expr, range };
}

/**
 * Builds the reference for a FastAPI dependency. `Depends(RateLimiter(times=5))` is named after
 * what it injects (`RateLimiter`), and its expression is the injected value, so rules can read
 * options.
 */
export function toDependencyRef(expr: Expr): MiddlewareRef {
  if (isCallTo(expr, DEPENDENCY_CALLS)) {
    const injected = getPositional(expr.arguments, 0);
    if (injected) {
      return toMiddlewareRef(injected, expr.range);
    }
  }
  return toMiddlewareRef(expr);
}

/** Builds one middleware reference per item of a list literal, or one for the whole value. */
export function toDependencyRefs(expr: Expr | null): MiddlewareRef[] {
  if (!expr) {
    return [];
  }
  return expr.kind === 'array' ? expr.items.map(toDependencyRef) : [toDependencyRef(expr)];
}

/** The handler a route names, with the wrappers around it: `login_required(views.profile)`. */
export interface HandlerReference {
  handlerId: number | null;
  handlerName: string | null;
  wrappers: MiddlewareRef[];
}

/**
 * Resolves a handler expression. Wrapping calls (`csrf_exempt(view)`, `ratelimit(...)(view)`)
 * become middleware, `LoginView.as_view()` names the class, and a name defined at module level
 * in this file gets its function id.
 */
export function resolveHandler(registry: Registry, expr: Expr | null): HandlerReference {
  const wrappers: MiddlewareRef[] = [];
  let current = expr;
  while (current?.kind === 'call') {
    const callee = current.callee;
    if (callee.kind === 'member' && callee.property === 'as_view') {
      return { handlerId: null, handlerName: getPlainPath(callee.object), wrappers };
    }
    const wrapped = getPositional(current.arguments, 0);
    if (!wrapped) {
      break;
    }
    const path = getCalleePath(callee) ?? callee.text;
    wrappers.push({ path, expr: current, range: current.range });
    current = wrapped;
  }

  if (!current) {
    return { handlerId: null, handlerName: null, wrappers };
  }
  if (current.kind === 'function') {
    return { handlerId: current.functionId, handlerName: null, wrappers };
  }
  const handlerName = getPlainPath(current);
  const local = handlerName === null ? undefined : registry.functionsByName.get(handlerName);
  return { handlerId: local?.fact.id ?? null, handlerName, wrappers };
}

/** Adds a route and marks its handler as a request handler. */
export function addRoute(registry: Registry, route: RouteFact): void {
  registry.routes.push(route);
  if (route.handlerId !== null) {
    registry.requestHandlerIds.add(route.handlerId);
  }
}

/** Sorts references into source order, the order the framework applies them in. */
export function sortBySource<T extends { range: Range }>(items: T[]): T[] {
  return items.sort(compareRanges);
}

/** Orders ranges by start line, then start column. */
export function compareRanges(left: { range: Range }, right: { range: Range }): number {
  return (
    left.range.startLine - right.range.startLine || left.range.startColumn - right.range.startColumn
  );
}
