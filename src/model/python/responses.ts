import type { CallExpr, Expr, Framework, ResponseFact } from '../types.js';
import {
  getArgument,
  getCalleePath,
  getKeyword,
  getLastSegment,
  getPlainPath,
  getPositional,
} from './paths.js';
import { compareRanges, type Registry } from './registry.js';
import type { ExitRecord } from './state.js';

/** Payload and status arguments of a response class or function. */
interface ResponseSpec {
  /** Position and keywords of the payload; `jsonify` builds it from all arguments. */
  body: ArgumentSpec | 'jsonify' | null;
  status: ArgumentSpec | null;
  /** Status the name itself implies: `HttpResponseForbidden` is 403. */
  impliedStatus: number | null;
  /** The name counts only in a file that imports one of these frameworks. */
  frameworks: Framework[];
}

interface ResponseParts {
  body: Expr | null;
  status: number | null;
}

interface ArgumentSpec {
  position: number | null;
  keywords: string[];
}

const FLASK: Framework[] = ['flask'];
const DJANGO: Framework[] = ['django', 'drf'];
const ASGI: Framework[] = ['fastapi', 'starlette'];
const ANY_FRAMEWORK: Framework[] = ['flask', 'fastapi', 'starlette', 'django', 'drf'];

const CONTENT = { position: 0, keywords: ['content'] };
const STATUS_CODE = { position: 1, keywords: ['status_code'] };
const DJANGO_CONTENT = { position: 0, keywords: ['content'] };
const DJANGO_STATUS = { position: null, keywords: ['status'] };

/**
 * Functions and classes that build an HTTP response, by last path segment. Flask `Response`,
 * DRF `Response` and Starlette `Response` all take the payload first and the status second.
 */
const RESPONSE_PRODUCERS: Record<string, ResponseSpec> = {
  jsonify: { body: 'jsonify', status: null, impliedStatus: null, frameworks: FLASK },
  make_response: {
    body: { position: 0, keywords: [] },
    status: { position: 1, keywords: [] },
    impliedStatus: null,
    frameworks: FLASK,
  },
  abort: {
    body: { position: 1, keywords: ['description', 'message'] },
    status: { position: 0, keywords: ['code'] },
    impliedStatus: null,
    frameworks: FLASK,
  },
  Response: {
    body: { position: 0, keywords: ['response', 'content', 'data'] },
    status: { position: 1, keywords: ['status', 'status_code'] },
    impliedStatus: null,
    frameworks: ANY_FRAMEWORK,
  },
  JSONResponse: asgiResponse(),
  PlainTextResponse: asgiResponse(),
  HTMLResponse: asgiResponse(),
  ORJSONResponse: asgiResponse(),
  UJSONResponse: asgiResponse(),
  StreamingResponse: asgiResponse(),
  JsonResponse: {
    body: { position: 0, keywords: ['data'] },
    status: DJANGO_STATUS,
    impliedStatus: null,
    frameworks: DJANGO,
  },
  HttpResponse: djangoResponse(null),
  HttpResponseBadRequest: djangoResponse(400),
  HttpResponseForbidden: djangoResponse(403),
  HttpResponseNotFound: djangoResponse(404),
  HttpResponseGone: djangoResponse(410),
  HttpResponseServerError: djangoResponse(500),
  HttpResponseNotAllowed: {
    body: { position: 1, keywords: ['content'] },
    status: DJANGO_STATUS,
    impliedStatus: 405,
    frameworks: DJANGO,
  },
};

/** Exceptions the framework turns into an HTTP response when raised, by last path segment. */
const HTTP_EXCEPTIONS: Record<string, ResponseSpec> = {
  HTTPException: {
    body: { position: 1, keywords: ['detail', 'description'] },
    status: { position: 0, keywords: ['status_code', 'code'] },
    impliedStatus: null,
    frameworks: ANY_FRAMEWORK,
  },
  PermissionDenied: exceptionResponse(403, DJANGO),
  Http404: exceptionResponse(404, DJANGO),
  SuspiciousOperation: exceptionResponse(400, DJANGO),
  NotAuthenticated: exceptionResponse(401, ['drf']),
  AuthenticationFailed: exceptionResponse(401, ['drf']),
  ValidationError: exceptionResponse(400, ['drf']),
  ParseError: exceptionResponse(400, ['drf']),
  Throttled: exceptionResponse(429, ['drf']),
  APIException: exceptionResponse(500, ['drf']),
  NotFound: exceptionResponse(404, ['drf', 'flask']),
  MethodNotAllowed: exceptionResponse(405, ['drf', 'flask']),
  BadRequest: exceptionResponse(400, FLASK),
  Unauthorized: exceptionResponse(401, FLASK),
  Forbidden: exceptionResponse(403, FLASK),
  TooManyRequests: exceptionResponse(429, FLASK),
  InternalServerError: exceptionResponse(500, FLASK),
};

