import { containsRange } from '../range.js';
import type { CatchFact, Expr, Framework, Range, RouteFact } from '../types.js';
import type { FunctionRole, ModelBuilder } from './context.js';
import { getLastSegment, getPath, unwrapAwait } from './paths.js';
import { addPendingRoute, makeRoute } from './routes.js';

/** Frameworks whose apps and routers register routes with method calls. */
const SERVER_FRAMEWORKS: Framework[] = ['express', 'koa', 'fastify', 'hapi'];

/** Express error middleware by convention: `(err, req, res, next)`. */
const ERROR_PARAMETER = /^(?:err|error|e|ex|exc|exception)$/i;
const NEXT_PARAMETER = /^_?next$/;

/** How many wrappers or aliases `resolveHandler` follows: `wrap(limit(handler))`. */
const MAX_HANDLER_HOPS = 4;

const ROLE_RANK: Record<FunctionRole['kind'], number> = { middleware: 0, handler: 1, error: 2 };

/**
 * Settles what the walk could not know yet: the framework of each route and mount, the
 * function ids of handlers named by reference, the role of each handler, middleware and error
 * handler, the error-handler `CatchFact`s, and the `isRequestHandler`/`isErrorHandler` flags.
 */
export function settleHandlers(b: ModelBuilder): void {
  for (const pending of b.pendingRoutes) {
    const route = pending.route;
    route.framework = resolveFramework(b, route.owner, pending.frameworkHint);
    const target = pending.handler ? resolveHandler(b, pending.handler) : null;
    route.handlerId = target?.functionId ?? null;
    route.handlerName ??= target?.name ?? null;
    if (route.handlerId !== null) {
      setRole(b, route.handlerId, {
        framework: route.framework,
        kind: 'handler',
        isPagesApi: pending.isPagesApi,
      });
    }
    addMiddlewareRoles(b, pending.middlewareExprs, route.framework);
  }

  for (const pending of [...b.pendingMounts]) {
    const mount = pending.mount;
    mount.framework = resolveFramework(b, mount.owner, pending.frameworkHint);
    addMiddlewareRoles(b, pending.middlewareExprs, mount.framework);
    addCatchAllRoute(b, pending.middlewareExprs, mount.framework, mount.owner, mount.prefix);
  }

  for (const pending of b.pendingErrorHandlers) {
    const framework = pending.framework ?? (isKoaApp(b, pending.owner) ? 'koa' : null);
    const functionId = framework ? resolveHandler(b, pending.handler).functionId : null;
    if (framework && functionId !== null) {
      setRole(b, functionId, { framework, kind: 'error', types: pending.types });
    }
  }

  for (const fact of b.model.functions) {
    const parameters = fact.parameters;
    if (
      parameters.length === 4 &&
      ERROR_PARAMETER.test(parameters[0]!.name) &&
      NEXT_PARAMETER.test(parameters[3]!.name)
    ) {
      setRole(b, fact.id, { framework: 'express', kind: 'error' });
    }
  }

  addErrorHandlerCatches(b);
  for (const [functionId, role] of b.roles) {
    const fact = b.functionInfo.get(functionId)?.fact;
    if (fact) {
      fact.isRequestHandler = role.kind === 'handler';
      fact.isErrorHandler = role.kind === 'error';
    }
  }
}

/**
 * Returns the framework of a registration: the hint from its shape, else the framework that
 * created the owner variable, else the first server framework the file imports, else Express.
 */
export function resolveFramework(
  b: ModelBuilder,
  owner: string | null,
  hint: Framework | null,
): Framework {
  if (hint) {
    return hint;
  }
  const variable = owner === null ? undefined : b.serverVariables.get(owner);
  if (variable) {
    return variable.framework;
  }
  if (owner !== null && getLastSegment(owner) === 'fastify') {
    return 'fastify';
  }
  const frameworks = b.model.frameworks;
  const server = frameworks.find((framework) => SERVER_FRAMEWORKS.includes(framework));
  if (server) {
    return server;
  }
  return frameworks.includes('nestjs') ? 'nestjs' : 'express';
}

function isKoaApp(b: ModelBuilder, owner: string | null): boolean {
  if (owner === null) {
    return false;
  }
  const variable = b.serverVariables.get(owner);
  if (variable) {
    return variable.framework === 'koa' && !variable.isRouter;
  }
  return getLastSegment(owner) === 'app' && b.model.frameworks.includes('koa');
}

function addMiddlewareRoles(b: ModelBuilder, exprs: Expr[], framework: Framework): void {
  for (const expr of exprs) {
    const functionId = resolveHandler(b, expr).functionId;
    if (functionId === null) {
      continue;
    }
    const parameterCount = b.functionInfo.get(functionId)?.fact.parameters.length ?? 0;
    const kind = framework === 'express' && parameterCount === 4 ? 'error' : 'middleware';
    setRole(b, functionId, { framework, kind });
  }
}

