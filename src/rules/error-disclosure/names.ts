/** Name tables of the `error-disclosure` rule (CC7.4.1). */

/** Kind of internal detail an expression carries, listed in reporting priority. */
export type DetailKind = 'stack' | 'database' | 'object' | 'text' | 'query' | 'payload';

export const DETAIL_PRIORITY: DetailKind[] = ['stack', 'database', 'object', 'text', 'query', 'payload'];

/** Properties of an exception that hold its stack trace. */
export const STACK_PROPERTIES = new Set(['stack', '__traceback__', 'stackTrace', 'traceback', 'tb']);

/**
 * Properties of an exception that contain database driver detail. They come from SQLAlchemy
 * (`orig`, `statement`, `params`), mysql (`sql`, `sqlMessage`), psycopg2 (`pgerror`, `diag`) and
 * Sequelize (`parent`, `original`).
 */
export const DATABASE_PROPERTIES = new Set([
  'orig',
  'statement',
  'params',
  'sql',
  'sqlMessage',
  'sqlState',
  'pgerror',
  'diag',
  'parent',
  'original',
]);

/** Properties and methods of an exception whose value is its message text. */
export const TEXT_PROPERTIES = new Set([
  'message',
  'msg',
  'args',
  'strerror',
  'filename',
  'toString',
  'getMessage',
  '__str__',
  '__repr__',
]);

/** Properties that hold another exception: Python chaining and the JavaScript `cause` option. */
export const NESTED_EXCEPTION_PROPERTIES = new Set([
  'original_exception',
  '__cause__',
  '__context__',
  'cause',
  'originalError',
  'inner',
  'innerException',
]);

/** Methods of an exception that return the whole object in another form. */
export const OBJECT_METHODS = new Set(['toJSON', 'to_dict', '__dict__']);

/** Methods of an exception that return a stack trace. */
export const STACK_METHODS = new Set(['with_traceback']);

/**
 * Calls that return a stack trace by themselves, whatever their arguments: the `traceback`
 * module's formatters and `sys.exc_info`. Matched on the whole callee path.
 */
export const STACK_CALLS = new Set([
  'traceback.format_exc',
  'traceback.format_exception',
  'traceback.format_exception_only',
  'traceback.format_tb',
  'traceback.format_stack',
  'traceback.extract_tb',
  'traceback.extract_stack',
  'format_exc',
  'format_exception',
  'format_tb',
  'sys.exc_info',
]);

/** Calls that render an object with its stack trace when given an exception. */
export const INSPECT_CALLS = new Set(['util.inspect', 'inspect', 'Deno.inspect']);

/** Calls that turn their argument into text without dropping any of it. */
export const TEXT_CALLS = new Set([
  'str',
  'repr',
  'String',
  'format',
  'json.dumps',
  'pformat',
  'pprint.pformat',
  'escape',
  'html.escape',
  'markupsafe.escape',
]);

/**
 * Calls that keep the whole exception rather than its text, so `serializeError(err)` reads as the
 * exception object.
 */
export const OBJECT_CALLS = new Set([
  'JSON.stringify',
  'serializeError',
  'serialize_error',
  'vars',
  'dict',
  'Object.assign',
  'structuredClone',
  'jsonable_encoder',
]);

/** String methods whose result still contains text of the string they are called on. */
export const STRING_METHODS = new Set([
  'replace',
  'replaceAll',
  'split',
  'splitlines',
  'slice',
  'substring',
  'substr',
  'trim',
  'trimStart',
  'trimEnd',
  'strip',
  'lstrip',
  'rstrip',
  'lower',
  'upper',
  'toLowerCase',
  'toUpperCase',
  'capitalize',
  'title',
  'concat',
  'padStart',
  'padEnd',
  'encode',
  'decode',
  'at',
  'toString',
]);

/**
 * Exception types whose text is written for the client: input validation and parse errors, and
 * HTTP exceptions. Their text in a 4xx response is compliant. `ValueError` and `KeyError` are
 * here because handlers raise them for unparseable or missing input (`int(request.args['n'])`).
 * `TypeError` is not, because its text names internal functions and types. Types are matched on
 * the last segment of their path.
 */
export const CLIENT_SAFE_EXCEPTIONS = new Set([
  'ValueError',
  'KeyError',
  'JSONDecodeError',
  'UnicodeDecodeError',
  'ValidationError',
  'RequestValidationError',
  'ValidationException',
  'ParseError',
  'ZodError',
  'HTTPException',
  'HttpException',
  'HttpError',
  'HttpErrors',
  'BadRequest',
  'NotFound',
  'Forbidden',
  'Unauthorized',
  'MethodNotAllowed',
  'Conflict',
  'Http404',
  'PermissionDenied',
  'NotAuthenticated',
  'AuthenticationFailed',
  'APIException',
  'ObjectDoesNotExist',
  'DoesNotExist',
  'SuspiciousOperation',
  'BadRequestException',
  'UnauthorizedException',
  'ForbiddenException',
  'NotFoundException',
  'ConflictException',
  'UnprocessableEntityException',
  'PayloadTooLargeException',
]);

