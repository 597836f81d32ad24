import type { Argument, Expr, Framework, MiddlewareRef, Range, RouteFact } from '../types.js';
import {
  getArgument,
  getKeyword,
  getLastSegment,
  getPositional,
  getReceiverPath,
  getStringItems,
  getStringValue,
  isCallTo,
} from './paths.js';
import {
  addRoute,
  getOwnerFramework,
  resolveHandler,
  sortBySource,
  toDependencyRefs,
  toMiddlewareRef,
  type Registry,
} from './registry.js';
import type { ClassRecord, DecoratorRecord, FunctionRecord } from './state.js';
import { findViewFramework, getViewMethod } from './views.js';

/** Route decorators named after one HTTP method: Flask 2 and FastAPI `@app.post('/p')`. */
const METHOD_DECORATORS = new Set(['get', 'post', 'put', 'delete', 'patch', 'head', 'options']);

/** Frameworks whose files can declare Starlette `Route(...)` objects. */
const ASGI = new Set<Framework>(['starlette', 'fastapi']);

/** Django URL functions that bind a path to a view or to an included URL module. */
const DJANGO_URL_CALLS = new Set(['path', 're_path', 'url']);

/**
 * Class attributes of a view that act as its middleware: DRF throttling, permissions and
 * authentication, and the decorator lists of Flask `MethodView` and Flask-RESTful `Resource`.
 */
const CLASS_MIDDLEWARE_ATTRIBUTES = new Set([
  'throttle_classes',
  'throttle_scope',
  'permission_classes',
  'authentication_classes',
  'decorators',
  'method_decorators',
]);

const INCLUDE_CALLS = new Set(['include']);

/**
 * Adds the routes that decorators declare: `@app.route`, `@bp.get`, `@router.post`,
 * `@app.api_route` and DRF `@api_view`. Each route's middleware is the handler's other decorators,
 * the route's `dependencies=[...]` and the handler's `Depends(...)` parameters, in source order.
 */
export function collectDecoratorRoutes(registry: Registry): void {
  for (const record of registry.state.functions) {
    const routes: RouteFact[] = [];
    for (const decorator of record.decorators) {
      const route = readDecoratorRoute(registry, decorator, record);
      if (route) {
        registry.routeDecorators.add(decorator);
        routes.push(route);
      }
    }
    if (routes.length === 0) {
      continue;
    }
    const shared = getHandlerMiddleware(registry, record);
    for (const route of routes) {
      route.middleware = sortBySource([...route.middleware, ...shared]);
      addRoute(registry, route);
    }
  }
}

/**
 * Adds the routes that calls register: Flask `add_url_rule` and Flask-RESTful `add_resource`,
 * FastAPI `add_api_route`, Starlette `Route(...)`, DRF `router.register(...)`, and Django
 * `path`/`re_path`/`url` (a Django `include(...)` becomes a mount instead).
 */
export function collectCallRoutes(registry: Registry): void {
  const frameworks = registry.frameworks;
  for (const fact of registry.state.calls) {
    const call = fact.call;
    if (call.calleePath === null) {
      continue;
    }
    const name = getLastSegment(call.calleePath);
    const owner = getReceiverPath(call.calleePath);
    const args = call.arguments;

    if (owner !== null && (name === 'add_url_rule' || name === 'add_api_route')) {
      const isFlask = name === 'add_url_rule';
      addCallRoute(registry, {
        framework: isFlask ? 'flask' : 'fastapi',
        methods: readMethods(getKeyword(args, 'methods'), ['GET']),
        path: getStringValue(getArgument(args, 0, 'rule', 'path')),
        owner,
        handler: isFlask ? getArgument(args, 2, 'view_func') : getArgument(args, 1, 'endpoint'),
        middleware: toDependencyRefs(getKeyword(args, 'dependencies')),
        range: call.range,
      });
    } else if (owner !== null && name === 'add_resource' && frameworks.includes('flask')) {
      addCallRoute(registry, {
        framework: 'flask',
        methods: ['*'],
        path: getStringValue(getPositional(args, 1)),
        owner,
        handler: getPositional(args, 0),
        middleware: [],
        range: call.range,
      });
    } else if (owner !== null && name === 'register' && frameworks.includes('drf')) {
      const prefix = getStringValue(getArgument(args, 0, 'prefix'));
      const viewset = getArgument(args, 1, 'viewset');
      if (prefix !== null && viewset) {
        addCallRoute(registry, {
          framework: 'drf',
          methods: ['*'],
          path: prefix,
          owner,
          handler: viewset,
          middleware: [],
          range: call.range,
        });
      }
    } else if (name === 'Route' && frameworks.some((framework) => ASGI.has(framework))) {
      addStarletteRoute(registry, call.arguments, call.range);
    } else if (owner === null && DJANGO_URL_CALLS.has(name) && frameworks.includes('django')) {
      addDjangoUrl(registry, call.arguments, call.range);
    }
  }
}

