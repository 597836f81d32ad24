import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildPythonModel } from '../../src/model/python/index.js';
import type { Expr, FileModel } from '../../src/model/types.js';
import { parseSource, prepareParsers } from '../../src/parse/parser.js';

await prepareParsers(['python']);

function buildModel(source: string, path = 'app.py'): FileModel {
  const tree = parseSource(source, 'python');
  try {
    return buildPythonModel(tree, source, path);
  } finally {
    tree.delete();
  }
}

function findBinding(model: FileModel, name: string): Expr {
  const binding = model.bindings.find((candidate) => candidate.name === name);
  assert.ok(binding, `expected a binding of ${name}`);
  return binding.value;
}

function summarizeRoutes(model: FileModel) {
  return model.routes.map((route) => ({
    framework: route.framework,
    methods: route.methods,
    path: route.path,
    owner: route.owner,
    handlerId: route.handlerId,
    handlerName: route.handlerName,
    middleware: route.middleware.map((ref) => ref.path),
    line: route.range.startLine,
  }));
}

function summarizeMounts(model: FileModel) {
  return model.mounts.map((mount) => ({
    framework: mount.framework,
    owner: mount.owner,
    prefix: mount.prefix,
    middleware: mount.middleware.map((ref) => ref.path),
    order: mount.order,
    line: mount.range.startLine,
  }));
}

function summarizeResponses(model: FileModel) {
  return model.responses.map((response) => ({
    kind: response.kind,
    via: response.via,
    status: response.status,
    body: response.body?.text ?? null,
    functionId: response.functionId,
    line: response.range.startLine,
  }));
}

test('imports and frameworks', () => {
  const model = buildModel(`
import os, a.b as c
from flask import Flask, jsonify as j
from .models import *
from rest_framework.views import APIView
import django.urls
`);
  assert.deepEqual(
    model.imports.map((fact) => [fact.module, fact.names, fact.range.startLine]),
    [
      ['os', [{ imported: 'os', local: 'os' }], 2],
      ['a.b', [{ imported: 'a.b', local: 'c' }], 2],
      ['flask', [{ imported: 'Flask', local: 'Flask' }, { imported: 'jsonify', local: 'j' }], 3],
      ['.models', [{ imported: '*', local: '*' }], 4],
      ['rest_framework.views', [{ imported: 'APIView', local: 'APIView' }], 5],
      ['django.urls', [{ imported: 'django.urls', local: 'django.urls' }], 6],
    ],
  );
  assert.deepEqual(model.frameworks, ['flask', 'drf', 'django']);
  assert.equal(model.language, 'python');
  assert.equal(model.path, 'app.py');
  assert.equal(model.lineCount, 6);
  assert.equal(model.hasSyntaxErrors, false);
});

test('functions with decorators, parameters and classes', () => {
  const model = buildModel(`
@app.route('/p', methods=['POST'])
@login_required
async def handle(a, b: int = 1, *args, key=Depends(x), **kwargs) -> None:
    def inner():
        pass

@dataclass
class Service(Base, mixins.Audited, metaclass=Meta):
    def run(self, job: Job):
        return job

on_error = lambda e: str(e)
`);
  const [handle, inner, run, lambda] = model.functions;
  assert.equal(model.functions.length, 4);

  assert.equal(handle.id, 1);
  assert.equal(handle.name, 'handle');
  assert.equal(handle.isAsync, true);
  assert.equal(handle.parentId, 0);
  assert.deepEqual(
    handle.decorators.map((decorator) => [decorator.path, decorator.arguments?.length ?? null]),
    [
      ['app.route', 2],
      ['login_required', null],
    ],
  );
  assert.equal(handle.decorators[0].arguments?.[1].name, 'methods');
  assert.deepEqual(
    handle.parameters.map((parameter) => [parameter.name, parameter.type]),
    [
      ['a', null],
      ['b', 'int'],
      ['args', null],
      ['key', null],
      ['kwargs', null],
    ],
  );
  assert.deepEqual(handle.nameRange, { startLine: 4, startColumn: 11, endLine: 4, endColumn: 17 });
  assert.equal(handle.range.startLine, 4);

  assert.equal(inner.name, 'inner');
  assert.equal(inner.parentId, 1);
  assert.equal(inner.className, null);

  assert.equal(run.className, 'Service');
  assert.deepEqual(run.classBases, ['Base', 'mixins.Audited']);
  assert.deepEqual(
    run.classDecorators.map((decorator) => decorator.path),
    ['dataclass'],
  );
  assert.deepEqual(
    run.parameters.map((parameter) => [parameter.name, parameter.type]),
    [
      ['self', null],
      ['job', 'Job'],
    ],
  );

  assert.equal(lambda.name, 'on_error');
  assert.equal(lambda.parentId, 0);
  assert.deepEqual(lambda.parameters.map((parameter) => parameter.name), ['e']);
  const value = findBinding(model, 'on_error');
  assert.equal(value.kind, 'function');
  assert.equal(value.kind === 'function' && value.functionId, 4);
  assert.equal(model.calls.find((call) => call.call.calleePath === 'str')?.functionId, 4);
});

