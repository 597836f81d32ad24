import { containsRange } from '../range.js';
import type {
  Expr,
  FileModel,
  Framework,
  FunctionFact,
  MiddlewareRef,
  MountFact,
  Range,
  RouteFact,
} from '../types.js';

/**
 * Rule callbacks that attach plain data to the parts of a route summary, in the worker, where the
 * whole file model is still available. Whatever they return must survive `JSON.stringify`.
 */
export interface RouteDescriber<Data> {
  /** Data for a middleware, decorator, guard or dependency reference. */
  middleware?(ref: MiddlewareRef, file: FileModel): Data | null;
  /** Data for a route's own handler, such as a limiter call inside it. */
  handler?(route: RouteFact, file: FileModel): Data | null;
  /** Data for a module-level function or binding, so that another file importing it can use it. */
  symbol?(name: string, file: FileModel): Data | null;
}

/** A middleware reference without its expression. */
export interface RefSummary<Data> {
  path: string;
  range: Range;
  data: Data | null;
}

export interface RouteSummary<Data> {
  framework: Framework;
  methods: string[];
  /** The path as written on the route, without prefixes; null when unknown. */
  path: string | null;
  owner: string | null;
  handlerName: string | null;
  /** Name of the handler function when it is defined in this file. */
  functionName: string | null;
  middleware: RefSummary<Data>[];
  handlerData: Data | null;
  range: Range;
}

export interface MountSummary<Data> {
  framework: Framework;
  owner: string | null;
  prefix: string | null;
  refs: RefSummary<Data>[];
  /**
   * True when the mount comes from the owner's constructor (`Blueprint(url_prefix=...)`,
   * `APIRouter(prefix=..., dependencies=[...])`, `new Router({ prefix })`): its prefix is the
   * owner's own prefix and its references cover every route of the owner.
   */
  isConstructor: boolean;
  range: Range;
}

/** A module-level function with its decorators, for routes that name it from another file. */
export interface FunctionSummary<Data> {
  name: string;
  decorators: RefSummary<Data>[];
  data: Data | null;
}

/**
 * Entries of a module-level array of route objects, `[{ path: '/auth', route: authRoute }]`, that
 * a loop mounts with `router.use(route.path, route.route)`.
 */
export interface RouteTableSummary {
  entries: { values: Record<string, string>; references: Record<string, string> }[];
}

/** Next.js `middleware.ts`: the paths its `config.matcher` selects and the middleware itself. */
export interface NextMiddlewareSummary<Data> {
  /** Matcher patterns; null when the file exports none, so every path runs it. */
  matchers: string[] | null;
  ref: RefSummary<Data>;
}

/** The routing facts of one file, as plain data for the project-level resolution. */
export interface RouteFileSummary<Data> {
  path: string;
  routes: RouteSummary<Data>[];
  mounts: MountSummary<Data>[];
  imports: { module: string; names: { imported: string; local: string }[] }[];
  /** The local name assigned to `module.exports`, when it is a plain name. */
  defaultExport: string | null;
  /**
   * Owners that are the first parameter of a function, by owner name: the function's name, or
   * null when anonymous. `async function authRoutes(fastify) { fastify.post(...) }` maps
   * `fastify` to `authRoutes`.
   */
  parameterOwners: Record<string, string | null>;
  functions: FunctionSummary<Data>[];
  symbols: Record<string, Data>;
  routeTables: RouteTableSummary[];
  nextMiddleware: NextMiddlewareSummary<Data> | null;
}

/** Callee names of constructors whose mount sets the owner's own prefix and dependencies. */
const CONSTRUCTORS = new Set(['Blueprint', 'APIRouter', 'FastAPI', 'Starlette', 'Router', 'KoaRouter']);

const NEXT_MIDDLEWARE_FILE = /(?:^|\/)(?:src\/)?middleware\.(?:js|ts|mjs|cjs)$/;

/**
 * Builds the route summary of one file: its routes and mounts without expressions, with rule data
 * from `describer`, plus the imports, exports and tables that link routers across files.
 * Returns null when the file has nothing that takes part in routing.
 */
