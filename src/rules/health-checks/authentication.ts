import { splitWords, type NameTables } from '../../config/names.js';
import type { FileModel, FunctionFact, MiddlewareRef, RouteFact } from '../../model/types.js';
import { getSecurityContext } from '../shared/security-context.js';

/**
 * Words of decorators, middleware, guards and dependencies that let only known callers through:
 * `login_required`, `jwt_required`, `AuthGuard('jwt')`, `authenticate`, `passport.authenticate`,
 * `get_current_user`, `verify_api_key`, `IsAuthenticated`.
 */
const AUTHENTICATION_WORDS = new Set([
  'auth',
  'authenticate',
  'authenticated',
  'authentication',
  'authorize',
  'authorized',
  'authorization',
  'jwt',
  'passport',
  'bearer',
  'oauth',
  'oauth2',
  'permission',
  'permissions',
  'protect',
  'protected',
  'roles',
  'role',
  'apikey',
]);

/** Word pairs with the same meaning: `login_required`, `require_user`, `current_user`, `api_key`. */
const AUTHENTICATION_PHRASES = [
  ['login', 'required'],
  ['require', 'login'],
  ['require', 'user'],
  ['requires', 'user'],
  ['current', 'user'],
  ['active', 'user'],
  ['api', 'key'],
  ['verify', 'token'],
  ['token', 'required'],
  ['signed', 'in'],
  ['logged', 'in'],
];

/** Words that make a guard optional or public: `jwt_optional`, `@Public()`, `AllowAny`, `skipAuth`. */
const OPTIONAL_WORDS = new Set(['optional', 'public', 'anonymous', 'allow', 'skip', 'any', 'maybe']);

/**
 * True when only authenticated or authorized callers reach `handler`. Accepted are an
 * authentication or permission decorator, route middleware or guard, and a router-level guard
 * mounted before the route in the same file. So are an authenticated FastAPI dependency
 * parameter (`current_user: CurrentUser`) and a 401/403 outcome or admin check in the handler.
 */
export function isAuthenticated(
  file: FileModel,
  handler: FunctionFact | null,
  routes: RouteFact[],
  names: NameTables,
): boolean {
  for (const route of routes) {
    if (route.middleware.some((middleware) => isAuthenticationRef(middleware.path, middleware))) {
      return true;
    }
    if (isCoveredByMount(file, route)) {
      return true;
    }
  }
  if (handler === null) {
    return false;
  }
  const decorators = [...handler.decorators, ...handler.classDecorators];
  if (decorators.some((decorator) => isAuthenticationRef(decorator.path, null, decorator.arguments?.map((a) => a.value.text)))) {
    return true;
  }
  if (handler.classBases.some((base) => isAuthenticationText(base))) {
    return true;
  }
  if (handler.parameters.some((parameter) => parameter.type !== null && isAuthenticationText(parameter.type))) {
    return true;
  }
  // A 401/403 outcome or an admin check in the handler: `if not request.user.is_staff: abort(403)`.
  const context = getSecurityContext(file, handler.id, names);
  return context !== null && (context.kinds.includes('authorization') || context.kinds.includes('privileged'));
}

/** Route data the project-level resolver carries from a middleware, guard or symbol that authenticates. */
export interface AuthenticationData {
  authenticates: true;
}

/**
 * Describes a middleware, decorator, guard or dependency for the route resolver: data when it
 * authenticates (`authenticate`, `JwtAuthGuard`, `Depends(get_current_user)`), else null. With
 * it, a guard declared in another file covers the routes it runs before: a NestJS
 * `useGlobalGuards` or `APP_GUARD`, or `app.use('/internal', authenticate, router)`.
 */
export function describeAuthenticationRef(ref: MiddlewareRef): AuthenticationData | null {
  return isAuthenticationRef(ref.path, ref) ? { authenticates: true } : null;
}

/** Describes a module-level name that another file may mount: `export const requireUser = ...`. */
export function describeAuthenticationSymbol(name: string): AuthenticationData | null {
  return isAuthenticationText(name) ? { authenticates: true } : null;
}

function isAuthenticationRef(path: string, middleware: MiddlewareRef | null, args: string[] = []): boolean {
  if (isAuthenticationText(path)) {
    return true;
  }
  // `UseGuards(AuthGuard('jwt'))`, `Depends(get_current_user)`, `method_decorator(login_required)`.
  const inner = middleware?.expr?.kind === 'call' ? middleware.expr.arguments.map((a) => a.value.text) : args;
  return inner.some((text) => isAuthenticationText(text));
}

/** True when a name reads as an authentication or authorization check and not as an optional one. */
export function isAuthenticationText(text: string): boolean {
  const words = splitWords(text);
  if (words.some((word) => OPTIONAL_WORDS.has(word))) {
    return false;
  }
  if (words.some((word) => AUTHENTICATION_WORDS.has(word))) {
    return true;
  }
  return AUTHENTICATION_PHRASES.some((phrase) =>
    words.some((_, start) => phrase.every((word, offset) => words[start + offset] === word)),
  );
}

/**
 * True when a mount in this file puts an authentication guard in front of the route's router:
 * `router.use(authenticate)` before `router.get(...)`, `app.use('/internal', authenticate, router)`,
 * `app.include_router(router, dependencies=[Depends(verify_token)])`.
 */
function isCoveredByMount(file: FileModel, route: RouteFact): boolean {
  for (const mount of file.mounts) {
    const guards = mount.middleware.filter((middleware) => isAuthenticationRef(middleware.path, middleware));
    if (guards.length === 0) {
      continue;
    }
    const mountsRouter = route.owner !== null && mount.middleware.some((middleware) => middleware.path === route.owner);
    const coversOwner =
      mount.owner === route.owner &&
      mount.range.startLine < route.range.startLine &&
      (mount.prefix === null || (route.path ?? '').startsWith(mount.prefix));
    if (mountsRouter || coversOwner) {
      return true;
    }
  }
  return false;
}