test('expressions of each kind', () => {
  const model = buildModel(`
a = user.profile.email
b = data['password']
c = data[key]
d = client.session().get().json()
e = f"user {name!r} has {count:>5}"
f = "failed for %s (%d)" % (user, code)
g = "token {} for {user}".format(token, user=name)
h = "id=" + uid + ", " + f"pw={pw}"
i = ", ".join(names)
j = json.dumps(payload)
k = str(err)
l = {"user": u, **extra, 1: other}
m = dict(a=1, **rest)
n = [1, (2, 3), {4}]
o = x if cond else y
p = x or y and z
q = not ok
r = a in b
s = -total + 1
t = await fetch()
u = [row.id for row in rows if row.ok]
v = None
w = 'don\\'t\\n'
`);
  const member = findBinding(model, 'a');
  assert.equal(member.kind, 'member');
  assert.equal(member.kind === 'member' && member.property, 'email');

  const keyed = findBinding(model, 'b');
  assert.equal(keyed.kind === 'index' && keyed.key, 'password');
  const computed = findBinding(model, 'c');
  assert.equal(computed.kind === 'index' && computed.key, null);

  const chain = findBinding(model, 'd');
  assert.equal(chain.kind === 'call' && chain.calleePath, 'client.session.get.json');

  const fstring = findBinding(model, 'e');
  assert.equal(fstring.kind, 'template');
  if (fstring.kind === 'template') {
    assert.equal(fstring.operation, 'fstring');
    assert.equal(fstring.literal, 'user {} has {}');
    assert.deepEqual(fstring.parts.map((part) => part.text), ['name', 'count']);
  }

  const percent = findBinding(model, 'f');
  assert.ok(percent.kind === 'template');
  assert.equal(percent.operation, 'percent');
  assert.equal(percent.literal, 'failed for {} ({})');
  assert.deepEqual(percent.parts.map((part) => part.text), ['user', 'code']);

  const format = findBinding(model, 'g');
  assert.ok(format.kind === 'template');
  assert.equal(format.operation, 'format');
  assert.equal(format.literal, 'token {} for {}');
  assert.deepEqual(format.parts.map((part) => part.text), ['token', 'name']);

  const concat = findBinding(model, 'h');
  assert.ok(concat.kind === 'template');
  assert.equal(concat.operation, 'concat');
  assert.equal(concat.literal, 'id={}, pw={}');
  assert.deepEqual(concat.parts.map((part) => part.text), ['uid', 'pw']);

  const join = findBinding(model, 'i');
  assert.ok(join.kind === 'template');
  assert.equal(join.operation, 'join');
  assert.equal(join.literal, ', ');
  assert.deepEqual(join.parts.map((part) => part.text), ['names']);

  const stringify = findBinding(model, 'j');
  assert.ok(stringify.kind === 'template');
  assert.equal(stringify.operation, 'stringify');
  assert.deepEqual(stringify.parts.map((part) => part.text), ['payload']);

  const convert = findBinding(model, 'k');
  assert.ok(convert.kind === 'template');
  assert.equal(convert.operation, 'convert');
  assert.deepEqual(convert.parts.map((part) => part.text), ['err']);

  const dict = findBinding(model, 'l');
  assert.ok(dict.kind === 'object');
  assert.deepEqual(
    dict.entries.map((entry) => [entry.key, entry.spread, entry.value.text]),
    [
      ['user', false, 'u'],
      [null, true, 'extra'],
      [null, false, 'other'],
    ],
  );

  const dictCall = findBinding(model, 'm');
  assert.ok(dictCall.kind === 'object');
  assert.deepEqual(
    dictCall.entries.map((entry) => [entry.key, entry.spread, entry.value.text]),
    [
      ['a', false, '1'],
      [null, true, 'rest'],
    ],
  );

  const array = findBinding(model, 'n');
  assert.ok(array.kind === 'array');
  assert.deepEqual(array.items.map((item) => item.kind), ['literal', 'array', 'array']);

  const conditional = findBinding(model, 'o');
  assert.ok(conditional.kind === 'conditional');
  assert.deepEqual(
    [conditional.test.text, conditional.consequent.text, conditional.alternate.text],
    ['cond', 'x', 'y'],
  );

  const logical = findBinding(model, 'p');
  assert.ok(logical.kind === 'logical');
  assert.equal(logical.operator, '||');
  assert.equal(logical.right.kind === 'logical' && logical.right.operator, '&&');

  assert.equal(findBinding(model, 'q').kind, 'compare');
  const membership = findBinding(model, 'r');
  assert.ok(membership.kind === 'compare');
  assert.deepEqual(membership.operands.map((operand) => operand.text), ['a', 'b']);

  const arithmetic = findBinding(model, 's');
  assert.ok(arithmetic.kind === 'other');
  assert.equal(arithmetic.syntax, 'binary_operator');
  const awaited = findBinding(model, 't');
  assert.ok(awaited.kind === 'other');
  assert.equal(awaited.syntax, 'await');
  assert.equal(awaited.children[0].kind, 'call');
  const comprehension = findBinding(model, 'u');
  assert.ok(comprehension.kind === 'other');
  assert.equal(comprehension.syntax, 'list_comprehension');
  assert.deepEqual(comprehension.children.map((child) => child.text), ['row.id', 'rows', 'row.ok']);
  const row = findBinding(model, 'row');
  assert.ok(row.kind === 'other');
  assert.equal(row.syntax, 'for');

  assert.deepEqual(findBinding(model, 'v'), {
    kind: 'literal',
    value: null,
    range: { startLine: 23, startColumn: 5, endLine: 23, endColumn: 9 },
    text: 'None',
  });
  const escaped = findBinding(model, 'w');
  assert.equal(escaped.kind === 'string' && escaped.value, "don't\n");
});

