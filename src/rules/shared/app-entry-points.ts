import { containsRange } from '../../model/range.js';
import type { FileModel, Range, RouteFact } from '../../model/types.js';
import { resolveImportedPath } from './imported-names.js';

/** A place where a web application object is created: the file a service starts from. */
export interface AppEntryPoint {
  framework: string;
  /** The call that creates the app, as written: `Flask(__name__)`, `express()`, `NestFactory.create()`. */
  description: string;
  range: Range;
  /** For a Django settings module, the `ROOT_URLCONF` value: `saleor.urls`. */
  rootUrlconf?: string;
}

/** Facts of one file that decide whether the project is a service and where it starts; plain data for summaries. */
export interface ServiceFacts {
  entryPoints: AppEntryPoint[];
  /**
   * The first route that a framework serves without an app created in this file: a Next.js API
   * route or route handler, or a route on an app object created elsewhere (`@app.route("/login")`).
   */
  servedRoute: { framework: string; range: Range } | null;
  /** The module-level Django `urlpatterns`, so a Django finding can point at the root URLconf. */
  urlpatterns: Range | null;
}

/** The place a project-level finding points at: the app entry point of the service. */
export interface ServiceAnchor {
  path: string;
  range: Range;
  framework: string;
}

/** Calls that create an application, by their path after import resolution. */
const APP_FACTORIES: Record<string, string> = {
  'flask.Flask': 'flask',
  'quart.Quart': 'flask',
  'fastapi.FastAPI': 'fastapi',
  'starlette.applications.Starlette': 'starlette',
  'django.core.wsgi.get_wsgi_application': 'django',
  'django.core.asgi.get_asgi_application': 'django',
  express: 'express',
  koa: 'koa',
  fastify: 'fastify',
  'fastify.fastify': 'fastify',
  'fastify.default': 'fastify',
  '@nestjs/core.NestFactory.create': 'nestjs',
  '@hapi/hapi.server': 'hapi',
  '@hapi/hapi.Server': 'hapi',
  'hapi.server': 'hapi',
  'hapi.Server': 'hapi',
};

/** Paths of test code: `tests/`, `__tests__/`, `test_*.py`, `*_test.py`, `*.test.ts`, `*.spec.js`, `conftest.py`. */
const TEST_PATH =
  /(?:^|\/)(?:tests?|__tests__|spec)\/|(?:^|\/)test_[^/]*\.py$|_tests?\.py$|(?:^|\/)conftest\.py$|\.(?:test|spec)\.[cm]?[jt]sx?$/;

/** Folders and files of examples, samples, docs, fixtures, benchmarks and end-to-end tests. */
const SAMPLE_PATH =
  /(?:^|\/)(?:specs|e2e|examples?|samples?|docs?|fixtures?|benchmarks?)\/|\.e2e-spec\.[cm]?[jt]sx?$/;

/** Paths of scripts, seeds and migrations: they may create an app, but the service starts elsewhere. */
const AUXILIARY_PATH = /(?:^|\/)(?:scripts?|seeds?|migrations?)(?:\/|$)/;

/**
 * Names of application objects. Routes on them make a service even where the app is created out
 * of sight; routes on a `router`, a blueprint or a plugin's parameter may belong to a library.
 */
const APP_OWNERS = new Set(['app', 'application']);

/** File names that usually hold the entry point of a service. */
const ENTRY_FILE = /(?:^|\/)(?:main|app|server|index|wsgi|asgi|manage|__init__)\.(?:py|[cm]?[jt]sx?)$/;

/**
 * True for test code. Tests raise denials and log on purpose, and no deployed service runs
 * them, so the security logging and alerting rules leave them out.
 */
export function isTestPath(path: string): boolean {
  return TEST_PATH.test(path);
}

/** True for files of tests, examples, samples, fixtures, benchmarks and docs: no deployed service runs them. */
export function isNonServicePath(path: string): boolean {
  return TEST_PATH.test(path) || SAMPLE_PATH.test(path);
}

/**
 * Finds where `file` creates a web application: `Flask(__name__)`, `FastAPI()`, `express()`,
 * `new Koa()`, `fastify()`, `NestFactory.create(...)`, `Hapi.server(...)`, Django's WSGI/ASGI
 * application, and a Django settings module that names `ROOT_URLCONF`. Test and example files
 * have none.
 */
