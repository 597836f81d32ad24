import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { mergeNames, type NameTables } from '../../src/config/names.js';
import { fillTemplate } from '../../src/engine/finding.js';
import { buildModel } from '../../src/model/build.js';
import type { Language, Range } from '../../src/model/types.js';
import { parseSource, prepareParsers } from '../../src/parse/parser.js';
import rule from '../../src/rules/health-checks.js';
import { classifyKey } from '../../src/rules/health-checks/exposures.js';
import { classifyHandlerName, classifyHealthPath } from '../../src/rules/health-checks/health-endpoints.js';
import type { Severity } from '../../src/rules/types.js';

interface ReportedFinding {
  messageId: string;
  message: string;
  severity: Severity | undefined;
  range: Range;
  path?: string;
}

function buildFile(code: string, language: Language, path: string) {
  const tree = parseSource(code, language);
  try {
    return buildModel(tree, code, path, language);
  } finally {
    tree.delete();
  }
}

function collect(reported: ReportedFinding[]) {
  return (descriptor: { messageId: string; data?: Record<string, string | number>; range: Range; severity?: Severity; path?: string }) => {
    reported.push({
      messageId: descriptor.messageId,
      message: fillTemplate(rule.messages[descriptor.messageId]!, descriptor.data ?? {}),
      severity: descriptor.severity,
      range: descriptor.range,
      path: descriptor.path,
    });
  };
}

const PROJECT = {
  root: '/project',
  files: [],
  sourcePaths: [],
  readText: () => null,
  advisoryDb: null,
  online: false,
};

/**
 * Runs the rule over `code` as a one-file project with the default names plus `extra`: the
 * check, then the summary and the project check, which reports health endpoints once it knows
 * the guards of the whole project.
 */
function runCheck(code: string, language: Language, extra?: Partial<NameTables>): ReportedFinding[] {
  const path = language === 'python' ? 'app.py' : 'app.ts';
  const model = buildFile(code, language, path);
  const reported: ReportedFinding[] = [];
  const context = { names: mergeNames(extra), options: {}, report: collect(reported) };
  rule.check!(model, context);
  const summary = rule.summarize!(model, context)!;
  void rule.checkProject!({ ...PROJECT, sourcePaths: [path] }, [{ path, summary }], context);
  return reported.filter((finding) => finding.messageId !== 'missingHealthEndpoint');
}

/** Runs summarize and the project check over files given as path and code. */
async function runProject(files: Record<string, string>, extra?: Partial<NameTables>): Promise<ReportedFinding[]> {
  const names = mergeNames(extra);
  const reported: ReportedFinding[] = [];
  const context = { names, options: {}, report: collect(reported) };
  const summaries = Object.entries(files).map(([path, code]) => {
    const language: Language = path.endsWith('.py') ? 'python' : 'typescript';
    return { path, summary: rule.summarize!(buildFile(code, language, path), context)! };
  });
  await rule.checkProject!({ ...PROJECT, sourcePaths: Object.keys(files) }, summaries, context);
  return reported;
}

before(async () => {
  await prepareParsers(['python', 'typescript']);
});

describe('health-checks messages', () => {
  test('names the endpoint and the whole environment', () => {
    const findings = runCheck(
      `
import os
from flask import Flask, jsonify
app = Flask(__name__)

@app.route("/debug/env")
def debug_env():
    return jsonify(dict(os.environ))
`,
      'python',
    );
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.messageId, 'secretExposure');
    assert.equal(
      findings[0]!.message,
      'Diagnostic endpoint `GET /debug/env` returns `os.environ` (every environment variable) to unauthenticated callers. Remove it and return only a status and version.',
    );
    assert.deepEqual(findings[0]!.range, { startLine: 8, startColumn: 5, endLine: 8, endColumn: 37 });
  });

  test('lists three items and counts the rest', () => {
    const findings = runCheck(
      `
app.get('/healthz', (req, res) => {
  res.json({ a: os.hostname(), b: process.version, c: process.cwd(), d: process.pid });
});
`,
      'typescript',
    );
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.messageId, 'systemDetails');
    assert.match(findings[0]!.message, /^Health endpoint `GET \/healthz` returns `os.hostname\(\)` .* and 1 more without authentication\./);
  });
});

