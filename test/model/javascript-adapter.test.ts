import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildJavaScriptModel } from '../../src/model/javascript/index.js';
import { getExprPath } from '../../src/model/flow.js';
import type { CallFact, Expr, FileModel, FunctionFact } from '../../src/model/types.js';
import { parseSource, prepareParsers } from '../../src/parse/parser.js';

await prepareParsers(['javascript', 'typescript', 'tsx']);

function build(
  source: string,
  path = 'src/app.js',
  language: 'javascript' | 'typescript' | 'tsx' = 'javascript',
): FileModel {
  const tree = parseSource(source, language);
  try {
    return buildJavaScriptModel(tree, source, path, language);
  } finally {
    tree.delete();
  }
}

function findFunction(model: FileModel, name: string): FunctionFact {
  const found = model.functions.find((fn) => fn.name === name);
  assert.ok(found, `function ${name} not found`);
  return found;
}

function findCall(model: FileModel, calleePath: string, index = 0): CallFact {
  const found = model.calls.filter((fact) => fact.call.calleePath === calleePath)[index];
  assert.ok(found, `call ${calleePath} #${index} not found`);
  return found;
}

function findBinding(model: FileModel, name: string): Expr {
  const found = model.bindings.find((binding) => binding.name === name);
  assert.ok(found, `binding ${name} not found`);
  return found.value;
}

test('imports ES modules and require', () => {
  const model = build(`
import express, { Router as R } from 'express';
import * as util from 'node:util';
import 'dotenv/config';
const rateLimit = require('express-rate-limit');
const { login, logout: signOut } = require('./auth');
const pick = require('lodash').pick;
`);
  assert.deepEqual(
    model.imports.map((fact) => [fact.module, fact.names, fact.range.startLine]),
    [
      [
        'express',
        [
          { imported: 'default', local: 'express' },
          { imported: 'Router', local: 'R' },
        ],
        2,
      ],
      ['node:util', [{ imported: '*', local: 'util' }], 3],
      ['dotenv/config', [], 4],
      ['express-rate-limit', [{ imported: 'default', local: 'rateLimit' }], 5],
      [
        './auth',
        [
          { imported: 'login', local: 'login' },
          { imported: 'logout', local: 'signOut' },
        ],
        6,
      ],
      ['lodash', [{ imported: 'pick', local: 'pick' }], 7],
    ],
  );
  assert.deepEqual(model.frameworks, ['express']);
});

test('imports skip calling a required function', () => {
  const model = build(`
var deprecate = require('depd')('express');
`);
  assert.deepEqual(
    model.imports.map((fact) => fact.module),
    ['depd'],
  );
  assert.deepEqual(model.frameworks, []);
});

test('frameworks from module names and paths', () => {
  const model = build(
    `
import Koa from 'koa';
import Router from '@koa/router';
import { NestFactory } from '@nestjs/core';
import Hapi from '@hapi/hapi';
import fastify from 'fastify';
import { NextResponse } from 'next/server';
import x = require('koa-router');
`,
    'src/main.ts',
    'typescript',
  );
  assert.deepEqual(model.frameworks, ['koa', 'nestjs', 'hapi', 'fastify', 'nextjs']);
  assert.deepEqual(model.imports[6]!.names, [{ imported: 'default', local: 'x' }]);

  assert.deepEqual(build('export default function h(req, res) {}', 'pages/api/x.js').frameworks, [
    'nextjs',
  ]);
  assert.deepEqual(
    build('export function GET() {}', 'src/app/a/route.ts', 'typescript').frameworks,
    ['nextjs'],
  );
});

test('function names, nesting and async', () => {
  const model = build(`
const login = async (req, res) => {
  const check = function inner() {};
};
exports.logout = function (req, res) {};
router.post('/x', async (req, res) => {});
const handlers = { reset(req) {}, verify: (req) => {} };
function* items() {}
`);
  assert.deepEqual(
    model.functions.map((fn) => [fn.id, fn.name, fn.parentId, fn.isAsync, fn.range.startLine]),
    [
      [1, 'login', 0, true, 2],
      [2, 'inner', 1, false, 3],
      [3, 'logout', 0, false, 5],
      [4, null, 0, true, 6],
      [5, 'reset', 0, false, 7],
      [6, 'verify', 0, false, 7],
      [7, 'items', 0, false, 8],
    ],
  );
  assert.deepEqual(findFunction(model, 'login').nameRange, {
    startLine: 2,
    startColumn: 7,
    endLine: 2,
    endColumn: 12,
  });
  assert.deepEqual(model.functions[3]!.nameRange, {
    startLine: 6,
    startColumn: 19,
    endLine: 6,
    endColumn: 41,
  });
});

