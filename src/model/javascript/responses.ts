import type { CallExpr, CallFact, Expr, Range, ResponseFact } from '../types.js';
import type { FunctionRole, ModelBuilder } from './context.js';
import {
  getCallChain,
  getEntry,
  getFirstSegment,
  getLastSegment,
  getPath,
  unwrapAwait,
  type ChainLink,
} from './paths.js';

/** Kind of response object a handler parameter is. */
type ReceiverKind = 'res' | 'koa' | 'hapi';

/** Methods of an Express `res` or Fastify `reply` that send the response. */
const SEND_METHODS = new Set(['json', 'send', 'end', 'write', 'jsonp', 'sendStatus', 'render']);

/** Methods that may come before the sending one in a chain: `res.status(500).json(...)`. */
const CHAIN_METHODS = new Set([
  'status',
  'code',
  'type',
  'set',
  'header',
  'headers',
  'setHeader',
  'cookie',
  'clearCookie',
  'location',
  'vary',
  'append',
  'contentType',
  'attachment',
]);

/** Receiver names used when no registration in the file shows which parameter is the response. */
const RECEIVER_NAMES = new Map<string, ReceiverKind>([
  ['res', 'res'],
  ['response', 'res'],
  ['resp', 'res'],
  ['reply', 'res'],
  ['ctx', 'koa'],
  ['context', 'koa'],
  ['h', 'hapi'],
]);

/** NestJS parameter decorators that inject the platform response. */
const RESPONSE_DECORATORS = new Set(['Res', 'Response']);

/** NestJS built-in exceptions and the status each sends. */
const NEST_EXCEPTION_STATUS = new Map([
  ['BadRequestException', 400],
  ['UnauthorizedException', 401],
  ['ForbiddenException', 403],
  ['NotFoundException', 404],
  ['MethodNotAllowedException', 405],
  ['NotAcceptableException', 406],
  ['RequestTimeoutException', 408],
  ['ConflictException', 409],
  ['GoneException', 410],
  ['PreconditionFailedException', 412],
  ['PayloadTooLargeException', 413],
  ['UnsupportedMediaTypeException', 415],
  ['ImATeapotException', 418],
  ['MisdirectedException', 421],
  ['UnprocessableEntityException', 422],
  ['ThrottlerException', 429],
  ['InternalServerErrorException', 500],
  ['NotImplementedException', 501],
  ['BadGatewayException', 502],
  ['ServiceUnavailableException', 503],
  ['GatewayTimeoutException', 504],
  ['HttpVersionNotSupportedException', 505],
]);

/** `@hapi/boom` helpers and their status. */
const BOOM_STATUS = new Map([
  ['badRequest', 400],
  ['unauthorized', 401],
  ['forbidden', 403],
  ['notFound', 404],
  ['conflict', 409],
  ['badData', 422],
  ['tooManyRequests', 429],
  ['internal', 500],
  ['badImplementation', 500],
  ['notImplemented', 501],
  ['badGateway', 502],
  ['serverUnavailable', 503],
  ['gatewayTimeout', 504],
]);

/** `http-errors` factories: `createError(500, message)`. */
const HTTP_ERROR_FACTORIES = new Set([
  'createError',
  'createHttpError',
  'httpErrors',
  'HttpErrors',
]);

/** Names of `HttpStatus` (NestJS) and `StatusCodes` (http-status-codes) members. */
const STATUS_NAMES = new Map([
  ['OK', 200],
  ['CREATED', 201],
  ['ACCEPTED', 202],
  ['NO_CONTENT', 204],
  ['BAD_REQUEST', 400],
  ['UNAUTHORIZED', 401],
  ['FORBIDDEN', 403],
  ['NOT_FOUND', 404],
  ['CONFLICT', 409],
  ['UNPROCESSABLE_ENTITY', 422],
  ['TOO_MANY_REQUESTS', 429],
  ['INTERNAL_SERVER_ERROR', 500],
  ['NOT_IMPLEMENTED', 501],
  ['BAD_GATEWAY', 502],
  ['SERVICE_UNAVAILABLE', 503],
  ['GATEWAY_TIMEOUT', 504],
]);

/** Position of the response object among a function's parameters, by framework and role. */
const RECEIVER_SLOTS: Partial<
  Record<string, Partial<Record<FunctionRole['kind'], { index: number; kind: ReceiverKind }>>>
