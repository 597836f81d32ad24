import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { mergeNames } from '../../src/config/names.js';
import { fillTemplate } from '../../src/engine/finding.js';
import { buildModel } from '../../src/model/build.js';
import type { RouteFileSummary } from '../../src/model/routes/index.js';
import type { Language, Range } from '../../src/model/types.js';
import type { ProjectModel } from '../../src/project/types.js';
import { parseSource, prepareParsers } from '../../src/parse/parser.js';
import rule from '../../src/rules/rate-limiting.js';
import type { LimitData } from '../../src/rules/rate-limiting/limiters.js';
import type { ReportDescriptor } from '../../src/rules/types.js';
import { classifyEndpoint } from '../../src/rules/shared/endpoints.js';

interface ReportedFinding {
  path: string | undefined;
  messageId: string;
  message: string;
  range: Range;
}

/** Summarizes in-memory files, runs the project check with `options`, and returns the findings. */
async function runRule(files: Record<string, string>, options: Record<string, unknown> = {}): Promise<ReportedFinding[]> {
  const reported: ReportedFinding[] = [];
  const context = {
    names: mergeNames(undefined),
    options,
    report(descriptor: ReportDescriptor) {
      reported.push({
        path: descriptor.path,
        messageId: descriptor.messageId,
        message: fillTemplate(rule.messages[descriptor.messageId]!, descriptor.data ?? {}),
        range: descriptor.range,
      });
    },
  };
  const summaries: { path: string; summary: RouteFileSummary<LimitData> }[] = [];
  for (const [path, code] of Object.entries(files)) {
    const language: Language = path.endsWith('.py') ? 'python' : path.endsWith('.ts') ? 'typescript' : 'javascript';
    const tree = parseSource(code, language);
    try {
      const summary = rule.summarize!(buildModel(tree, code, path, language), context);
      if (summary) {
        summaries.push({ path, summary });
      }
    } finally {
      tree.delete();
    }
  }
  await rule.checkProject!({} as ProjectModel, summaries, context);
  return reported;
}

before(async () => {
  await prepareParsers(['python', 'javascript', 'typescript']);
});

describe('rate-limiting messages', () => {
  test('names the endpoint and the limiter to add', async () => {
    const findings = await runRule({
      'app.js': `
const app = require('express')();
app.post('/auth/login', (req, res) => res.send('ok'));
`,
    });
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.messageId, 'missingLimiter');
    assert.equal(
      findings[0]!.message,
      '`POST /auth/login` (login) has no rate limiter: none on the route, its router or the app. ' +
        'Add express-rate-limit or rate-limiter-flexible.',
    );
    assert.equal(findings[0]!.path, 'app.js');
    assert.deepEqual(findings[0]!.range, { startLine: 3, startColumn: 1, endLine: 3, endColumn: 54 });
  });

  test('names the opt-out', async () => {
    const findings = await runRule({
      'server.js': `
const fastify = require('fastify')();
fastify.register(require('@fastify/rate-limit'), { max: 100 });
fastify.post('/signup', { config: { rateLimit: false } }, async () => 'ok');
`,
    });
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.messageId, 'limiterSkipped');
    assert.equal(
      findings[0]!.message,
      '`POST /signup` (registration) opts out of rate limiting with `config.rateLimit`. Give it a limit of its own.',
    );
    assert.equal(findings[0]!.range.startLine, 4);
  });

  test('uses the Flask remedy for Flask routes', async () => {
    const findings = await runRule({
      'app.py': `
from flask import Flask
app = Flask(__name__)

@app.route("/export")
def export_all():
    return ""
`,
    });
    assert.equal(findings.length, 1);
    assert.equal(
      findings[0]!.message,
      '`GET /export` (bulk export) has no rate limiter: none on the route, its router or the app. ' +
        'Add Flask-Limiter (`@limiter.limit`).',
    );
    assert.equal(findings[0]!.range.startLine, 5);
  });
});

describe('rate-limiting options', () => {
  const magicLink = `
const app = require('express')();
app.post('/auth/magic-link', (req, res) => res.send('ok'));
`;

  test('endpoints adds a sensitive path', async () => {
    assert.equal((await runRule({ 'app.js': magicLink })).length, 0);
    const findings = await runRule({ 'app.js': magicLink }, { endpoints: ['/magic-link'] });
    assert.equal(findings.length, 1);
    assert.match(findings[0]!.message, /^`POST \/auth\/magic-link` \(configured\) has no rate limiter/);
  });

  test('endpoints adds a handler name', async () => {
    const code = `
from flask import Flask
app = Flask(__name__)

@app.post("/invites")
def resend_invite():
    return ""
`;
    const findings = await runRule({ 'app.py': code }, { endpoints: ['resendInvite'] });
    assert.equal(findings.length, 1);
  });

  test('coveredPaths declares a gateway limit', async () => {
    const code = `
const app = require('express')();
app.post('/api/auth/login', (req, res) => res.send('ok'));
app.post('/api/signup', (req, res) => res.send('ok'));
`;
    const findings = await runRule({ 'app.js': code }, { coveredPaths: ['/api/auth'] });
    assert.equal(findings.length, 1);
    assert.match(findings[0]!.message, /^`POST \/api\/signup`/);
  });

  test('limiters name table extends recognition', async () => {
    const code = `
const app = require('express')();
app.post('/login', guardAttempts, (req, res) => res.send('ok'));
`;
    assert.equal((await runRule({ 'app.js': code })).length, 1);
    const reported: string[] = [];
    const context = {
      names: mergeNames({ limiters: ['guardAttempts'] }),
      options: {},
      report(descriptor: { messageId: string }) {
        reported.push(descriptor.messageId);
      },
    };
    const tree = parseSource(code, 'javascript');
    const summary = rule.summarize!(buildModel(tree, code, 'app.js', 'javascript'), context as never);
    tree.delete();
    await rule.checkProject!({} as ProjectModel, [{ path: 'app.js', summary: summary! }], context as never);
    assert.deepEqual(reported, []);
  });
});

describe('endpoint classification', () => {
  test('sensitive paths and handler names', () => {
    assert.equal(classifyEndpoint({ path: '/oauth/token', handlerName: null, methods: ['POST'] })?.kind, 'token');
    assert.equal(classifyEndpoint({ path: '/forgot-password', handlerName: null, methods: ['POST'] })?.kind, 'password-reset');
    assert.equal(classifyEndpoint({ path: '/verify-otp', handlerName: null, methods: ['POST'] })?.kind, 'mfa');
    assert.equal(classifyEndpoint({ path: null, handlerName: 'signIn', methods: ['*'] })?.kind, 'login');
    assert.equal(classifyEndpoint({ path: '/users/export/csv', handlerName: null, methods: ['GET'] })?.kind, 'export');
  });

  test('near-misses are not sensitive', () => {
    assert.equal(classifyEndpoint({ path: '/login-history', handlerName: null, methods: ['POST'] }), null);
    assert.equal(classifyEndpoint({ path: null, handlerName: 'tokenizer', methods: ['POST'] }), null);
    assert.equal(classifyEndpoint({ path: '/auth/token/revoke', handlerName: null, methods: ['POST'] }), null);
    assert.equal(classifyEndpoint({ path: '/login', handlerName: null, methods: ['GET'] }), null);
    assert.equal(classifyEndpoint({ path: '/api/tokens', handlerName: null, methods: ['DELETE'] }), null);
    assert.equal(classifyEndpoint({ path: '/devices/register', handlerName: null, methods: ['POST'] }), null);
  });
});