export function summarizeRoutes<Data>(
  file: FileModel,
  describer: RouteDescriber<Data> = {},
): RouteFileSummary<Data> | null {
  const nextMiddleware = findNextMiddleware(file, describer);
  const symbols = collectSymbols(file, describer);
  const functions = collectFunctions(file, describer);
  const hasRouting = file.routes.length > 0 || file.mounts.length > 0 || nextMiddleware !== null;
  if (!hasRouting && Object.keys(symbols).length === 0 && functions.length === 0) {
    return null;
  }

  const functionsById = new Map(file.functions.map((fn) => [fn.id, fn]));
  const describeRef = (ref: MiddlewareRef): RefSummary<Data> => ({
    path: ref.path,
    range: ref.range,
    data: describer.middleware?.(ref, file) ?? null,
  });
  const routes = file.routes.map((route) => ({
    framework: route.framework,
    methods: route.methods,
    path: route.path,
    owner: route.owner,
    handlerName: route.handlerName,
    functionName: route.handlerId === null ? null : (functionsById.get(route.handlerId)?.name ?? null),
    middleware: route.middleware.map(describeRef),
    handlerData: describer.handler?.(route, file) ?? null,
    range: route.range,
  }));
  const mounts = file.mounts.map((mount) => ({
    framework: mount.framework,
    owner: mount.owner,
    prefix: mount.prefix,
    refs: mount.middleware.map(describeRef),
    isConstructor: isConstructorMount(file, mount),
    range: mount.range,
  }));

  return {
    path: file.path,
    routes,
    mounts,
    imports: file.imports.map(({ module, names }) => ({ module, names })),
    defaultExport: findDefaultExport(file),
    parameterOwners: findParameterOwners(file),
    functions,
    symbols,
    routeTables: findRouteTables(file),
    nextMiddleware,
  };
}

function isConstructorMount(file: FileModel, mount: MountFact): boolean {
  const call = file.calls.find((fact) => sameRange(fact.call.range, mount.range));
  if (call?.call.calleePath) {
    const name = call.call.calleePath.split('.').pop() ?? '';
    if (CONSTRUCTORS.has(name)) {
      return true;
    }
  }
  return file.bindings.some(
    (binding) => binding.name === mount.owner && isConstructorValue(binding.value, mount.range),
  );
}

/** True when `value` is the call at `range`, possibly awaited: `const router = new Router({ prefix })`. */
function isConstructorValue(value: Expr, range: Range): boolean {
  if (value.kind === 'call') {
    return sameRange(value.range, range);
  }
  return value.kind === 'other' && value.children.some((child) => isConstructorValue(child, range));
}

/** `module.exports = router` and TypeScript `export = router`, read from the assignment. */
function findDefaultExport(file: FileModel): string | null {
  for (const assignment of file.propertyAssignments) {
    if (assignment.targetPath === 'module.exports' && assignment.value.kind === 'identifier') {
      return assignment.value.name;
    }
  }
  return null;
}

function findParameterOwners(file: FileModel): Record<string, string | null> {
  const owners: Record<string, string | null> = {};
  const facts: { owner: string | null; range: Range }[] = [...file.routes, ...file.mounts];
  for (const fact of facts) {
    if (fact.owner === null || fact.owner in owners) {
      continue;
    }
    const fn = findParameterFunction(file, fact.owner, fact.range);
    if (fn) {
      owners[fact.owner] = fn.name;
    }
  }
  return owners;
}

/** The innermost function around `range` whose first parameter is `owner`. */
function findParameterFunction(file: FileModel, owner: string, range: Range): FunctionFact | null {
  let found: FunctionFact | null = null;
  for (const fn of file.functions) {
    if (fn.parameters[0]?.name === owner && containsRange(fn.range, range)) {
      if (!found || containsRange(found.range, fn.range)) {
        found = fn;
      }
    }
  }
  return found;
}

function collectSymbols<Data>(file: FileModel, describer: RouteDescriber<Data>): Record<string, Data> {
  const symbols: Record<string, Data> = {};
  if (!describer.symbol) {
    return symbols;
  }
  const names = new Set<string>();
  for (const fn of file.functions) {
    if (fn.parentId === 0 && fn.className === null && fn.name !== null) {
      names.add(fn.name);
    }
  }
  for (const binding of file.bindings) {
    if (binding.functionId === 0) {
      names.add(binding.name);
    }
  }
  for (const name of names) {
    const data = describer.symbol(name, file);
    if (data !== null) {
      symbols[name] = data;
    }
  }
  return symbols;
}