test('expression text stops at 200 characters', () => {
  const long = 'x'.repeat(500);
  const model = buildModel(`value = "${long}"\n`);
  const value = findBinding(model, 'value');
  assert.equal(value.text.length, 200);
  assert.equal(value.kind === 'string' && value.value.length, 500);
  assert.deepEqual(value.range, { startLine: 1, startColumn: 9, endLine: 1, endColumn: 511 });
});

test('bindings from each assignment form', () => {
  const model = buildModel(`
def view(request, token):
    name: str = request.args["name"]
    user, pw = request.form["u"], request.form["p"]
    first, *rest = items
    with open(path) as handle:
        pass
    for key, value in pairs:
        pass
    if (match := pattern.search(text)):
        pass
    message = "token "
    message += ": " + token
    total = count = 0
`);
  assert.deepEqual(
    model.bindings.map((binding) => [binding.name, binding.value.kind, binding.functionId]),
    [
      ['name', 'index', 1],
      ['user', 'index', 1],
      ['pw', 'index', 1],
      ['first', 'index', 1],
      ['rest', 'other', 1],
      ['handle', 'call', 1],
      ['key', 'index', 1],
      ['value', 'index', 1],
      ['match', 'call', 1],
      ['message', 'string', 1],
      ['message', 'template', 1],
      ['total', 'literal', 1],
      ['count', 'literal', 1],
    ],
  );
  assert.equal(findBinding(model, 'pw').text, 'request.form["p"]');
  const first = findBinding(model, 'first');
  assert.ok(first.kind === 'index');
  assert.equal(first.object.text, 'items');
  const key = findBinding(model, 'key');
  assert.ok(key.kind === 'index');
  assert.ok(key.object.kind === 'other');
  assert.equal(key.object.syntax, 'for');
  const appended = model.bindings[10].value;
  assert.ok(appended.kind === 'template');
  assert.equal(appended.operation, 'concat');
  assert.deepEqual(appended.parts.map((part) => part.text), ['message', 'token']);
  assert.equal(model.bindings[0].range.startLine, 3);
  assert.equal(
    model.bindings.some((binding) => binding.name === 'request'),
    false,
  );
});