/**
 * Adds one route per request method of a class-based view: DRF `APIView` and viewsets, Django
 * `View`, Flask `MethodView` and Starlette `HTTPEndpoint`. The path is not known here, because
 * the URL configuration names the class elsewhere.
 */
export function collectClassViewRoutes(registry: Registry): void {
  const state = registry.state;
  const classesByName = new Map(state.classes.map((record) => [record.name, record]));
  const frameworks = new Map<ClassRecord, Framework | null>();
  for (const record of state.functions) {
    const classRecord = record.classRecord;
    const name = record.fact.name;
    if (!classRecord || name === null) {
      continue;
    }
    let framework = frameworks.get(classRecord);
    if (framework === undefined) {
      framework = findViewFramework(classRecord, classesByName, registry.frameworks);
      frameworks.set(classRecord, framework);
    }
    const method = framework ? getViewMethod(framework, name) : null;
    if (!framework || !method) {
      continue;
    }

    const classMiddleware: MiddlewareRef[] = classRecord.attributes
      .filter((attribute) => CLASS_MIDDLEWARE_ATTRIBUTES.has(attribute.name))
      .map(({ name, value, range }) => ({ path: name, expr: value, range }));
    // NOTE: `@method_decorator(d, name='post')` on the class is kept on every method's route.
    const classDecorators = classRecord.decoratorRecords.map(toDecoratorRef);
    addRoute(registry, {
      framework,
      methods: [method],
      path: null,
      owner: classRecord.name,
      handlerId: record.fact.id,
      handlerName: `${classRecord.name}.${name}`,
      middleware: sortBySource([
        ...classDecorators,
        ...classMiddleware,
        ...getHandlerMiddleware(registry, record),
      ]),
      range: record.fact.range,
    });
  }
}

/**
 * Collects the handler's decorators that registered no route, and its `Depends(...)` parameters.
 */
export function getHandlerMiddleware(registry: Registry, record: FunctionRecord): MiddlewareRef[] {
  const refs: MiddlewareRef[] = [];
  for (const decorator of record.decorators) {
    if (!registry.routeDecorators.has(decorator)) {
      refs.push(toDecoratorRef(decorator));
    }
  }
  for (const dependency of record.dependencies) {
    refs.push(...toDependencyRefs(dependency));
  }
  return refs;
}

function toDecoratorRef(decorator: DecoratorRecord): MiddlewareRef {
  return { path: decorator.fact.path, expr: decorator.expr, range: decorator.fact.range };
}

