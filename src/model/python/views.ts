import type { Framework } from '../types.js';
import { getLastSegment } from './paths.js';
import type { ClassRecord } from './state.js';

/** Methods of a class-based view that serve a request, with the HTTP method each one serves. */
const VIEW_METHODS: Record<string, string> = {
  get: 'GET',
  post: 'POST',
  put: 'PUT',
  patch: 'PATCH',
  delete: 'DELETE',
  head: 'HEAD',
  options: 'OPTIONS',
};

/** Actions of a DRF viewset, with the HTTP method a router maps to each one. */
const VIEWSET_ACTIONS: Record<string, string> = {
  list: 'GET',
  retrieve: 'GET',
  create: 'POST',
  update: 'PUT',
  partial_update: 'PATCH',
  destroy: 'DELETE',
};

/** Base classes of Flask and Flask-RESTful class views. */
const FLASK_VIEW_BASES = new Set(['MethodView', 'Resource']);

/**
 * Framework of a class-based view, from its bases: DRF for `*APIView` and `*ViewSet`, Starlette
 * for `HTTPEndpoint`, Flask for `MethodView` and `Resource`, Django for other `*View` bases in
 * a file that imports a framework.
 * Bases defined in the same file are followed, so `class Login(BaseView)` inherits from
 * `class BaseView(APIView)`. Null when the class is not a view.
 */
export function findViewFramework(
  classRecord: ClassRecord,
  classesByName: Map<string, ClassRecord>,
  fileFrameworks: Framework[],
): Framework | null {
  const pending = [classRecord];
  const seen = new Set<ClassRecord>();
  while (pending.length > 0) {
    const current = pending.shift();
    if (!current || seen.has(current)) {
      continue;
    }
    seen.add(current);
    for (const basePath of current.bases) {
      const base = getLastSegment(basePath);
      const local = classesByName.get(base);
      if (local && local !== current) {
        pending.push(local);
        continue;
      }
      const framework = matchViewBase(base, fileFrameworks);
      if (framework) {
        return framework;
      }
    }
  }
  return null;
}

/** HTTP method served by a view method, or null when the name is no handler. */
export function getViewMethod(framework: Framework, methodName: string): string | null {
  const method = VIEW_METHODS[methodName];
  if (method) {
    return method;
  }
  return framework === 'drf' ? (VIEWSET_ACTIONS[methodName] ?? null) : null;
}

function matchViewBase(base: string, fileFrameworks: Framework[]): Framework | null {
  if (base.endsWith('APIView') || base.endsWith('ViewSet')) {
    return 'drf';
  }
  if (base === 'HTTPEndpoint') {
    return 'starlette';
  }
  if (FLASK_VIEW_BASES.has(base)) {
    return 'flask';
  }
  if (base === 'View' && fileFrameworks.includes('flask') && !fileFrameworks.includes('django')) {
    return 'flask';
  }
  // Any `*View` base counts only in a file that imports a framework, since the name is common.
  return base.endsWith('View') && fileFrameworks.length > 0 ? 'django' : null;
}
