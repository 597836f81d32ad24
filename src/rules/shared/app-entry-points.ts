import type { FileModel, Range } from '../../model/types.js';
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

/**
 * Folders and file names of tests, examples and documentation. An app created there is a test
 * double or a sample, not the service.
 */
const NON_SERVICE_PATH =
  /(?:^|\/)(?:tests?|__tests__|spec|specs|e2e|examples?|samples?|docs?|fixtures?|benchmarks?)\/|(?:^|\/)(?:test_[^/]*|[^/]*_test|conftest)\.py$|\.(?:test|spec|e2e-spec)\.[cm]?[jt]sx?$/;

/** True for files of tests, examples, fixtures and docs. */
export function isNonServicePath(path: string): boolean {
  return NON_SERVICE_PATH.test(path);
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