test('property assignments and class attributes', () => {
  const model = buildModel(`
app.debug = True
app.config['DEBUG'] = True
settings[key] = 1

class Login(APIView):
    throttle_classes = [UserRateThrottle]

    def post(self, request):
        self.user = request.user
`);
  assert.deepEqual(
    model.propertyAssignments.map((fact) => [fact.targetPath, fact.value.text, fact.functionId]),
    [
      ['app.debug', 'True', 0],
      ['app.config.DEBUG', 'True', 0],
      [null, '1', 0],
      ['Login.throttle_classes', '[UserRateThrottle]', 0],
      ['self.user', 'request.user', 1],
    ],
  );
  assert.equal(model.propertyAssignments[1].target.kind, 'index');
  assert.deepEqual(model.bindings, []);
});

test('calls with try, except and if context', () => {
  const model = buildModel(`
def process(order):
    try:
        charge(validate(order))
        try:
            notify(order)
        except NotifyError:
            retry(order)
    except (PaymentError, billing.CardError) as err:
        logger.error("failed", exc_info=err)
    except:
        alert()
    if order.big:
        review(order)
    elif order.small:
        skip(order)
    else:
        ship(order)

if __name__ == '__main__':
    app.run(debug=True)
`);
  const calls = model.calls.map((fact) => ({
    path: fact.call.calleePath,
    functionId: fact.functionId,
    tryIds: fact.tryIds,
    catchId: fact.catchId,
    guards: fact.guards,
    line: fact.range.startLine,
  }));
  assert.deepEqual(calls, [
    { path: 'charge', functionId: 1, tryIds: [1], catchId: null, guards: [], line: 4 },
    { path: 'validate', functionId: 1, tryIds: [1], catchId: null, guards: [], line: 4 },
    { path: 'notify', functionId: 1, tryIds: [4, 1], catchId: null, guards: [], line: 6 },
    { path: 'retry', functionId: 1, tryIds: [1], catchId: 5, guards: [], line: 8 },
    { path: 'logger.error', functionId: 1, tryIds: [], catchId: 2, guards: [], line: 10 },
    { path: 'alert', functionId: 1, tryIds: [], catchId: 3, guards: [], line: 12 },
    { path: 'review', functionId: 1, tryIds: [], catchId: null, guards: ['order.big'], line: 14 },
    {
      path: 'skip',
      functionId: 1,
      tryIds: [],
      catchId: null,
      guards: ['order.small', 'not order.big'],
      line: 16,
    },
    {
      path: 'ship',
      functionId: 1,
      tryIds: [],
      catchId: null,
      guards: ['not order.small', 'not order.big'],
      line: 18,
    },
    {
      path: 'app.run',
      functionId: 0,
      tryIds: [],
      catchId: null,
      guards: ["__name__ == '__main__'"],
      line: 21,
    },
  ]);
  assert.equal(model.calls[4].call.arguments[1].name, 'exc_info');

  assert.deepEqual(
    model.catches.map((fact) => ({
      id: fact.id,
      kind: fact.kind,
      binding: fact.binding,
      types: fact.types,
      tryId: fact.tryId,
      line: fact.range.startLine,
      bodyLine: fact.bodyRange.startLine,
    })),
    [
      {
        id: 5,
        kind: 'except',
        binding: null,
        types: ['NotifyError'],
        tryId: 4,
        line: 7,
        bodyLine: 8,
      },
      {
        id: 2,
        kind: 'except',
        binding: 'err',
        types: ['PaymentError', 'billing.CardError'],
        tryId: 1,
        line: 9,
        bodyLine: 10,
      },
      { id: 3, kind: 'except', binding: null, types: [], tryId: 1, line: 11, bodyLine: 12 },
    ],
  );
});