test('class methods with decorators and parameters', () => {
  const model = build(
    `
@Controller('users')
export class UsersController extends BaseController implements OnInit {
  constructor(private readonly users: UsersService) {}

  @Post(':id/reset')
  @UseGuards(AuthGuard('jwt'))
  async reset(@Param('id') id: string, @Body() { email, token }: ResetDto, ...rest: any[]) {}

  handle = async (event: Event) => {};
}
`,
    'src/users.controller.ts',
    'typescript',
  );
  const reset = findFunction(model, 'reset');
  assert.equal(reset.className, 'UsersController');
  assert.deepEqual(reset.classBases, ['BaseController', 'OnInit']);
  assert.deepEqual(
    reset.classDecorators.map((decorator) => decorator.path),
    ['Controller'],
  );
  assert.deepEqual(
    reset.decorators.map((decorator) => [decorator.path, decorator.arguments?.length ?? null]),
    [
      ['Post', 1],
      ['UseGuards', 1],
    ],
  );
  const guardArgument = reset.decorators[1]!.arguments![0]!.value;
  assert.equal(guardArgument.kind === 'call' && guardArgument.calleePath, 'AuthGuard');
  assert.deepEqual(
    reset.parameters.map((parameter) => [
      parameter.name,
      parameter.type,
      parameter.destructured,
      parameter.decorators.map((decorator) => decorator.path),
    ]),
    [
      ['id', 'string', [], ['Param']],
      ['{ email, token }', 'ResetDto', ['email', 'token'], ['Body']],
      ['rest', 'any[]', [], []],
    ],
  );
  assert.deepEqual(findFunction(model, 'constructor').parameters[0]!.name, 'users');
  assert.equal(findFunction(model, 'handle').className, 'UsersController');
  assert.deepEqual(reset.nameRange, { startLine: 8, startColumn: 9, endLine: 8, endColumn: 14 });
  // A decorator call is recorded as a decorator, and only the call inside it as a call fact.
  assert.deepEqual(
    model.calls.map((fact) => fact.call.calleePath),
    ['AuthGuard'],
  );
});

test('expressions: members, calls and literals', () => {
  const model = build(
    `
const a = req.body?.user['name'];
const b = items[index];
const c = res.status(500).json({ error });
const d = new Error('boom', { cause });
const e = [1, ...rest, true, null, undefined];
const f = ok ? yes : no;
const g = x ?? y;
const h = !valid;
const i = typeof token;
const j = user instanceof Admin;
const k = (input as string)!;
const l = await fetch(url);
const m = { password, ...extra, [key]: 1, 'x-y': 2 };
const n = -count;
const o = this.secret;
`,
    'src/values.ts',
    'typescript',
  );
  const a = findBinding(model, 'a');
  assert.equal(a.kind, 'member');
  assert.equal(getExprPath(a), 'req.body.user.name');
  const b = findBinding(model, 'b');
  assert.equal(b.kind === 'index' && b.key, null);
  const c = findBinding(model, 'c');
  assert.equal(c.kind === 'call' && c.calleePath, 'res.status.json');
  assert.equal(c.kind === 'call' && c.callee.kind === 'member' && c.callee.object.kind, 'call');
  const d = findBinding(model, 'd');
  assert.equal(d.kind === 'call' && d.isNew, true);
  assert.equal(d.kind === 'call' && d.calleePath, 'Error');
  const e = findBinding(model, 'e');
  assert.deepEqual(e.kind === 'array' && e.items.map((item) => item.kind), [
    'literal',
    'spread',
    'literal',
    'literal',
    'literal',
  ]);
  assert.deepEqual(
    e.kind === 'array' && e.items.map((item) => (item.kind === 'literal' ? item.value : '...')),
    [1, '...', true, null, null],
  );
  assert.equal(findBinding(model, 'f').kind, 'conditional');
  const g = findBinding(model, 'g');
  assert.equal(g.kind === 'logical' && g.operator, '??');
  assert.equal(findBinding(model, 'h').kind, 'compare');
  assert.equal(findBinding(model, 'i').kind, 'compare');
  assert.equal(findBinding(model, 'j').kind, 'compare');
  const k = findBinding(model, 'k');
  assert.equal(k.kind === 'identifier' && k.name, 'input');
  const l = findBinding(model, 'l');
  assert.equal(l.kind === 'other' && l.syntax, 'await');
  const m = findBinding(model, 'm');
  assert.deepEqual(
    m.kind === 'object' && m.entries.map((entry) => [entry.key, entry.spread, entry.value.kind]),
    [
      ['password', false, 'identifier'],
      [null, true, 'identifier'],
      [null, false, 'literal'],
      ['x-y', false, 'literal'],
    ],
  );
  const n = findBinding(model, 'n');
  assert.equal(n.kind === 'other' && n.syntax, 'unary');
  assert.equal(getExprPath(findBinding(model, 'o')), 'this.secret');
});

