import type { Framework } from '../types.js';
import { ModuleIndex } from './modules.js';
import { joinRoutePaths, nextMatcherCovers, prefixCovers } from './paths.js';
import type { MountSummary, RefSummary, RouteFileSummary, RouteSummary } from './summary.js';

/** Level at which a covering middleware was declared, from the outside in. */
export type CoverageLevel = 'global' | 'mount' | 'owner' | 'route';

/** A middleware, decorator, guard or dependency that runs before a route's handler. */
export interface CoveringRef<Data> {
  ref: RefSummary<Data>;
  /** File that declares it. */
  file: string;
  level: CoverageLevel;
  /** Full path prefix the mount covers; null when it covers everything its owner serves. */
  prefix: string | null;
}

/** A route with its full path and everything that runs before its handler. */
export interface ResolvedRoute<Data> {
  file: string;
  route: RouteSummary<Data>;
  framework: Framework;
  methods: string[];
  /** The path with every known mount prefix; null when the route's own path is not known. */
  fullPath: string | null;
  /** Handler name, from the URL configuration when a Django route names a view elsewhere. */
  handlerName: string | null;
  /** Covering middleware, outermost first: global, app and router mounts, then the route's own. */
  middleware: CoveringRef<Data>[];
  /** Rule data about the handler itself (see `RouteDescriber.handler`). */
  handlerData: Data | null;
  /** True when the route's router was mounted nowhere that the scan could see. */
  isOrphan: boolean;
}

/** Frameworks that run middleware in registration order, so a later `app.use` misses earlier routes. */
const ORDERED_FRAMEWORKS = new Set<Framework>(['express', 'koa']);

/** Methods of a router object that return its middleware: Koa `router.routes()`, Django `router.urls`. */
const ROUTER_ACCESSORS = new Set(['routes', 'middleware', 'urls']);

/** Mount owner of Django's `MIDDLEWARE` and DRF's `REST_FRAMEWORK` defaults. */
const SETTINGS_OWNER = 'settings';

/** Limits the prefixes followed per route, in case a router is mounted in many places. */
const MAX_PATHS_PER_ROUTE = 16;
const MAX_IMPORT_HOPS = 6;

interface OwnerNode<Data> {
  key: string;
  file: string;
  owner: string;
  routes: RouteSummary<Data>[];
  mounts: MountSummary<Data>[];
  parents: ParentLink<Data>[];
}

interface ParentLink<Data> {
  parent: OwnerNode<Data>;
  prefix: string | null;
  mount: MountSummary<Data>;
  /** The mount's reference that names the child router. */
  ref: RefSummary<Data>;
}

interface PathState<Data> {
  /** Path below the current owner. */
  path: string | null;
  /** Position of the route, or of the child router's reference in its mount, in the current owner. */
  entry: { file: string; line: number; column: number } | null;
  below: CoveringRef<Data>[];
}

/**
 * Resolves every route of the project from per-file summaries. Routers are linked to the mounts
 * that name them, across files through relative and package imports, and Django URL entries to
 * the views they name. Each result is one full path of a route with the middleware that runs
 * before its handler, in order. Middleware mounted on another prefix is left out, and so is
 * middleware registered after the route in Express and Koa.
 */
export function resolveRoutes<Data>(summaries: RouteFileSummary<Data>[]): ResolvedRoute<Data>[] {
  const graph = new RouteGraph(summaries);
  return graph.resolveAll();
}

class RouteGraph<Data> {
  private readonly byPath = new Map<string, RouteFileSummary<Data>>();
  private readonly modules: ModuleIndex;
  private readonly nodes = new Map<string, OwnerNode<Data>>();
  private readonly routerRefs = new Set<RefSummary<Data>>();
  private readonly joinedViews = new Set<RouteSummary<Data>>();