test('flask routes, responses and mounts', () => {
  const model = buildModel(`
from flask import Flask, Blueprint, jsonify, abort, make_response, Response
from flask_limiter import Limiter

app = Flask(__name__)
bp = Blueprint('auth', __name__, url_prefix='/auth')
limiter = Limiter(app, default_limits=["100/hour"])

@app.before_request
def load_user():
    pass

@app.route('/login', methods=['POST'])
@limiter.limit("5/minute")
def login():
    try:
        user = authenticate()
    except AuthError as e:
        return jsonify(error=str(e)), 401
    if not user.active:
        abort(403, "inactive")
    return make_response(jsonify(user.to_dict()), 201)

@bp.get('/me')
def me():
    return Response(render(me), status=500)

def health():
    return jsonify(status="ok")

app.add_url_rule('/health', view_func=health)
app.register_blueprint(bp, url_prefix='/v1')

@app.errorhandler(Exception)
def on_error(err):
    return jsonify({"detail": str(err)}), 500
`);
  assert.deepEqual(summarizeRoutes(model), [
    {
      framework: 'flask',
      methods: ['POST'],
      path: '/login',
      owner: 'app',
      handlerId: 2,
      handlerName: 'login',
      middleware: ['limiter.limit'],
      line: 13,
    },
    {
      framework: 'flask',
      methods: ['GET'],
      path: '/me',
      owner: 'bp',
      handlerId: 3,
      handlerName: 'me',
      middleware: [],
      line: 24,
    },
    {
      framework: 'flask',
      methods: ['GET'],
      path: '/health',
      owner: 'app',
      handlerId: 4,
      handlerName: 'health',
      middleware: [],
      line: 31,
    },
  ]);
  assert.deepEqual(summarizeMounts(model), [
    { framework: 'flask', owner: 'bp', prefix: '/auth', middleware: [], order: 0, line: 6 },
    { framework: 'flask', owner: 'app', prefix: null, middleware: ['Limiter'], order: 0, line: 7 },
    {
      framework: 'flask',
      owner: 'app',
      prefix: null,
      middleware: ['load_user'],
      order: 1,
      line: 9,
    },
    { framework: 'flask', owner: 'app', prefix: '/v1', middleware: ['bp'], order: 4, line: 32 },
  ]);
  assert.deepEqual(summarizeResponses(model), [
    {
      kind: 'return',
      via: 'return',
      status: 401,
      body: 'jsonify(error=str(e))',
      functionId: 2,
      line: 19,
    },
    { kind: 'call', via: 'abort', status: 403, body: '"inactive"', functionId: 2, line: 21 },
    { kind: 'return', via: 'return', status: 201, body: 'user.to_dict()', functionId: 2, line: 22 },
    { kind: 'return', via: 'return', status: 500, body: 'render(me)', functionId: 3, line: 26 },
    {
      kind: 'return',
      via: 'return',
      status: null,
      body: 'jsonify(status="ok")',
      functionId: 4,
      line: 29,
    },
    {
      kind: 'return',
      via: 'return',
      status: 500,
      body: '{"detail": str(err)}',
      functionId: 5,
      line: 36,
    },
  ]);
  const unwrapped = model.responses[0].body;
  assert.ok(unwrapped?.kind === 'object');
  assert.deepEqual(unwrapped.entries.map((entry) => entry.key), ['error']);
  assert.equal(model.responses[0].catchId, 2);
  assert.deepEqual(model.responses[1].guards, ['not user.active']);

  const onError = model.functions[4];
  assert.equal(onError.isErrorHandler, true);
  assert.equal(onError.isRequestHandler, false);
  assert.deepEqual(
    model.functions.map((fact) => fact.isRequestHandler),
    [false, true, true, true, false],
  );
  const errorCatch = model.catches.find((fact) => fact.kind === 'error-handler');
  assert.deepEqual(
    errorCatch && [errorCatch.functionId, errorCatch.binding, errorCatch.types],
    [5, 'err', ['Exception']],
  );
  assert.equal(errorCatch?.bodyRange.startLine, 36);
});

test('response call outside a handler is its own fact', () => {
  const model = buildModel(`
from flask import jsonify

def error_payload(e):
    return jsonify(message=str(e))
`);
  assert.deepEqual(summarizeResponses(model), [
    {
      kind: 'call',
      via: 'jsonify',
      status: null,
      body: 'jsonify(message=str(e))',
      functionId: 1,
      line: 5,
    },
  ]);
});