/** Module-level functions with decorators, which Django URL configurations name from elsewhere. */
function collectFunctions<Data>(file: FileModel, describer: RouteDescriber<Data>): FunctionSummary<Data>[] {
  const functions: FunctionSummary<Data>[] = [];
  for (const fn of file.functions) {
    if (fn.parentId !== 0 || fn.className !== null || fn.name === null || fn.decorators.length === 0) {
      continue;
    }
    const decorators = fn.decorators.map((decorator) => {
      const ref: MiddlewareRef = { path: decorator.path, expr: null, range: decorator.range };
      return { path: decorator.path, range: decorator.range, data: describer.middleware?.(ref, file) ?? null };
    });
    functions.push({ name: fn.name, decorators, data: null });
  }
  return functions;
}

/** Arrays of object literals with string values and plain-name values, at module level. */
function findRouteTables(file: FileModel): RouteTableSummary[] {
  const tables: RouteTableSummary[] = [];
  for (const binding of file.bindings) {
    if (binding.functionId !== 0 || binding.value.kind !== 'array') {
      continue;
    }
    const entries: RouteTableSummary['entries'] = [];
    for (const item of binding.value.items) {
      if (item.kind !== 'object') {
        continue;
      }
      const values: Record<string, string> = {};
      const references: Record<string, string> = {};
      for (const entry of item.entries) {
        if (entry.key === null) {
          continue;
        }
        const plain = getPlainPath(entry.value);
        if (entry.value.kind === 'string') {
          values[entry.key] = entry.value.value;
        } else if (plain !== null) {
          references[entry.key] = plain;
        }
      }
      if (Object.keys(values).length > 0 && Object.keys(references).length > 0) {
        entries.push({ values, references });
      }
    }
    if (entries.length > 0) {
      tables.push({ entries });
    }
  }
  return tables;
}

/**
 * Next.js runs `middleware.ts` beside `pages`/`app` (or in `src/`) before every matching request.
 * The reference's expression is the exported `middleware` function, so a describer can read it.
 */
function findNextMiddleware<Data>(
  file: FileModel,
  describer: RouteDescriber<Data>,
): NextMiddlewareSummary<Data> | null {
  if (!NEXT_MIDDLEWARE_FILE.test(file.path) || file.language === 'python') {
    return null;
  }
  const fn =
    file.functions.find((candidate) => candidate.name === 'middleware' && candidate.parentId === 0) ??
    file.functions.find((candidate) => candidate.parentId === 0);
  if (!fn) {
    return null;
  }
  const expr: Expr = { kind: 'function', functionId: fn.id, range: fn.range, text: fn.name ?? '' };
  const ref: MiddlewareRef = { path: fn.name ?? 'middleware', expr, range: fn.nameRange };
  return {
    matchers: findMatchers(file),
    ref: { path: ref.path, range: ref.range, data: describer.middleware?.(ref, file) ?? null },
  };
}

function findMatchers(file: FileModel): string[] | null {
  const config = file.bindings.find((binding) => binding.name === 'config' && binding.functionId === 0);
  if (config?.value.kind !== 'object') {
    return null;
  }
  const matcher = config.value.entries.find((entry) => entry.key === 'matcher')?.value;
  if (!matcher) {
    return null;
  }
  const items = matcher.kind === 'array' ? matcher.items : [matcher];
  const matchers: string[] = [];
  for (const item of items) {
    if (item.kind === 'string') {
      matchers.push(item.value);
    } else if (item.kind === 'object') {
      const source = item.entries.find((entry) => entry.key === 'source')?.value;
      if (source?.kind === 'string') {
        matchers.push(source.value);
      }
    }
  }
  return matchers;
}

function getPlainPath(expr: Expr): string | null {
  if (expr.kind === 'identifier') {
    return expr.name;
  }
  if (expr.kind === 'member') {
    const object = getPlainPath(expr.object);
    return object === null ? null : `${object}.${expr.property}`;
  }
  return null;
}

function sameRange(left: Range, right: Range): boolean {
  return (
    left.startLine === right.startLine &&
    left.startColumn === right.startColumn &&
    left.endLine === right.endLine &&
    left.endColumn === right.endColumn
  );
}