/**
 * `app.use((req, res) => res.status(404).json(...))`: an Express function that takes no `next`
 * ends every request that reaches it, so it is a route for all methods.
 */
function addCatchAllRoute(
  b: ModelBuilder,
  exprs: Expr[],
  framework: Framework,
  owner: string | null,
  prefix: string | null,
): void {
  const last = exprs[exprs.length - 1];
  if (framework !== 'express' || last?.kind !== 'function') {
    return;
  }
  const fact = b.functionInfo.get(last.functionId)?.fact;
  if (fact?.parameters.length !== 2) {
    return;
  }
  const route: RouteFact = makeRoute(b, ['*'], prefix, owner, [], last.range);
  route.framework = framework;
  route.handlerId = fact.id;
  addPendingRoute(b, route, framework, last, []);
  setRole(b, fact.id, { framework, kind: 'handler' });
}

function setRole(b: ModelBuilder, functionId: number, role: FunctionRole): void {
  const existing = b.roles.get(functionId);
  if (!existing || ROLE_RANK[role.kind] > ROLE_RANK[existing.kind]) {
    b.roles.set(functionId, role);
  }
}

/**
 * The function a handler expression stands for: an inline function, a function of this file
 * named by the identifier, a module-level alias, or the function wrapped by a call
 * (`asyncHandler(async (req, res) => ...)`). `name` is the reference as written.
 */
export function resolveHandler(
  b: ModelBuilder,
  expr: Expr,
): { functionId: number | null; name: string | null; wrappers: Expr[] } {
  let current: Expr | undefined = expr;
  let name: string | null = null;
  const wrappers: Expr[] = [];
  for (let hop = 0; current && hop < MAX_HANDLER_HOPS; hop++) {
    current = unwrapAwait(current);
    if (current.kind === 'function') {
      return { functionId: current.functionId, name, wrappers };
    }
    if (current.kind === 'identifier') {
      name ??= current.name;
      const functionId = findFunctionByName(b, current.name);
      if (functionId !== null) {
        return { functionId, name, wrappers };
      }
      current = getModuleBindings(b).get(current.name);
      continue;
    }
    if (current.kind === 'member') {
      name ??= getPath(current);
      break;
    }
    if (current.kind === 'call') {
      wrappers.push(current);
      current = current.arguments
        .map((argument) => argument.value)
        .find(
          (value) =>
            value.kind === 'function' || value.kind === 'identifier' || value.kind === 'call',
        );
      continue;
    }
    break;
  }
  return { functionId: null, name, wrappers };
}

/** A plain function of this file with that name, preferring module level. */
function findFunctionByName(b: ModelBuilder, name: string): number | null {
  const ids = b.functionsByName.get(name);
  if (!ids) {
    return null;
  }
  let found: number | null = null;
  for (const id of ids) {
    const fact = b.functionInfo.get(id)?.fact;
    if (!fact || fact.className !== null) {
      continue;
    }
    if (fact.parentId === 0) {
      return id;
    }
    found ??= id;
  }
  return found;
}

function getModuleBindings(b: ModelBuilder): Map<string, Expr> {
  if (!b.moduleBindings) {
    b.moduleBindings = new Map();
    for (const binding of b.model.bindings) {
      if (binding.functionId === 0 && !b.moduleBindings.has(binding.name)) {
        b.moduleBindings.set(binding.name, binding.value);
      }
    }
  }
  return b.moduleBindings;
}

/**
 * Adds a `CatchFact` of kind `error-handler` for each error-handling function, and moves the
 * calls, returns, throws and assignments in its body under it unless a closer catch contains them.
 * Its `functionId` is the handler itself, whose body is the handling code.
 */
function addErrorHandlerCatches(b: ModelBuilder): void {
  const catchesById = new Map<number, CatchFact>(b.model.catches.map((fact) => [fact.id, fact]));
  const sites: { range: Range; catchId: number | null }[] = [
    ...b.model.calls,
    ...b.returnSites,
    ...b.throwSites,
    ...b.assignmentSites,
  ];
  const handlers = [...b.roles]
    .filter(([, role]) => role.kind === 'error')
    .sort(([a], [c]) => a - c);
  for (const [functionId, role] of handlers) {
    const info = b.functionInfo.get(functionId);
    if (!info) {
      continue;
    }
    const first = info.fact.parameters[0];
    const fact: CatchFact = {
      id: b.nextCatchId++,
      functionId,
      binding: first && first.destructured.length === 0 ? first.name : null,
      types: role.types ?? [],
      kind: 'error-handler',
      range: info.fact.range,
      bodyRange: info.bodyRange,
    };
    b.model.catches.push(fact);
    catchesById.set(fact.id, fact);
    for (const site of sites) {
      if (!containsRange(fact.bodyRange, site.range)) {
        continue;
      }
      const current = site.catchId === null ? undefined : catchesById.get(site.catchId);
      if (!current || containsRange(current.range, fact.range)) {
        site.catchId = fact.id;
      }
    }
  }
}