test('expressions: string building forms', () => {
  const model = build(`
const util = require('util');
const a = \`user \${name} failed: \${err.message}\`;
const b = 'token=' + token + ';';
const c = parts.join(', ');
const d = JSON.stringify(body);
const e = String(err);
const f = err.toString();
const g = util.format('login %s from %d', user, ip);
const h = util.inspect(req.headers);
const i = 'plain\\ttext';
const j = \`no substitution\`;
const k = a + b;
const l = path.join(dir, file);
`);
  const template = (name: string) => {
    const value = findBinding(model, name);
    assert.equal(value.kind, 'template', `${name} is ${value.kind}`);
    return value.kind === 'template' ? value : null;
  };
  assert.equal(template('a')!.operation, 'template');
  assert.equal(template('a')!.literal, 'user {} failed: {}');
  assert.deepEqual(
    template('a')!.parts.map((part) => part.text),
    ['name', 'err.message'],
  );
  assert.equal(template('b')!.operation, 'concat');
  assert.equal(template('b')!.literal, 'token={};');
  assert.deepEqual(
    template('c')!.parts.map((part) => part.text),
    ['parts'],
  );
  assert.equal(template('c')!.operation, 'join');
  assert.equal(template('d')!.operation, 'stringify');
  assert.equal(template('e')!.operation, 'convert');
  assert.deepEqual(
    template('f')!.parts.map((part) => part.text),
    ['err'],
  );
  assert.equal(template('g')!.operation, 'format');
  assert.equal(template('g')!.literal, 'login {} from {}');
  assert.deepEqual(
    template('g')!.parts.map((part) => part.text),
    ['user', 'ip'],
  );
  assert.equal(template('h')!.operation, 'format');
  const i = findBinding(model, 'i');
  assert.equal(i.kind === 'string' && i.value, 'plain\ttext');
  const j = findBinding(model, 'j');
  assert.equal(j.kind === 'string' && j.value, 'no substitution');
  assert.equal(findBinding(model, 'k').kind, 'other');
  assert.deepEqual(
    template('l')!.parts.map((part) => part.text),
    ['dir', 'file'],
  );
  // The string-building call is still a call fact.
  assert.equal(findCall(model, 'JSON.stringify').call.kind, 'call');
});

test('expressions: functions and JSX in TSX', () => {
  const model = build(
    `
export function LoginForm({ onSubmit }: Props) {
  const handle = (event: FormEvent) => onSubmit(event.target.value);
  return <form onSubmit={handle}><input value={password} />{error && <p>{error.message}</p>}</form>;
}
`,
    'src/LoginForm.tsx',
    'tsx',
  );
  const handle = findBinding(model, 'handle');
  assert.equal(handle.kind, 'function');
  assert.equal(handle.kind === 'function' && handle.functionId, findFunction(model, 'handle').id);
  assert.deepEqual(findFunction(model, 'LoginForm').parameters[0]!.destructured, ['onSubmit']);
  assert.equal(findCall(model, 'onSubmit').functionId, findFunction(model, 'handle').id);
  assert.equal(model.hasSyntaxErrors, false);
});