> = {
  express: {
    handler: { index: 1, kind: 'res' },
    middleware: { index: 1, kind: 'res' },
    error: { index: 2, kind: 'res' },
  },
  koa: {
    handler: { index: 0, kind: 'koa' },
    middleware: { index: 0, kind: 'koa' },
    error: { index: 1, kind: 'koa' },
  },
  fastify: {
    handler: { index: 1, kind: 'res' },
    middleware: { index: 1, kind: 'res' },
    error: { index: 2, kind: 'res' },
  },
  hapi: { handler: { index: 1, kind: 'hapi' }, middleware: { index: 1, kind: 'hapi' } },
};

/** Site of a status or response: its range, catch clause and guards. */
interface StatusSite {
  range: Range;
  catchId: number | null;
  guards: string[];
}

/** A literal status set apart from the response, with where it was set. */
interface StatusSetting {
  status: number;
  range: Range;
  catchId: number | null;
  guards: string[];
}

/**
 * Finds the responses of the file: response calls on a handler's response object, Koa body
 * assignments and `ctx.throw`, Next.js `Response`s, HTTP exceptions thrown, and the return
 * values of handlers in frameworks where the returned value is the response body.
 */
export function collectResponses(b: ModelBuilder): void {
  const statusSettings = collectStatusSettings(b);
  const producers = new Set<CallExpr>();
  for (const fact of b.model.calls) {
    const response = getCallResponse(b, fact, statusSettings);
    if (response) {
      b.model.responses.push(response);
      producers.add(fact.call);
    }
  }
  addAssignmentResponses(b, statusSettings);
  addThrowResponses(b);
  addReturnResponses(b, producers);
}

function getCallResponse(
  b: ModelBuilder,
  fact: CallFact,
  statusSettings: Map<string, StatusSetting[]>,
): ResponseFact | null {
  const call = fact.call;
  const path = call.calleePath;
  if (
    path === 'NextResponse.json' ||
    path === 'Response.json' ||
    (call.isNew && (path === 'Response' || path === 'NextResponse'))
  ) {
    const body = call.arguments[0]?.value ?? null;
    const status = getStatus(getEntry(call.arguments[1]?.value, 'status') ?? undefined);
    return makeResponse(fact, path, 'call', body, status);
  }
  if (call.isNew || b.chainedCalls.has(call)) {
    return null;
  }
  const chain = getCallChain(call);
  if (!chain || chain.root.includes('.')) {
    return null;
  }
  const receiver = getReceiverKind(b, chain.root, fact.functionId);
  if (!receiver) {
    return null;
  }
  if (receiver.kind === 'koa') {
    return getKoaThrow(fact, chain.links);
  }
  if (receiver.kind === 'hapi') {
    return getHapiResponse(fact, chain.links);
  }

  const last = chain.links[chain.links.length - 1]!;
  const earlier = chain.links.slice(0, -1);
  if (!SEND_METHODS.has(last.method) || earlier.some((link) => !CHAIN_METHODS.has(link.method))) {
    return null;
  }
  const args = last.call.arguments;
  // A `response.json()` without a payload is a client reading a fetch response.
  if (receiver.byName && last.method !== 'end' && args.length === 0) {
    return null;
  }
  if (last.method === 'sendStatus') {
    return makeResponse(fact, path ?? last.method, 'call', null, getStatus(args[0]?.value));
  }
  const body = (last.method === 'render' ? args[1]?.value : args[0]?.value) ?? null;
  const status =
    getChainStatus(earlier) ?? findStatusBefore(statusSettings, fact.functionId, chain.root, fact);
  return makeResponse(fact, path ?? last.method, 'call', body, status);
}

/** `ctx.throw(500, message)` in Koa. */
function getKoaThrow(fact: CallFact, links: ChainLink[]): ResponseFact | null {
  if (links.length !== 1 || links[0]!.method !== 'throw') {
    return null;
  }
  const values = fact.call.arguments.map((argument) => argument.value);
  const status = values.map(getStatus).find((value) => value !== null) ?? null;
  const body = values.find((value) => getStatus(value) === null) ?? null;
  return makeResponse(fact, fact.call.calleePath ?? 'throw', 'throw', body, status);
}

/** `h.response(payload).code(500)` in Hapi; the outermost call of the chain is the response. */
function getHapiResponse(fact: CallFact, links: ChainLink[]): ResponseFact | null {
  if (links[0]?.method !== 'response') {
    return null;
  }
  const body = links[0].call.arguments[0]?.value ?? null;
  const status = getChainStatus(links.slice(1));
  return makeResponse(fact, fact.call.calleePath ?? 'response', 'call', body, status);
}