  constructor(private readonly summaries: RouteFileSummary<Data>[]) {
    for (const summary of summaries) {
      this.byPath.set(summary.path, summary);
    }
    this.modules = new ModuleIndex(this.byPath.keys());
    for (const summary of summaries) {
      for (const route of summary.routes) {
        this.getNode(summary.path, route.owner).routes.push(route);
      }
      for (const mount of summary.mounts) {
        this.getNode(summary.path, mount.owner).mounts.push(mount);
      }
    }
    for (const summary of summaries) {
      for (const mount of summary.mounts) {
        this.linkMount(summary, mount);
      }
    }
  }

  resolveAll(): ResolvedRoute<Data>[] {
    const resolved: ResolvedRoute<Data>[] = [];
    const joined: ResolvedRoute<Data>[] = [];
    for (const summary of this.summaries) {
      for (const route of summary.routes) {
        for (const result of this.resolveRoute(summary, route)) {
          joined.push(...this.joinViews(summary, result));
        }
      }
    }
    for (const result of joined) {
      if (!this.joinedViews.has(result.route) || result.fullPath !== null) {
        resolved.push(result);
      }
    }
    return resolved;
  }

  private resolveRoute(summary: RouteFileSummary<Data>, route: RouteSummary<Data>): ResolvedRoute<Data>[] {
    const node = this.getNode(summary.path, route.owner);
    const routeRefs: CoveringRef<Data>[] = route.middleware.map((ref) => ({
      ref,
      file: summary.path,
      level: 'route',
      prefix: null,
    }));
    const start: PathState<Data> = {
      path: route.path === null ? null : joinRoutePaths(null, route.path),
      entry: { file: summary.path, line: route.range.startLine, column: route.range.startColumn },
      below: routeRefs,
    };
    const ends: { state: PathState<Data>; isOrphan: boolean }[] = [];
    this.climb(node, start, new Set(), ends);

    return ends.map(({ state, isOrphan }) => ({
      file: summary.path,
      route,
      framework: route.framework,
      methods: route.methods,
      fullPath: state.path,
      handlerName: route.handlerName,
      middleware: [...this.getGlobalRefs(summary.path, route.framework, state.path), ...state.below],
      handlerData: route.handlerData,
      isOrphan,
    }));
  }

  /** Walks from an owner to every root that mounts it, collecting covering middleware. */
  private climb(
    node: OwnerNode<Data>,
    state: PathState<Data>,
    visiting: Set<string>,
    ends: { state: PathState<Data>; isOrphan: boolean }[],
  ): void {
    if (ends.length >= MAX_PATHS_PER_ROUTE) {
      return;
    }
    const constructor = node.mounts.find((mount) => mount.isConstructor);
    const ownPrefix = constructor?.prefix ?? null;
    const isFlask = constructor?.framework === 'flask';
    const levelRefs: CoveringRef<Data>[] = [];
    for (const mount of node.mounts) {
      if (mount.isConstructor) {
        levelRefs.push(...this.toCovering(node.file, mount.refs, 'owner', null));
      } else if (prefixCovers(mount.prefix, state.path)) {
        // Per reference, so that `app.use('/auth', authLimiter, authRouter)` covers the router.
        const refs = mount.refs.filter((ref) => this.isBefore(node, mount.framework, ref, state));
        levelRefs.push(...this.toCovering(node.file, refs, 'mount', mount.prefix));
      }
    }
    const below = [...levelRefs, ...state.below];

    const parents = node.parents.filter((link) => !visiting.has(link.parent.key));
    if (parents.length === 0) {
      const path = state.path === null ? null : joinRoutePaths(ownPrefix, state.path);
      ends.push({ state: { ...state, path, below }, isOrphan: node.parents.length === 0 && this.isRouter(node) });
      return;
    }
    visiting.add(node.key);
    for (const link of parents) {
      // A Flask blueprint's `url_prefix` at registration replaces the one it was created with.
      const inner = isFlask && link.prefix !== null ? null : ownPrefix;
      const path = state.path === null ? null : joinRoutePaths(link.prefix, joinRoutePaths(inner, state.path));
      const entry = { file: link.parent.file, line: link.ref.range.startLine, column: link.ref.range.startColumn };
      this.climb(link.parent, { path, entry, below }, visiting, ends);
    }
    visiting.delete(node.key);
  }