/** `http.HTTPStatus` member names and their codes. */
const HTTP_STATUS_NAMES: Record<string, number> = {
  OK: 200,
  CREATED: 201,
  ACCEPTED: 202,
  NO_CONTENT: 204,
  MOVED_PERMANENTLY: 301,
  FOUND: 302,
  SEE_OTHER: 303,
  NOT_MODIFIED: 304,
  TEMPORARY_REDIRECT: 307,
  PERMANENT_REDIRECT: 308,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  PAYMENT_REQUIRED: 402,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  NOT_ACCEPTABLE: 406,
  REQUEST_TIMEOUT: 408,
  CONFLICT: 409,
  GONE: 410,
  PRECONDITION_FAILED: 412,
  REQUEST_ENTITY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE_ENTITY: 422,
  UNPROCESSABLE_CONTENT: 422,
  LOCKED: 423,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
  NOT_IMPLEMENTED: 501,
  BAD_GATEWAY: 502,
  SERVICE_UNAVAILABLE: 503,
  GATEWAY_TIMEOUT: 504,
};

/** Most response calls unwrapped from one returned value: `make_response(jsonify(x), 500)`. */
const MAX_UNWRAP = 8;

/**
 * Builds the file's responses.
 *
 * Each payload gives one fact. A `return` in a request or error handler gives a `return` fact.
 * When it returns a response call (`return jsonify(x), 500`, `return make_response(jsonify(x),
 * 500)`), that fact carries the innermost payload (`x`) and the status, and the unwrapped calls
 * give no fact of their own. Every other response call anywhere gives a `call` fact, and raising
 * an HTTP exception (`raise HTTPException(status_code=500, detail=x)`) gives a `throw` fact. A
 * status is set only when written or implied by the class name, never from a framework default.
 */
export function collectResponses(registry: Registry): ResponseFact[] {
  const state = registry.state;
  const responses: ResponseFact[] = [];
  const consumed = new Set<CallExpr>();
  const handlerIds = new Set<number>();
  for (const record of state.functions) {
    if (record.fact.isRequestHandler || record.fact.isErrorHandler) {
      handlerIds.add(record.fact.id);
    }
  }

  for (const exit of state.returns) {
    if (handlerIds.has(exit.functionId)) {
      responses.push(readReturn(registry, exit, consumed));
    }
  }
  for (const exit of state.raises) {
    const response = readRaise(registry, exit);
    if (response) {
      responses.push(response);
    }
  }
  for (const fact of state.calls) {
    const spec = findSpec(registry, RESPONSE_PRODUCERS, fact.call);
    if (!spec || consumed.has(fact.call)) {
      continue;
    }
    const { body, status } = readSpec(spec, fact.call);
    responses.push({
      functionId: fact.functionId,
      via: fact.call.calleePath ?? fact.call.callee.text,
      kind: 'call',
      body,
      status,
      catchId: fact.catchId,
      guards: fact.guards,
      range: fact.range,
    });
  }
  return responses.sort(compareRanges);
}

/** Reads an HTTP status from `500`, `status.HTTP_500_INTERNAL_SERVER_ERROR` or `HTTPStatus.OK`. */
export function readStatus(expr: Expr | null): number | null {
  if (!expr) {
    return null;
  }
  if (expr.kind === 'literal') {
    const value = expr.value;
    return typeof value === 'number' && Number.isInteger(value) && value >= 100 && value < 600
      ? value
      : null;
  }
  const path = getPlainPath(expr);
  if (path === null) {
    return null;
  }
  const numbered = /(?:^|\.)HTTP_(\d{3})(?:_|$)/.exec(path);
  if (numbered) {
    return Number(numbered[1]);
  }
  const segments = path.split('.');
  if (segments.at(-1) === 'value') {
    segments.pop();
  }
  const member = segments.at(-1) ?? '';
  return segments.length > 1 ? (HTTP_STATUS_NAMES[member] ?? null) : null;
}