test('bindings: declarations and destructuring', () => {
  const model = build(`
let count = 0;
const { password, user: { email } = {}, role = 'user', ...rest } = req.body;
const [first, , third] = list;
for (const item of items) {}
function update(input) {
  count += 1;
  message = 'hello ' + input;
  let unset;
}
`);
  assert.deepEqual(
    model.bindings.map((binding) => [binding.name, binding.functionId, binding.range.startLine]),
    [
      ['count', 0, 2],
      ['password', 0, 3],
      ['email', 0, 3],
      ['role', 0, 3],
      ['rest', 0, 3],
      ['first', 0, 4],
      ['third', 0, 4],
      ['item', 0, 5],
      ['count', 1, 7],
      ['message', 1, 8],
    ],
  );
  assert.equal(getExprPath(findBinding(model, 'password')), 'req.body.password');
  const email = findBinding(model, 'email');
  assert.equal(email.kind === 'member' && email.property, 'email');
  const emailSource = email.kind === 'member' ? email.object : null;
  assert.equal(emailSource?.kind === 'logical' && getExprPath(emailSource.left), 'req.body.user');
  const role = findBinding(model, 'role');
  assert.equal(role.kind === 'logical' && getExprPath(role.left), 'req.body.role');
  assert.equal(findBinding(model, 'rest').kind, 'other');
  const third = findBinding(model, 'third');
  assert.equal(third.kind === 'index' && third.index.kind === 'literal' && third.index.value, 2);
  const item = findBinding(model, 'item');
  assert.equal(item.kind === 'other' && item.syntax, 'for-of');
  assert.equal(item.kind === 'other' && item.children[0]!.text, 'items');
  const count = model.bindings.filter((binding) => binding.name === 'count')[1]!.value;
  assert.equal(count.kind === 'other' && count.syntax, '+=');
  const message = model.bindings.find((binding) => binding.name === 'message')!.value;
  assert.equal(message.kind === 'template' && message.operation, 'concat');
  // Parameters are not bindings.
  assert.equal(
    model.bindings.some((binding) => binding.name === 'input'),
    false,
  );
});

test('property assignments with target paths', () => {
  const model = build(`
app.locals.debug = true;
module.exports.handler = run;
function Service() {
  this.token = secret;
  config['DEBUG'] = 1;
  store[key] = value;
}
`);
  assert.deepEqual(
    model.propertyAssignments.map((fact) => [
      fact.targetPath,
      fact.value.text,
      fact.functionId,
      fact.range.startLine,
    ]),
    [
      ['app.locals.debug', 'true', 0, 2],
      ['module.exports.handler', 'run', 0, 3],
      ['this.token', 'secret', 1, 5],
      ['config.DEBUG', '1', 1, 6],
      [null, 'value', 1, 7],
    ],
  );
});

test('calls with try, catch and guards', () => {
  const model = build(`
async function run() {
  try {
    try {
      await a();
    } finally {
      b();
    }
  } catch (err) {
    if (isDev) {
      c(err);
    } else if (quiet) {
      d();
    } else {
      e();
    }
  }
  const x = ok ? f() : g();
  ready && h();
  load().then(ok, (failure) => i(failure)).catch(function (error) { j(error); });
}
`);
  assert.deepEqual(findCall(model, 'a').tryIds, [2, 1]);
  assert.deepEqual(findCall(model, 'b').tryIds, [1]);
  assert.equal(findCall(model, 'b').catchId, null);
  assert.equal(findCall(model, 'c').catchId, 1);
  assert.deepEqual(findCall(model, 'c').guards, ['isDev']);
  assert.deepEqual(findCall(model, 'd').guards, ['quiet', '!(isDev)']);
  assert.deepEqual(findCall(model, 'e').guards, ['!(quiet)', '!(isDev)']);
  assert.deepEqual(findCall(model, 'f').guards, ['ok']);
  assert.deepEqual(findCall(model, 'g').guards, ['!(ok)']);
  assert.deepEqual(findCall(model, 'h').guards, ['ready']);
  assert.equal(findCall(model, 'i').catchId, 3);
  assert.equal(findCall(model, 'j').catchId, 4);
  assert.equal(findCall(model, 'a').functionId, 1);
  assert.equal(findCall(model, 'a').range.startLine, 5);
  assert.deepEqual(
    model.catches.map((fact) => [
      fact.id,
      fact.kind,
      fact.binding,
      fact.functionId,
      fact.range.startLine,
    ]),
    [
      [1, 'catch', 'err', 1, 9],
      [3, 'promise-catch', 'failure', 1, 20],
      [4, 'promise-catch', 'error', 1, 20],
    ],
  );
});

test('catch clause without binding', () => {
  const model = build(`
try { risky(); } catch { recover(); }
`);
  assert.deepEqual(
    model.catches.map((fact) => [fact.kind, fact.binding, fact.types]),
    [['catch', null, []]],
  );
  assert.equal(findCall(model, 'recover').catchId, model.catches[0]!.id);
  assert.deepEqual(findCall(model, 'risky').tryIds, [model.catches[0]!.id]);
});