  /**
   * In Express and Koa, only middleware registered before the route or router runs before it,
   * including middleware listed before the router in the same `app.use(prefix, ...)` call.
   */
  private isBefore(
    node: OwnerNode<Data>,
    framework: Framework,
    ref: RefSummary<Data>,
    state: PathState<Data>,
  ): boolean {
    if (!ORDERED_FRAMEWORKS.has(framework) || !state.entry || state.entry.file !== node.file) {
      return true;
    }
    const { line, column } = state.entry;
    return ref.range.startLine < line || (ref.range.startLine === line && ref.range.startColumn < column);
  }

  private toCovering(
    file: string,
    refs: RefSummary<Data>[],
    level: CoverageLevel,
    prefix: string | null,
  ): CoveringRef<Data>[] {
    const summary = this.byPath.get(file)!;
    return refs
      .filter((ref) => !this.routerRefs.has(ref))
      .map((ref) => ({ ref: this.withSymbolData(summary, ref), file, level, prefix }));
  }

  /** Fills a reference's data from the symbol it imports: `app.use(authLimiter)` from another file. */
  private withSymbolData(summary: RouteFileSummary<Data>, ref: RefSummary<Data>): RefSummary<Data> {
    if (ref.data !== null) {
      return ref;
    }
    const local = summary.symbols[ref.path];
    if (local !== undefined) {
      return { ...ref, data: local };
    }
    const target = this.findImportedSymbol(summary, ref.path);
    return target === null ? ref : { ...ref, data: target };
  }

  private findImportedSymbol(summary: RouteFileSummary<Data>, name: string): Data | null {
    const head = name.split('.')[0]!;
    for (const fact of summary.imports) {
      const imported = fact.names.find((candidate) => candidate.local === head);
      const bare = fact.names.length === 0 && name === fact.module;
      if (!imported && !bare) {
        continue;
      }
      const target = this.resolveModule(summary.path, fact.module, imported?.imported);
      const targetSummary = target === null ? undefined : this.byPath.get(target.file);
      if (!targetSummary) {
        return null;
      }
      const rest = name.split('.').slice(1);
      const symbol = target!.name ?? rest[0] ?? imported?.imported ?? '';
      const data = targetSummary.symbols[symbol];
      if (data !== undefined) {
        return data;
      }
      const exported = targetSummary.defaultExport;
      return exported === null ? null : (targetSummary.symbols[exported] ?? null);
    }
    return null;
  }

  /** Global middleware: Django settings, NestJS global guards and module providers, Next.js middleware. */
  private getGlobalRefs(file: string, framework: Framework, path: string | null): CoveringRef<Data>[] {
    const refs: CoveringRef<Data>[] = [];
    for (const summary of this.summaries) {
      for (const mount of summary.mounts) {
        const isSettings =
          (framework === 'django' || framework === 'drf') &&
          mount.owner === SETTINGS_OWNER &&
          (mount.framework === 'django' || mount.framework === 'drf');
        const isNest = framework === 'nestjs' && mount.framework === 'nestjs';
        if (isSettings || isNest) {
          refs.push(...mount.refs.map((ref) => ({ ref, file: summary.path, level: 'global' as const, prefix: null })));
        }
      }
      const next = summary.nextMiddleware;
      if (framework === 'nextjs' && next && isNextRootOf(summary.path, file)) {
        const matches = next.matchers === null || path === null || next.matchers.some((m) => nextMatcherCovers(m, path));
        if (matches) {
          refs.push({ ref: next.ref, file: summary.path, level: 'global', prefix: null });
        }
      }
    }
    return refs;
  }