test('fastapi routes, dependencies and exceptions', () => {
  const model = buildModel(`
from fastapi import FastAPI, APIRouter, Depends, HTTPException, status
from fastapi.responses import JSONResponse
from http import HTTPStatus

app = FastAPI(dependencies=[Depends(verify_key)])
router = APIRouter(prefix="/auth", dependencies=[Depends(RateLimiter(times=5, seconds=60))])
app.add_middleware(SlowAPIMiddleware)

@router.post("/token", dependencies=[Depends(audit)])
@limiter.limit("5/minute")
async def token(request: Request, db: Session = Depends(get_db)):
    if not ok:
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail="bad credentials")
    return {"token": t}

@app.api_route("/items", methods=["GET", "POST"])
def items():
    return JSONResponse(content={"items": []}, status_code=HTTPStatus.OK)

@app.exception_handler(Exception)
async def on_error(request, exc):
    return JSONResponse(status_code=500, content={"detail": str(exc)})

@app.middleware("http")
async def add_header(request, call_next):
    return await call_next(request)

app.include_router(router, prefix="/api", dependencies=[Depends(auth)])
app.add_exception_handler(ValueError, on_value_error)

def on_value_error(request, exc):
    pass
`);
  assert.deepEqual(summarizeRoutes(model), [
    {
      framework: 'fastapi',
      methods: ['POST'],
      path: '/token',
      owner: 'router',
      handlerId: 1,
      handlerName: 'token',
      middleware: ['audit', 'limiter.limit', 'get_db'],
      line: 10,
    },
    {
      framework: 'fastapi',
      methods: ['GET', 'POST'],
      path: '/items',
      owner: 'app',
      handlerId: 2,
      handlerName: 'items',
      middleware: [],
      line: 17,
    },
  ]);
  const rateLimiter = model.mounts[1].middleware[0];
  assert.equal(rateLimiter.path, 'RateLimiter');
  assert.equal(rateLimiter.expr?.kind === 'call' && rateLimiter.expr.arguments[0].name, 'times');
  assert.deepEqual(summarizeMounts(model), [
    {
      framework: 'fastapi',
      owner: 'app',
      prefix: null,
      middleware: ['verify_key'],
      order: 0,
      line: 6,
    },
    {
      framework: 'fastapi',
      owner: 'router',
      prefix: '/auth',
      middleware: ['RateLimiter'],
      order: 0,
      line: 7,
    },
    {
      framework: 'fastapi',
      owner: 'app',
      prefix: null,
      middleware: ['SlowAPIMiddleware'],
      order: 1,
      line: 8,
    },
    {
      framework: 'fastapi',
      owner: 'app',
      prefix: null,
      middleware: ['add_header'],
      order: 3,
      line: 25,
    },
    {
      framework: 'fastapi',
      owner: 'app',
      prefix: '/api',
      middleware: ['router', 'auth'],
      order: 4,
      line: 29,
    },
  ]);
  assert.deepEqual(summarizeResponses(model), [
    {
      kind: 'throw',
      via: 'HTTPException',
      status: 401,
      body: '"bad credentials"',
      functionId: 1,
      line: 14,
    },
    { kind: 'return', via: 'return', status: null, body: '{"token": t}', functionId: 1, line: 15 },
    { kind: 'return', via: 'return', status: 200, body: '{"items": []}', functionId: 2, line: 19 },
    {
      kind: 'return',
      via: 'return',
      status: 500,
      body: '{"detail": str(exc)}',
      functionId: 3,
      line: 23,
    },
  ]);
  assert.deepEqual(
    model.catches.map((fact) => [fact.kind, fact.functionId, fact.binding, fact.types]),
    [
      ['error-handler', 3, 'exc', ['Exception']],
      ['error-handler', 5, 'exc', ['ValueError']],
    ],
  );
});

test('starlette routes', () => {
  const model = buildModel(`
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.middleware import Middleware

async def homepage(request):
    pass

app = Starlette(
    routes=[Route('/', homepage), Route('/users', UserEndpoint, methods=['GET', 'POST'])],
    middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=['example.com'])],
)
`);
  assert.deepEqual(summarizeRoutes(model), [
    {
      framework: 'starlette',
      methods: ['GET'],
      path: '/',
      owner: null,
      handlerId: 1,
      handlerName: 'homepage',
      middleware: [],
      line: 10,
    },
    {
      framework: 'starlette',
      methods: ['GET', 'POST'],
      path: '/users',
      owner: null,
      handlerId: null,
      handlerName: 'UserEndpoint',
      middleware: [],
      line: 10,
    },
  ]);
  assert.deepEqual(summarizeMounts(model), [
    {
      framework: 'starlette',
      owner: 'app',
      prefix: null,
      middleware: ['TrustedHostMiddleware'],
      order: 0,
      line: 9,
    },
  ]);
  assert.equal(model.functions[0].isRequestHandler, true);
});

