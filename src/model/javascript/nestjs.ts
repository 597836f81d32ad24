import type {
  DecoratorFact,
  Expr,
  FunctionFact,
  FunctionRefExpr,
  MiddlewareRef,
  ObjectExpr,
} from '../types.js';
import type { ClassInfo, ModelBuilder } from './context.js';
import { getEntry, getLastSegment, getNumberValue, getPath, getStringValue } from './paths.js';
import {
  NEST_MODULE_OWNER,
  addMount,
  addPendingRoute,
  getMiddlewarePath,
  makeMount,
  makeRoute,
} from './routes.js';

/** NestJS route decorators and the HTTP method each serves. */
const NEST_ROUTE_DECORATORS = new Map([
  ['Get', 'GET'],
  ['Post', 'POST'],
  ['Put', 'PUT'],
  ['Patch', 'PATCH'],
  ['Delete', 'DELETE'],
  ['Options', 'OPTIONS'],
  ['Head', 'HEAD'],
  ['All', '*'],
]);

/** Tokens of NestJS global enhancers provided by a module (`{ provide: APP_GUARD, ... }`). */
const GLOBAL_ENHANCER_TOKENS = new Set(['APP_GUARD', 'APP_INTERCEPTOR', 'APP_FILTER', 'APP_PIPE']);
const PROVIDER_VALUE_KEYS = ['useClass', 'useExisting', 'useValue', 'useFactory'];

/**
 * Records what a class method means to NestJS: a route when the class has `@Controller` and the
 * method an HTTP-method decorator, an error handler for `catch` of an `@Catch` filter, and the
 * status of `@HttpCode(n)`.
 */
export function recordNestMember(
  b: ModelBuilder,
  fact: FunctionFact,
  classInfo: ClassInfo,
  decoratorExprs: Expr[],
): void {
  const controller = findDecorator(classInfo.decorators, 'Controller');
  if (controller) {
    recordNestRoute(b, fact, classInfo, controller, decoratorExprs);
  }
  const catchDecorator = findDecorator(classInfo.decorators, 'Catch');
  if (catchDecorator && fact.name === 'catch') {
    const types = (catchDecorator.arguments ?? [])
      .map((argument) => getPath(argument.value))
      .filter((type): type is string => type !== null);
    b.pendingErrorHandlers.push({
      handler: makeReference(fact),
      framework: 'nestjs',
      owner: null,
      types,
    });
  }
}

function recordNestRoute(
  b: ModelBuilder,
  fact: FunctionFact,
  classInfo: ClassInfo,
  controller: DecoratorFact,
  decoratorExprs: Expr[],
): void {
  const routeIndex = fact.decorators.findIndex((decorator) =>
    NEST_ROUTE_DECORATORS.has(getLastSegment(decorator.path)),
  );
  const httpCode = findDecorator(fact.decorators, 'HttpCode');
  const status = getNumberValue(httpCode?.arguments?.[0]?.value);
  if (status !== null) {
    b.httpCodes.set(fact.id, status);
  }
  if (routeIndex === -1) {
    return;
  }
  const routeDecorator = fact.decorators[routeIndex]!;
  const method = NEST_ROUTE_DECORATORS.get(getLastSegment(routeDecorator.path))!;
  // The path joins the controller and method paths without outer slashes, as Nest resolves
  // them: `@Controller('/auth')` with `@Post('login/')` gives `auth/login`.
  const path = joinPaths(
    getDecoratorPath(controller.arguments?.[0]?.value),
    getDecoratorPath(routeDecorator.arguments?.[0]?.value),
  );

  const middleware: MiddlewareRef[] = [];
  classInfo.decorators.forEach((decorator, index) => {
    if (decorator !== controller) {
      addDecoratorRefs(decorator, classInfo.decoratorExprs[index]!, middleware);
    }
  });
  fact.decorators.forEach((decorator, index) => {
    if (index !== routeIndex) {
      addDecoratorRefs(decorator, decoratorExprs[index]!, middleware);
    }
  });

  const route = makeRoute(b, [method], path, classInfo.name, middleware, routeDecorator.range);
  route.handlerName = classInfo.name && fact.name ? `${classInfo.name}.${fact.name}` : fact.name;
  addPendingRoute(b, route, 'nestjs', makeReference(fact), []);
}

/** `@UseGuards(A, B)` and the other `@Use...` decorators give one reference per argument. */
function addDecoratorRefs(decorator: DecoratorFact, expr: Expr, refs: MiddlewareRef[]): void {
  const name = getLastSegment(decorator.path);
  if (name.startsWith('Use') && decorator.arguments && decorator.arguments.length > 0) {
    for (const argument of decorator.arguments) {
      refs.push({
        path: getMiddlewarePath(argument.value),
        expr: argument.value,
        range: argument.value.range,
      });
    }
    return;
  }
  refs.push({ path: decorator.path, expr, range: decorator.range });
}

/** Returns the path of `@Controller('auth')`, `@Controller({ path: 'auth' })` or `@Get(['a'])`. */
function getDecoratorPath(value: Expr | undefined): string {
  if (!value) {
    return '';
  }
  if (value.kind === 'object') {
    return getDecoratorPath(getEntry(value, 'path') ?? undefined);
  }
  if (value.kind === 'array') {
    return getDecoratorPath(value.items[0]);
  }
  return getStringValue(value) ?? '';
}

function joinPaths(...parts: string[]): string {
  return parts
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter((part) => part.length > 0)
    .join('/');
}

function findDecorator(decorators: DecoratorFact[], name: string): DecoratorFact | undefined {
  return decorators.find((decorator) => getLastSegment(decorator.path) === name);
}

function makeReference(fact: FunctionFact): FunctionRefExpr {
  return { kind: 'function', functionId: fact.id, range: fact.range, text: fact.name ?? '' };
}

/**
 * Records `{ provide: APP_GUARD, useClass: ThrottlerGuard }` in a NestJS module as a mount of
 * `ThrottlerGuard` on every route of the application.
 */
export function detectProviders(b: ModelBuilder, object: ObjectExpr): void {
  const token = getEntry(object, 'provide');
  const tokenPath = token ? getPath(token) : null;
  if (tokenPath === null || !GLOBAL_ENHANCER_TOKENS.has(getLastSegment(tokenPath))) {
    return;
  }
  for (const key of PROVIDER_VALUE_KEYS) {
    const value = getEntry(object, key);
    if (value) {
      const middleware = [{ path: getMiddlewarePath(value), expr: value, range: value.range }];
      addMount(b, makeMount(b, NEST_MODULE_OWNER, null, middleware, object.range), 'nestjs', []);
      return;
    }
  }
}