function readReturn(registry: Registry, exit: ExitRecord, consumed: Set<CallExpr>): ResponseFact {
  let body = exit.value;
  let status: number | null = null;
  if (body?.kind === 'array' && !body.text.startsWith('[') && body.items.length >= 2) {
    // Flask reads `return body, status` and `return body, status, headers`.
    status = readStatus(body.items[1]);
    body = body.items[0];
  }

  let implied: number | null = null;
  for (let step = 0; step < MAX_UNWRAP && body?.kind === 'call'; step += 1) {
    const spec = findSpec(registry, RESPONSE_PRODUCERS, body);
    if (!spec) {
      break;
    }
    consumed.add(body);
    const inner = readSpec(spec, body);
    status ??= readStatus(readArgument(body, spec.status));
    implied ??= spec.impliedStatus;
    body = inner.body;
  }

  return {
    functionId: exit.functionId,
    via: 'return',
    kind: 'return',
    body,
    status: status ?? implied,
    catchId: exit.catchId,
    guards: exit.guards,
    range: exit.range,
  };
}

function readRaise(registry: Registry, exit: ExitRecord): ResponseFact | null {
  const value = exit.value;
  if (value?.kind !== 'call') {
    return null;
  }
  const spec = findSpec(registry, HTTP_EXCEPTIONS, value);
  if (!spec) {
    return null;
  }
  const { body, status } = readSpec(spec, value);
  return {
    functionId: exit.functionId,
    via: value.calleePath ?? value.callee.text,
    kind: 'throw',
    body,
    status,
    catchId: exit.catchId,
    guards: exit.guards,
    range: exit.range,
  };
}

function findSpec(
  registry: Registry,
  table: Record<string, ResponseSpec>,
  call: CallExpr,
): ResponseSpec | null {
  const path = call.calleePath ?? getCalleePath(call.callee);
  if (path === null || !Object.hasOwn(table, getLastSegment(path))) {
    return null;
  }
  const spec = table[getLastSegment(path)];
  return spec.frameworks.some((framework) => registry.frameworks.includes(framework)) ? spec : null;
}

function readSpec(spec: ResponseSpec, call: CallExpr): ResponseParts {
  const body = spec.body === 'jsonify' ? readJsonifyBody(call) : readArgument(call, spec.body);
  const status = readStatus(readArgument(call, spec.status)) ?? spec.impliedStatus;
  return { body, status };
}

function readArgument(call: CallExpr, spec: ArgumentSpec | null): Expr | null {
  if (!spec) {
    return null;
  }
  if (spec.position === null) {
    return getKeyword(call.arguments, ...spec.keywords);
  }
  return getArgument(call.arguments, spec.position, ...spec.keywords);
}

/**
 * Reads the payload of `jsonify`: its only positional argument, a list of several, or an object
 * of its keyword arguments (`jsonify(error=str(e))`).
 */
function readJsonifyBody(call: CallExpr): Expr | null {
  const args = call.arguments;
  const span = { range: call.range, text: call.text };
  if (args.some((argument) => argument.name !== null || argument.spread === 'dict')) {
    const entries = args.map((argument) => ({
      key: argument.name,
      value: argument.value,
      spread: argument.name === null,
      range: argument.value.range,
    }));
    return { kind: 'object', entries, ...span };
  }
  if (args.length === 1) {
    return getPositional(args, 0) ?? args[0].value;
  }
  if (args.length === 0) {
    return null;
  }
  return { kind: 'array', items: args.map((argument) => argument.value), ...span };
}

function asgiResponse(): ResponseSpec {
  return { body: CONTENT, status: STATUS_CODE, impliedStatus: null, frameworks: ASGI };
}

function djangoResponse(impliedStatus: number | null): ResponseSpec {
  return { body: DJANGO_CONTENT, status: DJANGO_STATUS, impliedStatus, frameworks: DJANGO };
}

function exceptionResponse(status: number, frameworks: Framework[]): ResponseSpec {
  return {
    body: { position: 0, keywords: ['detail', 'description', 'message'] },
    status: null,
    impliedStatus: status,
    frameworks,
  };
}