test('django urls, error handlers and settings', () => {
  const urls = buildModel(
    `
from django.urls import path, re_path, include
from django.views.decorators.csrf import csrf_exempt
from . import views

def local_view(request):
    return HttpResponse("hi")

def server_error(request):
    pass

urlpatterns = [
    path('login/', views.login, name='login'),
    path('api/', include('api.urls')),
    re_path(r'^users/(?P<id>\\d+)$', views.UserView.as_view()),
    path('local/', csrf_exempt(local_view)),
]
handler500 = server_error
`,
    'project/urls.py',
  );
  assert.deepEqual(summarizeRoutes(urls), [
    {
      framework: 'django',
      methods: ['*'],
      path: 'login/',
      owner: 'urlpatterns',
      handlerId: null,
      handlerName: 'views.login',
      middleware: [],
      line: 13,
    },
    {
      framework: 'django',
      methods: ['*'],
      path: '^users/(?P<id>\\d+)$',
      owner: 'urlpatterns',
      handlerId: null,
      handlerName: 'views.UserView',
      middleware: [],
      line: 15,
    },
    {
      framework: 'django',
      methods: ['*'],
      path: 'local/',
      owner: 'urlpatterns',
      handlerId: 1,
      handlerName: 'local_view',
      middleware: ['csrf_exempt'],
      line: 16,
    },
  ]);
  assert.deepEqual(summarizeMounts(urls), [
    {
      framework: 'django',
      owner: 'urlpatterns',
      prefix: 'api/',
      middleware: ['api.urls'],
      order: 1,
      line: 14,
    },
  ]);
  assert.equal(urls.functions[0].isRequestHandler, true);
  assert.equal(urls.functions[1].isErrorHandler, true);
  assert.deepEqual(
    urls.catches.map((fact) => [fact.kind, fact.functionId, fact.binding, fact.types]),
    [['error-handler', 2, null, []]],
  );

  const settings = buildModel(
    `
DEBUG = True
MIDDLEWARE = [
    'django.middleware.security.SecurityMiddleware',
    'myapp.middleware.RateLimitMiddleware',
]
REST_FRAMEWORK = {
    'DEFAULT_THROTTLE_CLASSES': ['rest_framework.throttling.AnonRateThrottle'],
    'DEFAULT_THROTTLE_RATES': {'anon': '100/day'},
}
`,
    'project/settings.py',
  );
  assert.deepEqual(summarizeMounts(settings), [
    {
      framework: 'django',
      owner: 'settings',
      prefix: null,
      middleware: [
        'django.middleware.security.SecurityMiddleware',
        'myapp.middleware.RateLimitMiddleware',
      ],
      order: 0,
      line: 3,
    },
    {
      framework: 'drf',
      owner: 'settings',
      prefix: null,
      middleware: ['rest_framework.throttling.AnonRateThrottle'],
      order: 1,
      line: 7,
    },
  ]);
});

test('django and drf views', () => {
  const source = `
from django.http import JsonResponse, HttpResponseServerError
from rest_framework.views import APIView
from rest_framework.response import Response
from rest_framework import status, viewsets
from rest_framework.decorators import api_view, throttle_classes
from rest_framework.exceptions import PermissionDenied

def login_view(request):
    try:
        authenticate(request)
    except Exception as e:
        return JsonResponse({"error": str(e)}, status=500)
    return HttpResponseServerError("unavailable")

def helper(value):
    return value

class BaseView(APIView):
    pass

class LoginView(BaseView):
    throttle_classes = [UserRateThrottle]

    @method_decorator(ratelimit(key='ip'))
    def post(self, request):
        if not request.user.is_staff:
            raise PermissionDenied("staff only")
        return Response({"detail": "denied"}, status=status.HTTP_403_FORBIDDEN)

    def _audit(self):
        pass

class Users(viewsets.ModelViewSet):
    def list(self, request):
        return Response(data)

@api_view(['POST'])
@throttle_classes([UserRateThrottle])
def reset(request):
    return Response(status=status.HTTP_204_NO_CONTENT)
`;
  const model = buildModel(source, 'accounts/views.py');
  assert.deepEqual(
    model.functions.map((fact) => [fact.name, fact.isRequestHandler]),
    [
      ['login_view', true],
      ['helper', false],
      ['post', true],
      ['_audit', false],
      ['list', true],
      ['reset', true],
    ],
  );
  assert.deepEqual(summarizeRoutes(model), [
    {
      framework: 'drf',
      methods: ['POST'],
      path: null,
      owner: 'LoginView',
      handlerId: 3,
      handlerName: 'LoginView.post',
      middleware: ['throttle_classes', 'method_decorator'],
      line: 26,
    },
    {
      framework: 'drf',
      methods: ['GET'],
      path: null,
      owner: 'Users',
      handlerId: 5,
      handlerName: 'Users.list',
      middleware: [],
      line: 35,
    },
    {
      framework: 'drf',
      methods: ['POST'],
      path: null,
      owner: null,
      handlerId: 6,
      handlerName: 'reset',
      middleware: ['throttle_classes'],
      line: 38,
    },
  ]);
  const throttle = model.routes[0].middleware[0];
  assert.equal(throttle.expr?.text, '[UserRateThrottle]');
  assert.deepEqual(summarizeResponses(model), [
    {
      kind: 'return',
      via: 'return',
      status: 500,
      body: '{"error": str(e)}',
      functionId: 1,
      line: 13,
    },
    { kind: 'return', via: 'return', status: 500, body: '"unavailable"', functionId: 1, line: 14 },
    {
      kind: 'throw',
      via: 'PermissionDenied',
      status: 403,
      body: '"staff only"',
      functionId: 3,
      line: 28,
    },
    {
      kind: 'return',
      via: 'return',
      status: 403,
      body: '{"detail": "denied"}',
      functionId: 3,
      line: 29,
    },
    { kind: 'return', via: 'return', status: null, body: 'data', functionId: 5, line: 36 },
    { kind: 'return', via: 'return', status: 204, body: null, functionId: 6, line: 41 },
  ]);

  const elsewhere = buildModel(source.replace("@api_view(['POST'])\n", ''), 'accounts/helpers.py');
  assert.equal(elsewhere.functions[0].isRequestHandler, false);
  assert.equal(elsewhere.functions[5].isRequestHandler, false);
});

