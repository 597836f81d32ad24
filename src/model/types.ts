/**
 * The language-neutral model that rules read. Each language adapter turns one syntax tree into a
 * `FileModel`; rules never see tree-sitter nodes. Every object here is plain data, so a model can
 * cross a worker boundary and be written to a cache.
 */

export type Language = 'python' | 'javascript' | 'typescript' | 'tsx';

/** A source position; lines and columns are 1-based, `endColumn` is exclusive. */
export interface Range {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

/**
 * An expression, reduced to what data-flow questions need. Adapters map every syntax form to the
 * closest kind; anything else becomes `other` with its sub-expressions in `children`, so a flow
 * that passes through an unknown form is still followed.
 */
export type Expr =
  | IdentifierExpr
  | MemberExpr
  | IndexExpr
  | CallExpr
  | StringExpr
  | TemplateExpr
  | ObjectExpr
  | ArrayExpr
  | SpreadExpr
  | LiteralExpr
  | ConditionalExpr
  | LogicalExpr
  | CompareExpr
  | FunctionRefExpr
  | OtherExpr;

interface ExprBase {
  range: Range;
  /** Source text, truncated by the adapter to at most 200 characters. */
  text: string;
}

/** A bare name: `password`, `req`, `self`, `this`. */
export interface IdentifierExpr extends ExprBase {
  kind: 'identifier';
  name: string;
}

/** `object.property`, `object?.property`, and `object['literal']` in JavaScript. */
export interface MemberExpr extends ExprBase {
  kind: 'member';
  object: Expr;
  property: string;
}

/**
 * `object[index]` with a non-literal index, and Python subscripts. When the index is a string
 * literal, `key` is its value, so `data['password']` has key `password`.
 */
export interface IndexExpr extends ExprBase {
  kind: 'index';
  object: Expr;
  index: Expr;
  key: string | null;
}

/** One argument of a call. `name` is set for Python keyword arguments (`exc_info=True`). */
export interface Argument {
  name: string | null;
  /** `*args` / `**kwargs` in Python, `...args` in JavaScript. */
  spread: 'none' | 'list' | 'dict';
  value: Expr;
}

/**
 * A call or `new` expression. `calleePath` is the dotted path of the callee when it is built of
 * names and properties only (`logger.info`, `res.status.json` for `res.status(500).json(...)`,
 * `self.log.warning`); null otherwise. Calls in a chain are flattened into the path with their
 * receivers available through `callee`.
 */
export interface CallExpr extends ExprBase {
  kind: 'call';
  callee: Expr;
  calleePath: string | null;
  arguments: Argument[];
  isNew: boolean;
}

/** A string literal without interpolation. `value` is the decoded content. */
export interface StringExpr extends ExprBase {
  kind: 'string';
  value: string;
}

/**
 * A value built from other values by string building: f-strings, template literals, `+` on
 * strings, `%` formatting, `.format(...)`, `.join(...)`, `JSON.stringify`, `str()`, `String()`.
 * `parts` are the interpolated expressions; `literal` is the constant text with `{}` where values go.
 */
export interface TemplateExpr extends ExprBase {
  kind: 'template';
  operation: 'fstring' | 'template' | 'concat' | 'percent' | 'format' | 'join' | 'stringify' | 'convert';
  literal: string;
  parts: Expr[];
}

/** One entry of an object or dict literal. `key` is null for computed keys and spreads. */
export interface ObjectEntry {
  key: string | null;
  value: Expr;
  spread: boolean;
  range: Range;
}

/** Object literals, Python dicts, and `dict(a=1)` calls. */
export interface ObjectExpr extends ExprBase {
  kind: 'object';
  entries: ObjectEntry[];
}

/** Array, list, tuple and set literals. */
export interface ArrayExpr extends ExprBase {
  kind: 'array';
  items: Expr[];
}

/** `...x` inside an array or call (object spreads are `ObjectEntry.spread`). */
export interface SpreadExpr extends ExprBase {
  kind: 'spread';
  value: Expr;
}

/** Numbers, booleans, null/None/undefined. */
export interface LiteralExpr extends ExprBase {
  kind: 'literal';
  value: number | boolean | null;
}

/** `a ? b : c`, `b if a else c`. */
export interface ConditionalExpr extends ExprBase {
  kind: 'conditional';
  test: Expr;
  consequent: Expr;
  alternate: Expr;
}

/** `a || b`, `a ?? b`, `a && b`, `a or b`, `a and b`. */
export interface LogicalExpr extends ExprBase {
  kind: 'logical';
  operator: '||' | '&&' | '??';
  left: Expr;
  right: Expr;
}

/**
 * Comparisons, `not`, `!`, `typeof`, `in`, `instanceof`: forms whose result is a boolean derived
 * from the operands, never the operands themselves.
 */
export interface CompareExpr extends ExprBase {
  kind: 'compare';
  operands: Expr[];
}

/** An inline function (lambda, arrow, function expression); its body is the function `id`. */
export interface FunctionRefExpr extends ExprBase {
  kind: 'function';
  functionId: number;
}

/** Any other form; data flows from `children` into it (arithmetic, await, casts, comprehensions). */
export interface OtherExpr extends ExprBase {
  kind: 'other';
  syntax: string;
  children: Expr[];
}

/** A decorator or NestJS-style annotation: `@app.route('/x', methods=['POST'])`. */
export interface DecoratorFact {
  /** Dotted path of the decorator: `app.route`, `login_required`, `UseGuards`. */
  path: string;
  /** Arguments when the decorator is called, or null for a bare `@name`. */
  arguments: Argument[] | null;
  range: Range;
}

export interface ParameterFact {
  name: string;
  /** Annotation or type text, when written: `Request`, `HttpRequest`, `Exception`. */
  type: string | null;
  /** For destructured parameters (`{ body }`), the bound names. */
  destructured: string[];
  /** Decorators on the parameter (NestJS `@Body()`, `@Req()`). */
  decorators: DecoratorFact[];
  range: Range;
}

/**
 * One assignment or binding inside a function (or at module level when `functionId` is 0).
 * Destructuring yields one binding per name: `const { password } = req.body` binds `password`
 * to the member `req.body.password`, with `source` a synthetic `member` expression.
 * Augmented assignments (`x += y`) bind `x` to a `template`/`other` of both sides.
 */
export interface BindingFact {
  name: string;
  value: Expr;
  range: Range;
  functionId: number;
}

/** An assignment to an attribute or subscript: `app.debug = True`, `ctx.body = {...}`. */
export interface PropertyAssignmentFact {
  target: Expr;
  /** Dotted path of the target when it is a plain path: `app.config.DEBUG` for `app.config['DEBUG']`. */
  targetPath: string | null;
  value: Expr;
  range: Range;
  functionId: number;
}

export interface FunctionFact {
  /** File-unique id; 0 is reserved for module level. */
  id: number;
  /** Declared or inferred name (`const login = async (req, res) => ...` gives `login`); null when anonymous. */
  name: string | null;
  /** Enclosing class name for methods. */
  className: string | null;
  /** Decorators of the enclosing class, for methods (NestJS `@Controller`, DRF view classes). */
  classDecorators: DecoratorFact[];
  /** Base classes of the enclosing class (`APIView`, `View`, `BaseHTTPMiddleware`). */
  classBases: string[];
  parameters: ParameterFact[];
  decorators: DecoratorFact[];
  /** Id of the lexically enclosing function, 0 for top level. */
  parentId: number;
  isAsync: boolean;
  /**
   * True when the framework calls this function for an HTTP request: it is the handler of a route
   * in this file, or a framework convention says so (a Django view taking `request`, a method of a
   * DRF/Django class-based view named after an HTTP method, a NestJS controller method with an
   * HTTP-method decorator, an exported `GET`/`POST` of a Next.js route file, the default export of a
   * Next.js `pages/api` file).
   */
  isRequestHandler: boolean;
  /**
   * True when the framework calls this function with an error: Flask `errorhandler`, FastAPI and
   * Starlette exception handlers, Express middleware with four parameters, Koa `app.on('error')`,
   * Fastify `setErrorHandler`, NestJS exception filters (`catch(exception, host)`), Django
   * `handler500`.
   */
  isErrorHandler: boolean;
  range: Range;
  /** Range of the name, or of the first line when anonymous; findings about a function point here. */
  nameRange: Range;
}

/** A call with its position in the code. */
export interface CallFact {
  call: CallExpr;
  functionId: number;
  /** Ids of the try/catch blocks whose protected body contains this call, innermost first. */
  tryIds: number[];
  /** Id of the `except`/`catch` clause whose handler body contains this call, or null. */
  catchId: number | null;
  /**
   * Source text of the conditions that guard this call (`if` tests that enclose it, innermost
   * first), so rules can ask "only in development?".
   */
  guards: string[];
  range: Range;
}

/** An `except` or `catch` clause, or a function that receives an error by convention. */
export interface CatchFact {
  id: number;
  functionId: number;
  /** Name bound to the exception (`e`, `err`), or null when none is bound. */
  binding: string | null;
  /** Exception types named by the clause (`ValueError`, `PaymentError`); empty for catch-all. */
  types: string[];
  kind: 'except' | 'catch' | 'promise-catch' | 'error-handler';
  range: Range;
  /** Range of the handler body: calls and responses inside it are within the clause. */
  bodyRange: Range;
  /**
   * Id of the try block this clause belongs to, as listed in `CallFact.tryIds`. Absent for error
   * handlers, which belong to no try block.
   */
  tryId?: number;
}

/**
 * A value sent back to an HTTP client. Adapters emit one for every return statement of a
 * request handler and every response-producing call anywhere (`res.json`, `jsonify`, `ctx.body =`,
 * `reply.send`, `HttpResponse(...)`, `raise HTTPException(detail=...)`, `throw new
 * InternalServerErrorException(...)`, `abort(500, ...)`).
 */
export interface ResponseFact {
  functionId: number;
  /** What produced it: `return`, the callee path (`res.json`), or `ctx.body` for an assignment. */
  via: string;
  kind: 'return' | 'call' | 'assignment' | 'throw';
  /** The payload expression, or null when none (`res.sendStatus(500)`). */
  body: Expr | null;
  /** HTTP status when known statically (from `res.status(500)`, tuple returns, `status_code=`). */
  status: number | null;
  catchId: number | null;
  guards: string[];
  range: Range;
}

export type Framework =
  | 'flask'
  | 'fastapi'
  | 'starlette'
  | 'django'
  | 'drf'
  | 'express'
  | 'koa'
  | 'fastify'
  | 'nestjs'
  | 'hapi'
  | 'nextjs';

/** Something that runs before a handler: a decorator, a middleware expression, a guard. */
export interface MiddlewareRef {
  /** Dotted path or callee path: `limiter`, `rateLimit`, `authenticate`, `ThrottlerGuard`. */
  path: string;
  /** The expression, so rules can read options (`rateLimit({ windowMs, max })`). */
  expr: Expr | null;
  range: Range;
}

/** An HTTP route: a method and path bound to a handler. */
export interface RouteFact {
  framework: Framework;
  /** Upper-case methods; `['*']` for all (`app.all`, `app.use` with a handler, Flask default GET). */
  methods: string[];
  /** The path as written on the route, without mount prefixes; null when unknown. */
  path: string | null;
  /** Receiver of the registration: `app`, `router`, `bp`, `fastify`; or the controller class. */
  owner: string | null;
  /** Id of the handler function when it is defined in this file; null otherwise. */
  handlerId: number | null;
  /** Name of the handler when it is a reference (`views.login`, `AuthController.login`). */
  handlerName: string | null;
  /** Middleware passed on the route itself, in order, and route decorators. */
  middleware: MiddlewareRef[];
  range: Range;
}

/**
 * Middleware mounted on an app or router, or a router mounted under a prefix:
 * `app.use(limiter)`, `app.use('/api', apiRouter)`, `fastify.register(plugin, { prefix })`,
 * `urlpatterns = [path('api/', include('api.urls'))]`, `app.register_blueprint(bp, url_prefix=...)`,
 * `app.include_router(router, prefix=..., dependencies=[...])`, `app.useGlobalGuards(...)`.
 */
export interface MountFact {
  framework: Framework;
  /** Receiver: `app`, `router`, `fastify`. */
  owner: string | null;
  /** Prefix covered; null means everything the owner serves. */
  prefix: string | null;
  /** What is mounted, in order. A router or blueprint appears as its name. */
  middleware: MiddlewareRef[];
  /** Position among the owner's mounts and routes in source order, to reason about order. */
  order: number;
  range: Range;
}

/** An import: `from flask_limiter import Limiter`, `import rateLimit from 'express-rate-limit'`. */
export interface ImportFact {
  /** Module specifier: `flask_limiter`, `express-rate-limit`, `./auth`. */
  module: string;
  /** Imported name (`Limiter`, `default`, `*`) and the local name it is bound to. */
  names: { imported: string; local: string }[];
  range: Range;
}

export interface FileModel {
  /** Path relative to the scanned root, with forward slashes. */
  path: string;
  language: Language;
  /** Number of lines in the file. */
  lineCount: number;
  /** True when tree-sitter had to recover from syntax errors; the model covers what it recovered. */
  hasSyntaxErrors: boolean;
  imports: ImportFact[];
  functions: FunctionFact[];
  bindings: BindingFact[];
  propertyAssignments: PropertyAssignmentFact[];
  calls: CallFact[];
  catches: CatchFact[];
  responses: ResponseFact[];
  routes: RouteFact[];
  mounts: MountFact[];
  /** Frameworks seen in this file's imports. */
  frameworks: Framework[];
}