  /**
   * Django URL entries name views defined elsewhere: `path('login/', views.login)` takes the
   * decorators of `login`, and `LoginView.as_view()` or a DRF viewset takes the method, throttle
   * classes and decorators of each route the class view declares.
   */
  private joinViews(summary: RouteFileSummary<Data>, result: ResolvedRoute<Data>): ResolvedRoute<Data>[] {
    const route = result.route;
    if ((route.framework !== 'django' && route.framework !== 'drf') || route.handlerName === null || route.functionName !== null) {
      return [result];
    }
    const target = this.resolveName(summary, route.handlerName);
    const name = target?.name ?? route.handlerName.split('.').pop()!;
    const files = target ? [target.file] : this.summaries.map((candidate) => candidate.path);
    const views: { file: string; route: RouteSummary<Data> }[] = [];
    const decorators: CoveringRef<Data>[] = [];
    for (const file of files) {
      const viewSummary = this.byPath.get(file);
      if (!viewSummary) {
        continue;
      }
      for (const candidate of viewSummary.routes) {
        const isClassView = candidate.owner === name && candidate.path === null;
        const isFunctionView = candidate.owner === null && candidate.path === null && candidate.functionName === name;
        if (isClassView || isFunctionView) {
          views.push({ file, route: candidate });
        }
      }
      const fn = viewSummary.functions.find((candidate) => candidate.name === name);
      if (fn && views.length === 0) {
        decorators.push(...fn.decorators.map((ref) => ({ ref, file, level: 'route' as const, prefix: null })));
      }
    }
    if (views.length === 0) {
      return [{ ...result, middleware: [...result.middleware, ...decorators] }];
    }
    return views.map((view) => {
      this.joinedViews.add(view.route);
      const viewRefs = view.route.middleware.map((ref) => ({ ref, file: view.file, level: 'route' as const, prefix: null }));
      return {
        ...result,
        file: view.file,
        route: view.route,
        framework: view.route.framework,
        methods: view.route.methods,
        handlerName: view.route.handlerName,
        middleware: [...result.middleware, ...viewRefs],
        handlerData: view.route.handlerData,
      };
    });
  }

  private linkMount(summary: RouteFileSummary<Data>, mount: MountSummary<Data>): void {
    if (mount.isConstructor) {
      return;
    }
    const parent = this.getNode(summary.path, mount.owner);
    for (const ref of mount.refs) {
      const child = this.resolveRouterRef(summary, ref.path, mount.framework);
      if (child && child !== parent) {
        this.routerRefs.add(ref);
        child.parents.push({ parent, prefix: mount.prefix, mount, ref });
      }
    }
    this.linkRouteTable(summary, mount, parent);
  }

  /**
   * `routes.forEach((route) => router.use(route.path, route.route))` over a table of
   * `{ path: '/auth', route: authRoute }` entries mounts each entry's router under its path.
   */
  private linkRouteTable(summary: RouteFileSummary<Data>, mount: MountSummary<Data>, parent: OwnerNode<Data>): void {
    if (mount.prefix !== null || mount.refs.length !== 2) {
      return;
    }
    const [first, second] = mount.refs.map((ref) => ref.path.split('.'));
    if (first!.length !== 2 || second!.length !== 2 || first![0] !== second![0]) {
      return;
    }
    const prefixKey = first![1]!;
    const routerKey = second![1]!;
    for (const table of summary.routeTables) {
      for (const entry of table.entries) {
        const prefix = entry.values[prefixKey];
        const router = entry.references[routerKey];
        const child = router === undefined ? null : this.resolveRouterRef(summary, router, mount.framework);
        const isLinked = child?.parents.some((link) => link.parent === parent && link.prefix === prefix);
        if (prefix !== undefined && child && child !== parent && !isLinked) {
          mount.refs.forEach((ref) => this.routerRefs.add(ref));
          child.parents.push({ parent, prefix, mount, ref: mount.refs[1]! });
        }
      }
    }
  }