function getChainStatus(links: ChainLink[]): number | null {
  let status: number | null = null;
  for (const link of links) {
    if (link.method === 'status' || link.method === 'code') {
      status = getStatus(link.call.arguments[0]?.value) ?? status;
    }
  }
  return status;
}

/** Koa `ctx.body = value` and `ctx.response.body = value`. */
function addAssignmentResponses(
  b: ModelBuilder,
  statusSettings: Map<string, StatusSetting[]>,
): void {
  for (const site of b.assignmentSites) {
    const path = site.fact.targetPath;
    if (path === null || (!path.endsWith('.body') && !path.endsWith('.response.body'))) {
      continue;
    }
    const root = getFirstSegment(path);
    if (path !== `${root}.body` && path !== `${root}.response.body`) {
      continue;
    }
    if (getReceiverKind(b, root, site.fact.functionId)?.kind !== 'koa') {
      continue;
    }
    b.model.responses.push({
      functionId: site.fact.functionId,
      via: path,
      kind: 'assignment',
      body: site.fact.value,
      status: findStatusBefore(statusSettings, site.fact.functionId, root, site),
      catchId: site.catchId,
      guards: site.guards,
      range: site.range,
    });
  }
}

/** Adds thrown HTTP errors: Nest exceptions, `Boom.internal(...)`, `createError(500)`. */
function addThrowResponses(b: ModelBuilder): void {
  for (const site of b.throwSites) {
    const value = site.value;
    if (value.kind !== 'call' || value.calleePath === null) {
      continue;
    }
    const name = getLastSegment(value.calleePath);
    const values = value.arguments.map((argument) => argument.value);
    let status: number | null;
    let body: Expr | null;
    if (value.isNew && name === 'HttpException') {
      status = getStatus(values[1]);
      body = values[0] ?? null;
    } else if (value.isNew && NEST_EXCEPTION_STATUS.has(name)) {
      status = NEST_EXCEPTION_STATUS.get(name)!;
      body = values[0] ?? null;
    } else if (
      !value.isNew &&
      /^boom$/i.test(getFirstSegment(value.calleePath)) &&
      BOOM_STATUS.has(name)
    ) {
      status = BOOM_STATUS.get(name)!;
      body = values[0] ?? null;
    } else if (HTTP_ERROR_FACTORIES.has(value.calleePath)) {
      status = values.map(getStatus).find((candidate) => candidate !== null) ?? null;
      body = values.find((candidate) => getStatus(candidate) === null) ?? null;
    } else {
      continue;
    }
    b.model.responses.push({
      functionId: site.functionId,
      via: value.calleePath,
      kind: 'throw',
      body,
      status,
      catchId: site.catchId,
      guards: site.guards,
      range: site.range,
    });
  }
}

/**
 * Return values of Fastify, NestJS, Hapi and Next.js route handlers, where the returned value is
 * sent. A return of a call already recorded as a response (`return reply.send(x)`) is skipped.
 */
function addReturnResponses(b: ModelBuilder, producers: Set<CallExpr>): void {
  for (const site of b.returnSites) {
    const role = b.roles.get(site.functionId);
    if (!site.body || !role || !isReturnResponse(role)) {
      continue;
    }
    const inner = unwrapAwait(site.body);
    if (inner.kind === 'call' && producers.has(inner)) {
      continue;
    }
    b.model.responses.push({
      functionId: site.functionId,
      via: 'return',
      kind: 'return',
      body: site.body,
      status: b.httpCodes.get(site.functionId) ?? null,
      catchId: site.catchId,
      guards: site.guards,
      range: site.range,
    });
  }
}

function isReturnResponse(role: FunctionRole): boolean {
  switch (role.framework) {
    case 'fastify':
      return role.kind === 'handler' || role.kind === 'error';
    case 'nestjs':
    case 'hapi':
      return role.kind === 'handler';
    case 'nextjs':
      return role.kind === 'handler' && !role.isPagesApi;
    default:
      return false;
  }
}

/**
 * Decides whether `name` in function `functionId` is a response object. It is one when it is the
 * parameter in the framework's response position, a NestJS `@Res()` parameter or a
 * `ctx.getResponse()` variable. In a function with no known role, a parameter with a
 * conventional name counts too, and `byName` marks that weaker case.
 */