describe('health-checks severity', () => {
  test('is high for a secret', () => {
    const findings = runCheck(
      `
app.get('/status', (req, res) => res.json({ ok: true, key: process.env.STRIPE_SECRET_KEY }));
`,
      'typescript',
    );
    assert.equal(findings[0]!.severity, 'high');
  });

  test('is medium for a host name', () => {
    const findings = runCheck(`app.get('/status', (req, res) => res.json({ host: os.hostname() }));`, 'typescript');
    assert.equal(findings[0]!.severity, 'medium');
  });

  test('is low for resource usage', () => {
    const findings = runCheck(`app.get('/health', (req, res) => res.json({ memory: process.memoryUsage() }));`, 'typescript');
    assert.equal(findings[0]!.severity, 'low');
  });

  test('keeps secrets behind authentication', () => {
    const findings = runCheck(
      `
app.get('/health', authenticate, (req, res) => res.json({ host: os.hostname(), env: process.env }));
`,
      'typescript',
    );
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.messageId, 'secretExposureAuthenticated');
    assert.doesNotMatch(findings[0]!.message, /hostname/);
  });

  test('accepts uptime and non-secret variables', () => {
    const findings = runCheck(
      `
app.get('/health', (req, res) => res.json({ uptime: process.uptime(), env: process.env.NODE_ENV }));
`,
      'typescript',
    );
    assert.deepEqual(findings, []);
  });
});

describe('health-checks project check', () => {
  test('points at the app entry point', async () => {
    const findings = await runProject({
      'app.py': `
from flask import Flask
app = Flask(__name__)

@app.route("/items")
def items():
    return []
`,
    });
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.messageId, 'missingHealthEndpoint');
    assert.equal(findings[0]!.path, 'app.py');
    assert.equal(findings[0]!.range.startLine, 3);
    assert.equal(
      findings[0]!.message,
      'This Flask service has no health, liveness or readiness endpoint and no health-check library. To let monitoring detect outages, add a `/health` route or use flask-healthz.',
    );
  });

  test('accepts a configured health library', async () => {
    const files = {
      'server.ts': `
import express from 'express';
import { probes } from '@acme/probes';
const app = express();
`,
    };
    assert.equal((await runProject(files)).length, 1);
    assert.deepEqual(await runProject(files, { healthCheckLibraries: ['@acme/probes'] }), []);
  });

  test('accepts a health wrapper around the app', async () => {
    const findings = await runProject({
      'asgi.py': `
from django.core.asgi import get_asgi_application
application = get_asgi_application()
application = health_check(application, "/health/")
`,
    });
    assert.deepEqual(findings, []);
  });

  test('ignores apps created in tests', async () => {
    const findings = await runProject({ 'tests/test_app.py': 'from flask import Flask\napp = Flask(__name__)\n' });
    assert.deepEqual(findings, []);
  });
});

describe('health-checks classification', () => {
  test('paths', () => {
    assert.equal(classifyHealthPath('/healthz'), 'probe');
    assert.equal(classifyHealthPath('/api/v1/status'), 'probe');
    assert.equal(classifyHealthPath('/orders/<id>/status'), null);
    assert.equal(classifyHealthPath('/payments/status'), null);
    assert.equal(classifyHealthPath('/__debug__/config'), 'diagnostic');
    assert.equal(classifyHealthPath('/metrics'), null);
  });

  test('handler names', () => {
    assert.equal(classifyHandlerName('health_check'), 'probe');
    assert.equal(classifyHandlerName('get_server_status'), 'probe');
    assert.equal(classifyHandlerName('system_info'), 'diagnostic');
    assert.equal(classifyHandlerName('user_info'), null);
    assert.equal(classifyHandlerName('OrderController.status', true), null);
  });

  test('keys', () => {
    const names = mergeNames(undefined);
    assert.equal(classifyKey('STRIPE_KEY', names), 'secret');
    assert.equal(classifyKey('STRIPE_PUBLISHABLE_KEY', names), null);
    assert.equal(classifyKey('DATABASE_URL', names), 'secret');
    assert.equal(classifyKey('DB_HOST', names), 'host');
    assert.equal(classifyKey('APP_VERSION', names), null);
    assert.equal(classifyKey('NODE_ENV', names), null);
  });
});