/** Suffixes that mark a validation exception type of any library (`SchemaValidationError`). */
export const CLIENT_SAFE_SUFFIXES = ['ValidationError', 'ValidationException', 'ValidationErrors'];

/**
 * Suffixes of exception types that say a requested record does not exist (`OrderNotFound`,
 * `UserNotFoundError`, `Invoice.DoesNotExist`). Their text is client-facing in a 404 response.
 */
export const NOT_FOUND_SUFFIXES = ['NotFound', 'NotFoundError', 'NotFoundException', 'DoesNotExist'];

/**
 * Not-found exceptions about the server's own resources, whose text is never client-facing.
 * Python's `FileNotFoundError` and `ModuleNotFoundError` name server paths and modules, Jinja's
 * `TemplateNotFound` and Django's `TemplateDoesNotExist` name templates, AWS SDK
 * `ResourceNotFoundException` names tables and queues, and TypeORM's `EntityNotFoundError` names
 * the entity class and the query criteria.
 */
export const SERVER_NOT_FOUND_EXCEPTIONS = new Set([
  'FileNotFoundError',
  'ModuleNotFoundError',
  'TemplateNotFound',
  'TemplateDoesNotExist',
  'ResourceNotFoundException',
  'EntityNotFoundError',
]);

/**
 * Callee paths of responses that never show the given message for a 5xx status. Boom replaces
 * the payload of server errors with a generic text, and `http-errors` (behind Koa's `ctx.throw`)
 * marks 5xx errors as not exposed, so Express and Koa send only the status text.
 */
export const MESSAGE_HIDING_RESPONSES = new Set([
  'Boom.badImplementation',
  'Boom.internal',
  'Boom.badGateway',
  'Boom.serverUnavailable',
  'Boom.gatewayTimeout',
  'Boom.boomify',
  'boom.badImplementation',
  'boom.internal',
  'ctx.throw',
  'context.throw',
  'createError',
  'createHttpError',
  'httpErrors',
]);

/**
 * Expressions that contain the whole request payload, in Flask (`request.json`), Django and DRF
 * (`request.data`, `request.POST`, `request.body`), Express and Next.js pages (`req.body`), Koa
 * (`ctx.request.body`), Hapi (`request.payload`), and Starlette, FastAPI and Next.js route
 * handlers (`request.json()`).
 */
export const PAYLOAD_PATHS = new Set([
  'request.json',
  'request.get_json',
  'request.data',
  'request.get_data',
  'request.form',
  'request.values',
  'request.POST',
  'request.body',
  'request.payload',
  'request.raw_post_data',
  'req.body',
  'req.json',
  'req.payload',
  'ctx.request.body',
  'ctx.request.rawBody',
  'context.request.body',
  'self.request.data',
  'self.request.POST',
  'self.request.body',
]);

/** Methods that run a database query, so the text passed to them is query text. */
export const QUERY_METHODS = new Set([
  'execute',
  'executemany',
  'executescript',
  'exec_driver_sql',
  'raw',
  'query',
  '$queryRaw',
  '$queryRawUnsafe',
  '$executeRaw',
  '$executeRawUnsafe',
  'queryRaw',
  'unsafe',
]);

/** SQL text in a string literal: a statement verb followed by its clause keyword. */
export const SQL_TEXT = /\b(select|insert|update|delete)\b[\s\S]*\b(from|into|set|where)\b/i;

/** Names of Django settings, to tell a Django settings module from another `settings.py`. */
export const DJANGO_SETTINGS = new Set([
  'INSTALLED_APPS',
  'MIDDLEWARE',
  'ROOT_URLCONF',
  'ALLOWED_HOSTS',
  'DATABASES',
  'SECRET_KEY',
  'WSGI_APPLICATION',
  'ASGI_APPLICATION',
  'TEMPLATES',
]);

/** Settings file names (without `.py`) that are for local development or tests. */
export const DEVELOPMENT_SETTINGS_WORDS =
  /(^|[_.-])(local|dev|develop|development|test|tests|testing|ci|example|sample)([_.-]|$)/i;

/** Constructors whose `debug=True` keyword turns on tracebacks in responses. */
export const DEBUG_CONSTRUCTORS = new Set(['FastAPI', 'Starlette', 'fastapi.FastAPI', 'starlette.applications.Starlette']);

/** The npm package whose middleware sends stack traces to the client. */
export const ERRORHANDLER_PACKAGE = 'errorhandler';

/**
 * Calls that build a response from their arguments. A return of `jsonify(...)` is followed into
 * the arguments even when the adapter reports only the return.
 */
export const RESPONSE_BUILDERS = new Set([
  'jsonify',
  'make_response',
  'Response',
  'JSONResponse',
  'ORJSONResponse',
  'UJSONResponse',
  'PlainTextResponse',
  'HTMLResponse',
  'JsonResponse',
  'HttpResponse',
  'HttpResponseServerError',
  'HttpResponseBadRequest',
  'NextResponse.json',
  'Response.json',
  'h.response',
]);

/** Chained calls that set a status or header and return the response object again. */
export const RESPONSE_CHAIN_METHODS = new Set([
  'status',
  'code',
  'type',
  'set',
  'header',
  'headers',
  'cookie',
  'vary',
  'append',
  'location',
  'charset',
  'takeover',
]);