function getReceiverKind(
  b: ModelBuilder,
  name: string,
  functionId: number,
): { kind: ReceiverKind; byName: boolean } | null {
  let id = functionId;
  const seen = new Set<number>();
  while (id !== 0 && !seen.has(id)) {
    seen.add(id);
    if (b.responseVariables.has(`${id}:${name}`)) {
      return { kind: 'res', byName: false };
    }
    const fact = b.functionInfo.get(id)?.fact;
    if (!fact) {
      return null;
    }
    const index = fact.parameters.findIndex((parameter) => parameter.name === name);
    if (index >= 0) {
      const parameter = fact.parameters[index]!;
      if (
        parameter.decorators.some((decorator) =>
          RESPONSE_DECORATORS.has(getLastSegment(decorator.path)),
        )
      ) {
        return { kind: 'res', byName: false };
      }
      const role = b.roles.get(id);
      if (role) {
        const slot = getReceiverSlot(role);
        return slot?.index === index ? { kind: slot.kind, byName: false } : null;
      }
      const kind = RECEIVER_NAMES.get(name);
      return kind ? { kind, byName: true } : null;
    }
    if (fact.parameters.some((parameter) => parameter.destructured.includes(name))) {
      return null;
    }
    id = fact.parentId;
  }
  return null;
}

function getReceiverSlot(role: FunctionRole): { index: number; kind: ReceiverKind } | undefined {
  if (role.framework === 'nextjs') {
    return role.isPagesApi && role.kind === 'handler' ? { index: 1, kind: 'res' } : undefined;
  }
  return RECEIVER_SLOTS[role.framework]?.[role.kind];
}

/**
 * Literal statuses set apart from the response, keyed by function and receiver:
 * `ctx.status = 500`, `res.statusCode = 500`, and a bare `res.status(500);` statement.
 */
function collectStatusSettings(b: ModelBuilder): Map<string, StatusSetting[]> {
  const settings = new Map<string, StatusSetting[]>();
  const add = (functionId: number, root: string, status: number | null, site: StatusSite): void => {
    if (status === null) {
      return;
    }
    const key = `${functionId}:${root}`;
    const setting = { status, range: site.range, catchId: site.catchId, guards: site.guards };
    const list = settings.get(key);
    if (list) {
      list.push(setting);
    } else {
      settings.set(key, [setting]);
    }
  };
  for (const site of b.assignmentSites) {
    const path = site.fact.targetPath;
    const match =
      path === null ? null : /^([^.]+)\.(?:status|statusCode|response\.status)$/.exec(path);
    if (match) {
      add(site.fact.functionId, match[1]!, getStatus(site.fact.value), site);
    }
  }
  for (const fact of b.model.calls) {
    const call = fact.call;
    if (b.chainedCalls.has(call) || call.callee.kind !== 'member') {
      continue;
    }
    const method = call.callee.property;
    const root = getPath(call.callee.object);
    if ((method === 'status' || method === 'code') && root !== null && !root.includes('.')) {
      add(fact.functionId, root, getStatus(call.arguments[0]?.value), fact);
    }
  }
  return settings;
}

/**
 * Returns the last status set before `site` on the same path: in the same catch clause, under
 * the same guards or fewer. `if (!user) { ctx.status = 401; return; }` does not apply after it.
 */
function findStatusBefore(
  settings: Map<string, StatusSetting[]>,
  functionId: number,
  root: string,
  site: StatusSite,
): number | null {
  let status: number | null = null;
  for (const setting of settings.get(`${functionId}:${root}`) ?? []) {
    if (
      setting.catchId === site.catchId &&
      isBefore(setting.range, site.range) &&
      isGuardPrefix(setting.guards, site.guards)
    ) {
      status = setting.status;
    }
  }
  return status;
}

/** True when `outer` (innermost first) lists the outermost guards of `inner`. */
function isGuardPrefix(outer: string[], inner: string[]): boolean {
  const offset = inner.length - outer.length;
  return offset >= 0 && outer.every((guard, index) => inner[offset + index] === guard);
}

function isBefore(first: Range, second: Range): boolean {
  return (
    first.endLine < second.startLine ||
    (first.endLine === second.startLine && first.endColumn <= second.startColumn)
  );
}

/** Returns a status from a number literal or a named constant such as `HttpStatus.BAD_REQUEST`. */
function getStatus(expr: Expr | undefined): number | null {
  if (!expr) {
    return null;
  }
  if (expr.kind === 'literal' && typeof expr.value === 'number') {
    return expr.value;
  }
  if (expr.kind === 'member') {
    return STATUS_NAMES.get(expr.property) ?? null;
  }
  return null;
}

function makeResponse(
  fact: CallFact,
  via: string,
  kind: ResponseFact['kind'],
  body: Expr | null,
  status: number | null,
): ResponseFact {
  return {
    functionId: fact.functionId,
    via,
    kind,
    body,
    status,
    catchId: fact.catchId,
    guards: fact.guards,
    range: fact.range,
  };
}