test('express routes, mounts and responses', () => {
  const model = build(`
const express = require('express');
const app = express();
const api = express.Router();
const limiter = rateLimit({ max: 5 });

app.use(helmet());
app.use('/api', limiter, api);
api.post('/login', limiter, [validate], async (req, res) => {
  try {
    const user = await login(req.body);
    res.status(200).json({ user });
  } catch (err) {
    res.status(500).json({ error: err.message });
  }
});
app.route('/items').get(listItems).post(createItem);
function listItems(req, res) {
  res.sendStatus(204);
}
app.use((req, res) => res.status(404).send('not found'));
app.use(function onError(err, req, res, next) {
  res.status(500).send(err.stack);
});
`);
  assert.deepEqual(
    model.routes.map((route) => [
      route.framework,
      route.methods,
      route.path,
      route.owner,
      route.handlerName,
      route.middleware.map((ref) => ref.path),
      route.range.startLine,
    ]),
    [
      ['express', ['POST'], '/login', 'api', null, ['limiter', 'validate'], 9],
      ['express', ['GET'], '/items', 'app', 'listItems', [], 17],
      ['express', ['POST'], '/items', 'app', 'createItem', [], 17],
      ['express', ['*'], null, 'app', null, [], 21],
    ],
  );
  assert.equal(model.routes[1]!.handlerId, findFunction(model, 'listItems').id);
  assert.equal(model.routes[2]!.handlerId, null);
  assert.deepEqual(
    model.mounts.map((mount) => [
      mount.owner,
      mount.prefix,
      mount.middleware.map((ref) => ref.path),
      mount.order,
      mount.range.startLine,
    ]),
    [
      ['app', null, ['helmet'], 0, 7],
      ['app', '/api', ['limiter', 'api'], 1, 8],
      ['app', null, ['<function>'], 4, 21],
      ['app', null, ['<function>'], 5, 22],
    ],
  );
  assert.deepEqual(
    model.responses.map((response) => [
      response.kind,
      response.via,
      response.status,
      response.body?.text ?? null,
      response.catchId,
      response.range.startLine,
    ]),
    [
      ['call', 'res.status.json', 200, '{ user }', null, 12],
      ['call', 'res.status.json', 500, '{ error: err.message }', 1, 14],
      ['call', 'res.sendStatus', 204, null, null, 19],
      ['call', 'res.status.send', 404, "'not found'", null, 21],
      ['call', 'res.status.send', 500, 'err.stack', 2, 23],
    ],
  );
  const onError = findFunction(model, 'onError');
  assert.equal(onError.isErrorHandler, true);
  assert.equal(onError.isRequestHandler, false);
  assert.equal(findFunction(model, 'listItems').isRequestHandler, true);
  assert.deepEqual(
    model.catches.map((fact) => [fact.id, fact.kind, fact.binding, fact.functionId]),
    [
      [1, 'catch', 'err', 1],
      [2, 'error-handler', 'err', onError.id],
    ],
  );
});

test('express error handler by parameter names', () => {
  const model = build(`
function errorHandler(err, req, res, next) {
  logger.error(err);
  res.status(err.status || 500).json({ message: err.message });
}
module.exports = errorHandler;
`);
  const handler = findFunction(model, 'errorHandler');
  assert.equal(handler.isErrorHandler, true);
  assert.equal(findCall(model, 'logger.error').catchId, model.catches[0]!.id);
  assert.deepEqual(
    model.responses.map((response) => [response.via, response.status, response.catchId]),
    [['res.status.json', null, model.catches[0]!.id]],
  );
});

test('responses by receiver name and position', () => {
  const model = build(`
exports.show = (req, res) => {
  res.statusCode = 503;
  res.end(JSON.stringify(stats));
};
async function client() {
  const response = await fetch(url);
  return response.json();
}
app.get('/a', (request, response) => response.send(data));
app.get('/b', (req, res) => req.send(data));
`);
  assert.deepEqual(
    model.responses.map((response) => [response.via, response.status, response.range.startLine]),
    [
      ['res.end', 503, 4],
      ['response.send', null, 10],
    ],
  );
});