function readDecoratorRoute(
  registry: Registry,
  decorator: DecoratorRecord,
  record: FunctionRecord,
): RouteFact | null {
  const path = decorator.fact.path;
  const name = getLastSegment(path);
  const owner = getReceiverPath(path);
  const args = decorator.fact.arguments ?? [];
  const base = {
    handlerId: record.fact.id,
    handlerName: record.fact.name,
    range: decorator.fact.range,
  };

  if (name === 'api_view') {
    const methods = readMethods(getArgument(args, 0, 'http_method_names'), ['GET']);
    return { framework: 'drf', methods, path: null, owner: null, middleware: [], ...base };
  }
  if (owner === null || decorator.fact.arguments === null) {
    return null;
  }

  const routePath = getStringValue(getArgument(args, 0, 'rule', 'path'));
  const middleware = toDependencyRefs(getKeyword(args, 'dependencies'));
  const framework = getOwnerFramework(registry, owner);
  if (name === 'route' || name === 'api_route') {
    const methods = readMethods(getKeyword(args, 'methods'), ['GET']);
    return { framework, methods, path: routePath, owner, middleware, ...base };
  }
  // Skip: `@mock.patch("pkg.module.name")` names an object to patch, and route paths start with `/`.
  if (METHOD_DECORATORS.has(name) && routePath !== null && isRoutePath(routePath)) {
    const methods = [name.toUpperCase()];
    return { framework, methods, path: routePath, owner, middleware, ...base };
  }
  return null;
}

/** True for a path a route decorator can take: empty (a router's root) or starting with `/`. */
function isRoutePath(path: string): boolean {
  return path === '' || path.startsWith('/');
}

/**
 * Upper-case methods of a `methods=[...]` list. `fallback` applies when the argument is absent
 * (Flask and FastAPI then serve GET), and `['*']` when the list is not a literal.
 */
function readMethods(expr: Expr | null, fallback: string[]): string[] {
  if (!expr) {
    return fallback;
  }
  const values = getStringItems(expr);
  return values ? values.map((value) => value.toUpperCase()) : ['*'];
}

interface CallRoute {
  framework: Framework;
  methods: string[];
  path: string | null;
  owner: string | null;
  handler: Expr | null;
  middleware: MiddlewareRef[];
  range: Range;
}

function addCallRoute(registry: Registry, route: CallRoute): void {
  const handler = resolveHandler(registry, route.handler);
  const record =
    handler.handlerId === null ? undefined : registry.state.functions[handler.handlerId - 1];
  const handlerMiddleware = record ? getHandlerMiddleware(registry, record) : [];
  addRoute(registry, {
    framework: route.framework,
    methods: route.methods,
    path: route.path,
    owner: route.owner,
    handlerId: handler.handlerId,
    handlerName: handler.handlerName,
    middleware: sortBySource([...route.middleware, ...handler.wrappers, ...handlerMiddleware]),
    range: route.range,
  });
}

/** `Route('/p', endpoint, methods=[...])`; a class endpoint serves every method it defines. */
function addStarletteRoute(registry: Registry, args: Argument[], range: Range): void {
  const handler = getArgument(args, 1, 'endpoint');
  const handlerPath = handler ? toMiddlewareRef(handler).path : '';
  const isClass = /^[A-Z]/.test(getLastSegment(handlerPath));
  addCallRoute(registry, {
    framework: 'starlette',
    methods: readMethods(getKeyword(args, 'methods'), isClass ? ['*'] : ['GET']),
    path: getStringValue(getArgument(args, 0, 'path')),
    owner: null,
    handler,
    middleware: [],
    range,
  });
}

/**
 * `path('login/', views.login)` becomes a route owned by `urlpatterns`, and
 * `path('api/', include('api.urls'))` a mount of the included module under its prefix.
 */
function addDjangoUrl(registry: Registry, args: Argument[], range: Range): void {
  const path = getStringValue(getArgument(args, 0, 'route', 'regex'));
  const view = getArgument(args, 1, 'view');
  if (isCallTo(view, INCLUDE_CALLS)) {
    const included = getPositional(view.arguments, 0);
    const reference = included ? toMiddlewareRef(included).path : view.text;
    const module = getStringValue(included) ?? reference;
    registry.mounts.push({
      framework: 'django',
      owner: 'urlpatterns',
      prefix: path,
      middleware: [{ path: module, expr: view, range: view.range }],
      order: 0,
      range,
    });
    return;
  }
  addCallRoute(registry, {
    framework: 'django',
    methods: ['*'],
    path,
    owner: 'urlpatterns',
    handler: view,
    middleware: [],
    range,
  });
}
