import type { FileModel, Range } from '../../model/types.js';

/** Calls that create the application object of a web framework. */
const APP_FACTORIES =
  /(?:^|\.)(?:Flask|FastAPI|Starlette|express|Koa|fastify|Fastify|NestFactory\.create|get_wsgi_application|get_asgi_application)$/;

/** File names that usually hold the entry point of a service. */
const ENTRY_FILE = /(?:^|\/)(?:main|app|server|index|wsgi|asgi|manage|__init__)\.(?:py|[cm]?[jt]sx?)$/;

/** Paths of scripts, seeds and tests, which create an app too but are not the service. */
const AUXILIARY_PATH = /(?:^|\/)(?:tests?|__tests__|spec|scripts?|seeds?|migrations?|fixtures?|examples?|docs?)(?:\/|$)|\.(?:test|spec)\./;

/** Returns the range of the first call in `file` that creates a web application, or null. */
export function findAppCreation(file: FileModel): Range | null {
  const found = file.calls.find((fact) => fact.call.calleePath !== null && APP_FACTORIES.test(fact.call.calleePath));
  return found?.range ?? null;
}

/**
 * Picks the file a project-level finding points at from the files that create an app: the
 * service's own entry file (`main.ts`, `app/__init__.py`) before scripts, seeds and tests.
 */
export function pickEntryPoint<T extends { path: string; range: Range | null }>(candidates: T[]): T | null {
  const scored = candidates
    .filter((candidate) => candidate.range !== null)
    .map((candidate) => ({
      candidate,
      score: (AUXILIARY_PATH.test(candidate.path) ? 0 : 2) + (ENTRY_FILE.test(candidate.path) ? 1 : 0),
    }));
  scored.sort((a, b) => b.score - a.score || a.candidate.path.split('/').length - b.candidate.path.split('/').length);
  return scored[0]?.candidate ?? null;
}