test('koa routes, body assignments and error event', () => {
  const model = build(`
const Koa = require('koa');
const Router = require('@koa/router');
const app = new Koa();
const router = new Router({ prefix: '/auth' });

router.post('/login', rateLimit, async (ctx) => {
  if (!ctx.request.body.password) {
    ctx.status = 400;
    ctx.body = { error: 'missing password' };
    return;
  }
  try {
    ctx.body = await login(ctx.request.body);
    return ctx.body;
  } catch (err) {
    ctx.status = 500;
    ctx.body = { error: err.message };
    ctx.throw(500, err.stack);
  }
});
app.use(router.routes());
app.on('error', (err, ctx) => {
  log.error(err);
});
`);
  assert.deepEqual(
    model.routes.map((route) => [route.framework, route.methods, route.path, route.owner]),
    [['koa', ['POST'], '/login', 'router']],
  );
  assert.deepEqual(
    model.mounts.map((mount) => [
      mount.framework,
      mount.owner,
      mount.prefix,
      mount.middleware.map((ref) => ref.path),
      mount.order,
    ]),
    [
      ['koa', 'router', '/auth', [], 0],
      ['koa', 'app', null, ['router.routes'], 0],
    ],
  );
  assert.deepEqual(
    model.responses.map((response) => [
      response.kind,
      response.via,
      response.status,
      response.body?.text ?? null,
      response.guards,
      response.range.startLine,
    ]),
    [
      [
        'assignment',
        'ctx.body',
        400,
        "{ error: 'missing password' }",
        ['!ctx.request.body.password'],
        10,
      ],
      ['assignment', 'ctx.body', null, 'await login(ctx.request.body)', [], 14],
      ['assignment', 'ctx.body', 500, '{ error: err.message }', [], 18],
      ['throw', 'ctx.throw', 500, 'err.stack', [], 19],
    ],
  );
  const onError = model.functions.find((fn) => fn.parameters[0]?.name === 'err')!;
  assert.equal(onError.isErrorHandler, true);
  assert.deepEqual(
    model.catches.filter((fact) => fact.kind === 'error-handler').map((fact) => fact.binding),
    ['err'],
  );
});

test('fastify routes, plugins, hooks and returns', () => {
  const model = build(
    `
import Fastify from 'fastify';
import rateLimit from '@fastify/rate-limit';
const server = Fastify({ logger: true });
await server.register(rateLimit, { max: 100 });
server.addHook('onRequest', authenticate);
server.post('/login', { preHandler: [verify], config: { rateLimit: { max: 5 } } }, async (request, reply) => {
  try {
    return { token: await login(request.body) };
  } catch (error) {
    return reply.code(500).send({ error: error.message });
  }
});
server.route({ method: ['GET', 'HEAD'], url: '/health', handler: async () => ({ env: process.env }) });
server.register(async (instance) => {
  instance.get('/me', async (req) => req.user);
}, { prefix: '/v1' });
server.setErrorHandler((error, request, reply) => {
  reply.status(500).send({ message: error.message });
});
`,
    'src/server.ts',
    'typescript',
  );
  assert.deepEqual(
    model.routes.map((route) => [
      route.framework,
      route.methods,
      route.path,
      route.owner,
      route.middleware.map((ref) => ref.path),
    ]),
    [
      ['fastify', ['POST'], '/login', 'server', ['verify', 'config.rateLimit']],
      ['fastify', ['GET', 'HEAD'], '/health', 'server', []],
      ['fastify', ['GET'], '/me', 'instance', []],
    ],
  );
  const rateLimitRef = model.routes[0]!.middleware[1]!;
  assert.equal(rateLimitRef.expr?.kind, 'object');
  assert.deepEqual(
    model.mounts.map((mount) => [
      mount.owner,
      mount.prefix,
      mount.middleware.map((ref) => ref.path),
    ]),
    [
      ['server', null, ['rateLimit']],
      ['server', null, ['authenticate']],
      ['server', '/v1', ['<function>']],
    ],
  );
  assert.equal(model.mounts[0]!.middleware[0]!.expr?.text, '{ max: 100 }');
  assert.deepEqual(
    model.responses.map((response) => [
      response.kind,
      response.via,
      response.status,
      response.body?.text ?? null,
      response.range.startLine,
    ]),
    [
      ['return', 'return', null, '{ token: await login(request.body) }', 9],
      ['call', 'reply.code.send', 500, '{ error: error.message }', 11],
      ['return', 'return', null, '{ env: process.env }', 14],
      ['return', 'return', null, 'req.user', 16],
      ['call', 'reply.status.send', 500, '{ message: error.message }', 19],
    ],
  );
  const errorHandler = model.functions.find((fn) => fn.parameters[0]?.name === 'error')!;
  assert.equal(errorHandler.isErrorHandler, true);
});