export function findAppEntryPoints(file: FileModel): AppEntryPoint[] {
  if (isNonServicePath(file.path)) {
    return [];
  }
  const found: AppEntryPoint[] = [];
  for (const fact of file.calls) {
    const path = fact.call.calleePath;
    if (path === null) {
      continue;
    }
    const framework = APP_FACTORIES[resolveImportedPath(file, path)];
    if (framework !== undefined) {
      found.push({ framework, description: `${path}()`, range: fact.range });
    }
  }
  for (const binding of file.bindings) {
    if (binding.functionId === 0 && binding.name === 'ROOT_URLCONF' && binding.value.kind === 'string') {
      found.push({
        framework: 'django',
        description: 'ROOT_URLCONF',
        range: binding.range,
        rootUrlconf: binding.value.value,
      });
    }
  }
  return found;
}

/**
 * Collects the facts of `file` that make a project a service: app entry points, routes that a
 * framework serves, and a Django `urlpatterns`. Returns null for files with none, and for tests
 * and examples.
 */
export function findServiceFacts(file: FileModel): ServiceFacts | null {
  if (isNonServicePath(file.path)) {
    return null;
  }
  const entryPoints = findAppEntryPoints(file);
  const served = file.routes.find((route) => isServedRoute(file, route));
  const urlpatterns = file.bindings.find((binding) => binding.functionId === 0 && binding.name === 'urlpatterns');
  if (entryPoints.length === 0 && served === undefined && urlpatterns === undefined) {
    return null;
  }
  return {
    entryPoints,
    servedRoute: served ? { framework: served.framework, range: served.range } : null,
    urlpatterns: urlpatterns?.range ?? null,
  };
}

/**
 * True for a Next.js route, which the framework serves by its file name, and for a route on an
 * app object that is not a function parameter. Skip: `module.exports = (app) => app.get(...)`
 * is a plugin that a library hands to the services using it.
 */
function isServedRoute(file: FileModel, route: RouteFact): boolean {
  if (route.framework === 'nextjs') {
    return true;
  }
  if (route.owner === null || !APP_OWNERS.has(route.owner)) {
    return false;
  }
  return !file.functions.some(
    (fn) => fn.parameters.some((parameter) => parameter.name === route.owner) && containsRange(fn.range, route.range),
  );
}

/**
 * Picks where a project-level finding points, or returns null when the project is no service: a
 * library or a framework's own source creates no app and defines no route on one. The service's
 * own entry file (`main.ts`, `app/__init__.py`) wins over scripts and seeds, and files closer to
 * the root win. For Django, the finding points at the root URLconf that `ROOT_URLCONF` names when
 * the scan has it.
 */
export function findServiceAnchor(files: { path: string; facts: ServiceFacts | null }[]): ServiceAnchor | null {
  const entries = files
    .flatMap(({ path, facts }) => (facts?.entryPoints ?? []).map((entry) => ({ path, entry })))
    .sort((left, right) => scoreEntryFile(right.path) - scoreEntryFile(left.path) || comparePaths(left.path, right.path));
  for (const { entry } of entries) {
    const root = findRootUrlconf(files, entry);
    if (root !== null) {
      return root;
    }
  }
  const first = entries[0];
  if (first !== undefined) {
    return { path: first.path, range: first.entry.range, framework: first.entry.framework };
  }
  const served = files
    .filter((file) => file.facts?.servedRoute)
    .sort((left, right) => comparePaths(left.path, right.path))[0];
  const route = served?.facts?.servedRoute;
  return served && route ? { path: served.path, range: route.range, framework: route.framework } : null;
}

function scoreEntryFile(path: string): number {
  return (AUXILIARY_PATH.test(path) ? 0 : 2) + (ENTRY_FILE.test(path) ? 1 : 0);
}

/** Orders paths by depth, then by name, so the result does not depend on the scan order. */
function comparePaths(left: string, right: string): number {
  return left.split('/').length - right.split('/').length || left.localeCompare(right);
}

function findRootUrlconf(
  files: { path: string; facts: ServiceFacts | null }[],
  entry: AppEntryPoint,
): ServiceAnchor | null {
  if (entry.rootUrlconf === undefined) {
    return null;
  }
  const modulePath = `${entry.rootUrlconf.replace(/\./g, '/')}.py`;
  const root = files.find(
    ({ path, facts }) => facts?.urlpatterns && (path === modulePath || path.endsWith(`/${modulePath}`)),
  );
  return root ? { path: root.path, range: root.facts!.urlpatterns!, framework: 'django' } : null;
}