  /** The owner node a mounted reference names, or null when it is plain middleware. */
  private resolveRouterRef(
    summary: RouteFileSummary<Data>,
    refPath: string,
    framework: Framework,
    hops = 0,
  ): OwnerNode<Data> | null {
    if (hops > MAX_IMPORT_HOPS) {
      return null;
    }
    if (framework === 'django' && summary.path.endsWith('.py') && /^[\w.]+$/.test(refPath)) {
      const target = this.modules.resolvePython(summary.path, refPath);
      const node = target === null ? undefined : this.nodes.get(toKey(target, 'urlpatterns'));
      if (node) {
        return node;
      }
    }
    const segments = refPath.split('.');
    if (segments.length > 1 && ROUTER_ACCESSORS.has(segments[segments.length - 1]!)) {
      return this.resolveRouterRef(summary, segments.slice(0, -1).join('.'), framework, hops);
    }
    if (refPath.startsWith('.') && !summary.path.endsWith('.py')) {
      const target = this.modules.resolveScript(summary.path, refPath);
      return target === null ? null : this.pickDefaultOwner(target);
    }
    const local = this.nodes.get(toKey(summary.path, refPath));
    if (local && !this.isImported(summary, refPath)) {
      return local;
    }
    const pluginOwner = this.findPluginOwner(summary, refPath);
    if (pluginOwner) {
      return pluginOwner;
    }
    const target = this.resolveName(summary, refPath);
    if (!target) {
      return null;
    }
    const targetSummary = this.byPath.get(target.file);
    if (!targetSummary) {
      return null;
    }
    if (target.name === null) {
      return this.pickDefaultOwner(target.file);
    }
    return (
      this.findPluginOwner(targetSummary, target.name) ??
      this.resolveRouterRef(targetSummary, target.name, framework, hops + 1) ??
      this.nodes.get(toKey(target.file, target.name)) ??
      null
    );
  }

  /** The owner inside a Fastify plugin function `name`: `async function auth(fastify) {...}`. */
  private findPluginOwner(summary: RouteFileSummary<Data>, name: string | null): OwnerNode<Data> | null {
    for (const [owner, functionName] of Object.entries(summary.parameterOwners)) {
      if (functionName === name) {
        return this.nodes.get(toKey(summary.path, owner)) ?? null;
      }
    }
    return null;
  }

  /**
   * Finds the owner a file exports by default: `module.exports = router`, the single plugin parameter,
   * or the only owner that declares routes.
   */
  private pickDefaultOwner(file: string): OwnerNode<Data> | null {
    const summary = this.byPath.get(file);
    if (!summary) {
      return null;
    }
    if (summary.defaultExport !== null) {
      const exported = this.nodes.get(toKey(file, summary.defaultExport));
      if (exported) {
        return exported;
      }
    }
    const pluginOwners = Object.keys(summary.parameterOwners);
    if (pluginOwners.length === 1) {
      return this.nodes.get(toKey(file, pluginOwners[0]!)) ?? null;
    }
    const owners = new Set(summary.routes.map((route) => route.owner).filter((owner) => owner !== null));
    for (const mount of summary.mounts) {
      if (mount.owner !== null && mount.refs.length > 0) {
        owners.add(mount.owner);
      }
    }
    if (owners.has('urlpatterns')) {
      return this.nodes.get(toKey(file, 'urlpatterns')) ?? null;
    }
    return owners.size === 1 ? (this.nodes.get(toKey(file, [...owners][0]!)) ?? null) : null;
  }