test('hapi routes, plugins and Boom', () => {
  const model = build(`
const Hapi = require('@hapi/hapi');
const server = Hapi.server({ port: 3000 });
server.register([{ plugin: require('hapi-rate-limit'), options: { userLimit: 100 } }]);
server.route([
  {
    method: 'POST',
    path: '/login',
    options: { auth: false, pre: [{ method: loadUser, assign: 'user' }], plugins: { 'hapi-rate-limit': { pathLimit: 5 } } },
    handler: async (request, h) => {
      if (!request.pre.user) throw Boom.unauthorized('bad credentials');
      return h.response({ ok: true }).code(201);
    },
  },
  { method: '*', path: '/status', handler: (request, h) => ({ uptime: process.uptime() }) },
]);
`);
  assert.deepEqual(
    model.routes.map((route) => [
      route.framework,
      route.methods,
      route.path,
      route.owner,
      route.middleware.map((ref) => ref.path),
      route.range.startLine,
    ]),
    [
      ['hapi', ['POST'], '/login', 'server', ['loadUser', 'auth', 'hapi-rate-limit'], 6],
      ['hapi', ['*'], '/status', 'server', [], 15],
    ],
  );
  assert.deepEqual(
    model.mounts.map((mount) => [mount.framework, mount.middleware.map((ref) => ref.path)]),
    [['hapi', ['hapi-rate-limit']]],
  );
  assert.deepEqual(
    model.responses.map((response) => [
      response.kind,
      response.via,
      response.status,
      response.range.startLine,
    ]),
    [
      ['throw', 'Boom.unauthorized', 401, 11],
      ['call', 'h.response.code', 201, 12],
      ['return', 'return', null, 15],
    ],
  );
});

test('nestjs controllers, filters and modules', () => {
  const model = build(
    `
@Controller('/auth')
@UseGuards(ThrottlerGuard)
export class AuthController {
  @Post('login/')
  @Throttle({ default: { limit: 3, ttl: 60000 } })
  @HttpCode(200)
  async login(@Body() dto: LoginDto) {
    try {
      return await this.auth.login(dto);
    } catch (e) {
      throw new InternalServerErrorException(e.message);
    }
  }

  @Get()
  @SkipThrottle()
  profile(@Res() res: Response) {
    if (!this.user) throw new HttpException('forbidden', HttpStatus.FORBIDDEN);
    res.status(200).json(this.user);
  }
}

@Catch(HttpException)
export class HttpFilter implements ExceptionFilter {
  catch(exception: HttpException, host: ArgumentsHost) {
    const response = host.switchToHttp().getResponse<Response>();
    response.status(500).json({ stack: exception.stack });
  }
}

@Module({
  imports: [ThrottlerModule.forRoot([{ ttl: 60000, limit: 10 }])],
  providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }],
})
export class AppModule {}

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.useGlobalGuards(new ThrottlerGuard());
}
`,
    'src/auth.controller.ts',
    'typescript',
  );
  assert.deepEqual(
    model.routes.map((route) => [
      route.framework,
      route.methods,
      route.path,
      route.owner,
      route.handlerName,
      route.middleware.map((ref) => ref.path),
      route.range.startLine,
    ]),
    [
      [
        'nestjs',
        ['POST'],
        'auth/login',
        'AuthController',
        'AuthController.login',
        ['ThrottlerGuard', 'Throttle', 'HttpCode'],
        5,
      ],
      [
        'nestjs',
        ['GET'],
        'auth',
        'AuthController',
        'AuthController.profile',
        ['ThrottlerGuard', 'SkipThrottle'],
        16,
      ],
    ],
  );
  assert.equal(findFunction(model, 'login').isRequestHandler, true);
  assert.deepEqual(
    model.responses.map((response) => [
      response.functionId,
      response.kind,
      response.via,
      response.status,
      response.range.startLine,
    ]),
    [
      [findFunction(model, 'login').id, 'return', 'return', 200, 10],
      [findFunction(model, 'login').id, 'throw', 'InternalServerErrorException', 500, 12],
      [findFunction(model, 'profile').id, 'throw', 'HttpException', 403, 19],
      [findFunction(model, 'profile').id, 'call', 'res.status.json', 200, 20],
      [findFunction(model, 'catch').id, 'call', 'response.status.json', 500, 28],
    ],
  );
  const filter = findFunction(model, 'catch');
  assert.equal(filter.isErrorHandler, true);
  assert.deepEqual(
    model.catches
      .filter((fact) => fact.kind === 'error-handler')
      .map((fact) => [fact.binding, fact.types]),
    [['exception', ['HttpException']]],
  );
  assert.deepEqual(
    model.mounts.map((mount) => [
      mount.framework,
      mount.owner,
      mount.middleware.map((ref) => ref.path),
    ]),
    [
      ['nestjs', 'nestjs-module', ['ThrottlerModule.forRoot']],
      ['nestjs', 'nestjs-module', ['ThrottlerGuard']],
      ['nestjs', 'app', ['ThrottlerGuard']],
    ],
  );
});