test('flask extension set up with init_app', () => {
  const model = buildModel(`
from flask import Flask
from flask_limiter import Limiter

limiter = Limiter(key_func=get_remote_address, default_limits=["200/day"])
app = Flask(__name__)
limiter.init_app(app)
`);
  assert.deepEqual(summarizeMounts(model), [
    { framework: 'flask', owner: 'app', prefix: null, middleware: ['Limiter'], order: 0, line: 7 },
  ]);
  assert.equal(model.mounts[0].middleware[0].expr?.range.startLine, 5);
});

test('syntax errors keep what was recovered', () => {
  const model = buildModel(`
import logging
def broken(:
    pass
logging.info("after", password)
`);
  assert.equal(model.hasSyntaxErrors, true);
  assert.deepEqual(model.imports.map((fact) => fact.module), ['logging']);
  assert.deepEqual(
    model.calls.map((fact) => [fact.call.calleePath, fact.range.startLine]),
    [['logging.info', 5]],
  );
});

test('deep nesting does not overflow the stack', () => {
  const depth = 5000;
  const lists = `x = ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
  const parens = `y = ${'('.repeat(depth)}f(1)${')'.repeat(depth)}\n`;
  const calls = `z = ${'g('.repeat(depth)}${')'.repeat(depth)}\n`;
  const concat = `w = "a"${' + b'.repeat(depth)}\n`;
  const model = buildModel(lists + parens + calls + concat);
  assert.deepEqual(
    model.bindings.map((binding) => binding.name),
    ['x', 'y', 'z', 'w'],
  );
  const nested = findBinding(model, 'y');
  assert.equal(nested.kind === 'call' && nested.calleePath, 'f');
  const built = findBinding(model, 'w');
  assert.equal(built.kind === 'template' && built.parts.length, depth);
});

test('columns count UTF-16 code units', () => {
  const model = buildModel('s = "é😀"; t = 1\n');
  const binding = model.bindings.find((candidate) => candidate.name === 't');
  assert.deepEqual(binding?.range, { startLine: 1, startColumn: 12, endLine: 1, endColumn: 17 });
  const text = findBinding(model, 's');
  assert.equal(text.kind === 'string' && text.value, 'é😀');
});

test('mock.patch decorators are no routes', () => {
  const model = buildModel(`
from unittest import mock
from fastapi import FastAPI
app = FastAPI()

@mock.patch("saleor.account.notifications.make_token")
def test_reset(mocked):
    pass

@app.patch("/users/{user_id}")
def update_user(user_id: int):
    pass
`);
  assert.deepEqual(
    model.routes.map((route) => `${route.methods.join(',')} ${route.path}`),
    ['PATCH /users/{user_id}'],
  );
});