  /**
   * Resolves a dotted name through the file's imports to the file that defines it and the name
   * there. The name is null when the import names a whole module or its default export.
   */
  private resolveName(summary: RouteFileSummary<Data>, dotted: string): { file: string; name: string | null } | null {
    const segments = dotted.split('.');
    for (const fact of summary.imports) {
      for (const imported of fact.names) {
        const localSegments = imported.local.split('.');
        const matches = localSegments.every((segment, index) => segments[index] === segment);
        if (!matches || imported.imported === '*') {
          continue;
        }
        const rest = segments.slice(localSegments.length);
        const target = this.resolveModule(summary.path, fact.module, imported.imported);
        if (!target) {
          return null;
        }
        if (target.name === null) {
          return { file: target.file, name: rest.length > 0 ? rest.join('.') : null };
        }
        return { file: target.file, name: [target.name, ...rest].join('.') };
      }
    }
    return null;
  }

  /**
   * The file an import names, and the name inside it: `from app.api.routes import login` may
   * import the module `login` (name null) or a name defined in `routes`.
   */
  private resolveModule(
    fromFile: string,
    module: string,
    imported: string | undefined,
  ): { file: string; name: string | null } | null {
    if (fromFile.endsWith('.py')) {
      if (imported !== undefined && imported === module) {
        const file = this.modules.resolvePython(fromFile, module);
        return file === null ? null : { file, name: null };
      }
      if (imported !== undefined) {
        const submodule = module.endsWith('.') ? module + imported : `${module}.${imported}`;
        const subFile = this.modules.resolvePython(fromFile, submodule);
        if (subFile !== null) {
          return { file: subFile, name: null };
        }
      }
      const file = this.modules.resolvePython(fromFile, module);
      return file === null ? null : { file, name: imported ?? null };
    }
    const file = this.modules.resolveScript(fromFile, module);
    if (file === null) {
      return null;
    }
    return { file, name: imported === undefined || imported === 'default' ? null : imported };
  }

  private isImported(summary: RouteFileSummary<Data>, name: string): boolean {
    const head = name.split('.')[0];
    return summary.imports.some((fact) => fact.names.some((imported) => imported.local.split('.')[0] === head));
  }

  /**
   * Returns the node of an owner, keyed by the file that defines it: `from app.auth import bp` in
   * `routes.py` makes `bp` the blueprint of `app/auth/__init__.py`.
   */
  private getNode(file: string, owner: string | null, hops = 0): OwnerNode<Data> {
    const name = owner ?? '';
    const summary = this.byPath.get(file);
    if (summary && owner !== null && hops < MAX_IMPORT_HOPS && this.isImported(summary, owner)) {
      const target = this.resolveName(summary, owner);
      if (target && target.name !== null && target.file !== file) {
        return this.getNode(target.file, target.name, hops + 1);
      }
    }
    const key = toKey(file, name);
    let node = this.nodes.get(key);
    if (!node) {
      node = { key, file, owner: name, routes: [], mounts: [], parents: [] };
      this.nodes.set(key, node);
    }
    return node;
  }

  /**
   * True for an owner that only serves under a mount: an Express or Koa router (`router`,
   * `authRoutes`) or a Fastify plugin's parameter, which autoloading can register unseen.
   */
  private isRouter(node: OwnerNode<Data>): boolean {
    const summary = this.byPath.get(node.file);
    if (summary && node.owner in summary.parameterOwners) {
      return true;
    }
    const framework = node.routes[0]?.framework;
    return (framework === 'express' || framework === 'koa') && /router|routes/i.test(node.owner);
  }
}

function toKey(file: string, owner: string): string {
  return `${file}\u0000${owner}`;
}

/**
 * True when a Next.js `middleware.ts` applies to `routeFile`: it sits in the folder that contains
 * the route's `pages` or `app` folder, or in that folder's `src`.
 */
function isNextRootOf(middlewareFile: string, routeFile: string): boolean {
  const middlewareDir = middlewareFile.includes('/') ? middlewareFile.slice(0, middlewareFile.lastIndexOf('/') + 1) : '';
  const match = /^(.*?)(?:src\/)?(?:pages|app)\//.exec(routeFile);
  if (!match) {
    return false;
  }
  const root = match[1]!;
  return middlewareDir === root || middlewareDir === `${root}src/`;
}