test('next.js pages api route', () => {
  const model = build(
    `
import type { NextApiRequest, NextApiResponse } from 'next';
export default withRateLimit(async function handler(req: NextApiRequest, res: NextApiResponse) {
  try {
    res.status(200).json(await login(req.body));
  } catch (err) {
    res.status(500).json({ error: String(err) });
  }
});
`,
    'src/pages/api/auth/login.ts',
    'typescript',
  );
  assert.deepEqual(
    model.routes.map((route) => [
      route.framework,
      route.methods,
      route.path,
      route.handlerId,
      route.middleware.map((ref) => ref.path),
    ]),
    [['nextjs', ['*'], '/api/auth/login', findFunction(model, 'handler').id, ['withRateLimit']]],
  );
  assert.equal(findFunction(model, 'handler').isRequestHandler, true);
  assert.deepEqual(
    model.responses.map((response) => [response.via, response.status, response.range.startLine]),
    [
      ['res.status.json', 200, 5],
      ['res.status.json', 500, 7],
    ],
  );
  const index = build('module.exports = (req, res) => res.json({})', 'pages/api/index.js');
  assert.equal(index.routes[0]!.path, '/api');
});

test('next.js app route handlers', () => {
  const model = build(
    `
import { NextResponse } from 'next/server';
export async function POST(request: Request) {
  try {
    return NextResponse.json({ ok: await signIn(await request.json()) }, { status: 201 });
  } catch (error) {
    return NextResponse.json({ error: (error as Error).stack }, { status: 500 });
  }
}
export const GET = async () => new Response(JSON.stringify({ env: process.env }), { status: 200 });
const remove = async () => Response.json({ deleted: true });
export { remove as DELETE };
export async function helper() { return 1; }
`,
    'src/app/(auth)/api/session/route.ts',
    'typescript',
  );
  assert.deepEqual(
    model.routes.map((route) => [route.framework, route.methods, route.path, route.handlerName]),
    [
      ['nextjs', ['POST'], '/api/session', 'POST'],
      ['nextjs', ['GET'], '/api/session', 'GET'],
      ['nextjs', ['DELETE'], '/api/session', 'remove'],
    ],
  );
  assert.equal(findFunction(model, 'helper').isRequestHandler, false);
  assert.deepEqual(
    model.responses.map((response) => [
      response.kind,
      response.via,
      response.status,
      response.range.startLine,
    ]),
    [
      ['call', 'NextResponse.json', 201, 5],
      ['call', 'NextResponse.json', 500, 7],
      ['call', 'Response', 200, 10],
      ['call', 'Response.json', null, 11],
    ],
  );
});

test('syntax errors keep recovered facts', () => {
  const model = build(`
app.post('/login', (req, res) => {
  res.json({ ok: true });
  if (
});
logger.info('after');
`);
  assert.equal(model.hasSyntaxErrors, true);
  assert.ok(model.calls.some((fact) => fact.call.calleePath === 'res.json'));
  assert.ok(model.calls.some((fact) => fact.call.calleePath === 'logger.info'));
});

test('deep nesting does not overflow', () => {
  const depth = 5000;
  const arrays = build(`x = ${'['.repeat(depth)}f()${']'.repeat(depth)};`);
  assert.equal(arrays.calls.length, 1);
  const parentheses = build(`x = ${'('.repeat(depth)}g()${')'.repeat(depth)};`);
  assert.equal(parentheses.calls[0]!.call.calleePath, 'g');
  const calls = build(`${'f('.repeat(depth)}${')'.repeat(depth)};`);
  assert.equal(calls.calls.length, depth);
  const blocks = build(`${'if (a) {'.repeat(depth)}h();${'}'.repeat(depth)}`);
  assert.equal(blocks.calls[0]!.guards.length, 32);
  const arrows = build(`x = ${'() => '.repeat(depth)}k();`);
  assert.equal(arrows.functions.length, depth);
  assert.equal(arrows.calls[0]!.functionId, depth);
});

test('text is truncated and lines are counted', () => {
  const long = 'a'.repeat(500);
  const model = build(`const value = '${long}';\nlog(value);\n`);
  assert.equal(model.bindings[0]!.value.text.length, 200);
  assert.equal(model.bindings[0]!.value.kind === 'string' && model.bindings[0]!.value.value, long);
  assert.equal(model.lineCount, 2);
  assert.equal(model.path, 'src/app.js');
  assert.equal(model.language, 'javascript');
});
