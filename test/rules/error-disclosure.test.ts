import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { DEFAULT_NAMES } from '../../src/config/names.js';
import { fillTemplate } from '../../src/engine/finding.js';
import { buildModel } from '../../src/model/build.js';
import type { Language, Range } from '../../src/model/types.js';
import { parseSource, prepareParsers } from '../../src/parse/parser.js';
import rule from '../../src/rules/error-disclosure.js';

interface ReportedFinding {
  messageId: string;
  message: string;
  range: Range;
}

/** Parses `code` as the file `path`, runs the rule with `options`, and returns what it reported. */
function runRule(
  code: string,
  language: Language,
  path: string,
  options: Record<string, unknown> = {},
): ReportedFinding[] {
  const tree = parseSource(code, language);
  const reported: ReportedFinding[] = [];
  try {
    const model = buildModel(tree, code, path, language);
    rule.check!(model, {
      names: DEFAULT_NAMES,
      options,
      report(descriptor) {
        reported.push({
          messageId: descriptor.messageId,
          message: fillTemplate(rule.messages[descriptor.messageId]!, descriptor.data ?? {}),
          range: descriptor.range,
        });
      },
    });
  } finally {
    tree.delete();
  }
  return reported;
}

function runPython(code: string, path = 'app.py', options: Record<string, unknown> = {}): ReportedFinding[] {
  return runRule(code, 'python', path, options);
}

function runTypeScript(code: string): ReportedFinding[] {
  return runRule(code, 'typescript', 'server.ts');
}

function toRange(startLine: number, startColumn: number, endLine: number, endColumn: number): Range {
  return { startLine, startColumn, endLine, endColumn };
}

before(async () => {
  await prepareParsers(['python', 'typescript']);
});

describe('error-disclosure metadata', () => {
  test('summary starts with Disallow', () => {
    assert.match(rule.summary, /^Disallow /);
    assert.doesNotMatch(rule.summary, /\.$/);
  });

  test('every message ends with a period', () => {
    for (const [id, message] of Object.entries(rule.messages)) {
      assert.match(message, /\.$/, id);
    }
  });
});

describe('error-disclosure exception details', () => {
  test('stack trace in res.json', () => {
    const findings = runTypeScript(`
app.get('/users/:id', async (req, res) => {
  try {
    res.json(await loadUser(req.params.id));
  } catch (err) {
    res.status(500).json({ error: 'lookup failed', stack: err.stack });
  }
});
`);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.messageId, 'stackTrace');
    assert.equal(
      findings[0]!.message,
      'The stack trace of `err` is sent in the `res.json` response. Log it and return a generic message with a request id.',
    );
    assert.deepEqual(findings[0]!.range, toRange(6, 59, 6, 68));
  });

  test('traceback.format_exc in jsonify', () => {
    const findings = runPython(`
from flask import Flask, jsonify
import traceback

app = Flask(__name__)

@app.route("/charges", methods=["POST"])
def create_charge():
    try:
        return jsonify(charge())
    except Exception:
        return jsonify(error="charge failed", trace=traceback.format_exc()), 500
`);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.messageId, 'formattedTraceback');
    assert.equal(
      findings[0]!.message,
      'The traceback from `traceback.format_exc()` is sent in the `jsonify` response. Log it and return a generic message with a request id.',
    );
    assert.deepEqual(findings[0]!.range, toRange(12, 53, 12, 75));
  });

  test('str(e) through an alias', () => {
    const findings = runPython(`
from flask import Flask, jsonify

app = Flask(__name__)

@app.route("/invoices/<invoice_id>")
def show_invoice(invoice_id):
    try:
        return jsonify(load(invoice_id))
    except Exception as exc:
        reason = "load failed: " + str(exc)
        return jsonify(error=reason), 500
`);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.messageId, 'exceptionText');
    assert.equal(
      findings[0]!.message,
      'The text of exception `exc` is sent in the `jsonify` response. Log it and return a generic message with a request id.',
    );
    assert.deepEqual(findings[0]!.range, toRange(12, 30, 12, 36));
  });

  test('exception object in reply.send', () => {
    const findings = runTypeScript(`
fastify.get('/accounts/:id', async (request, reply) => {
  try {
    return await findAccount(request.params.id);
  } catch (err) {
    return reply.code(500).send(err);
  }
});
`);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.messageId, 'exceptionObject');
    assert.equal(
      findings[0]!.message,
      'The exception object `err` is sent in the `reply.send` response. Log it and return a generic message with a request id.',
    );
    assert.deepEqual(findings[0]!.range, toRange(6, 33, 6, 36));
  });

  test('database detail in ctx.body', () => {
    const findings = runTypeScript(`
import Router from '@koa/router';

const router = new Router();
router.get('/invoices/:id', async (ctx) => {
  try {
    ctx.body = await loadInvoice(ctx.params.id);
  } catch (dbError) {
    ctx.status = 500;
    ctx.body = { error: 'lookup failed', sql: dbError.sql };
  }
});
`);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.messageId, 'databaseDetail');
    assert.equal(
      findings[0]!.message,
      'The database error detail `dbError.sql` is sent in the `ctx.body` response. Log it and return a generic message with a request id.',
    );
    assert.deepEqual(findings[0]!.range, toRange(10, 47, 10, 58));
  });

  test('one finding per response', () => {
    const findings = runPython(`
from flask import Flask, jsonify
import traceback

app = Flask(__name__)

@app.route("/orders")
def list_orders():
    try:
        return jsonify(load())
    except Exception as exc:
        return jsonify(error=str(exc), trace=traceback.format_exc()), 500
`);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.messageId, 'formattedTraceback');
  });
});

describe('error-disclosure echoed input', () => {
  test('query text in an error response', () => {
    const findings = runPython(`
from django.db import DatabaseError, connection
from django.http import JsonResponse

def sales_report(request):
    sql = build_query(request.GET)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            rows = cursor.fetchall()
    except DatabaseError:
        return JsonResponse({"error": "report failed", "sql": sql}, status=500)
    return JsonResponse({"rows": rows})
`, 'shop/views.py');
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.messageId, 'queryText');
    assert.equal(
      findings[0]!.message,
      'The query text `sql` is sent in the `JsonResponse` response. Log it and return a generic message with a request id.',
    );
    assert.deepEqual(findings[0]!.range, toRange(12, 63, 12, 66));
  });

  test('request payload in an error response', () => {
    const findings = runTypeScript(`
app.post('/profiles', async (req, res) => {
  try {
    res.json(await saveProfile(req.body));
  } catch (err) {
    res.status(500).json({ error: 'save failed', input: req.body });
  }
});
`);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.messageId, 'requestPayload');
    assert.equal(
      findings[0]!.message,
      'The request payload `req.body` is echoed in the `res.json` response. Return a generic message that names only the invalid fields.',
    );
    assert.deepEqual(findings[0]!.range, toRange(6, 57, 6, 65));
  });

  test('payload in a success response is compliant', () => {
    const findings = runTypeScript(`
app.post('/echo', (req, res) => {
  res.status(200).json({ received: req.body });
});
`);
    assert.deepEqual(findings, []);
  });
});

describe('error-disclosure compliant forms', () => {
  test('validation error text in a 400', () => {
    const findings = runPython(`
from flask import Flask, jsonify, request

app = Flask(__name__)

@app.route("/limits")
def read_limit():
    try:
        limit = int(request.args["limit"])
    except ValueError as bad_number:
        return jsonify(error=str(bad_number)), 400
    return jsonify(limit=limit)
`);
    assert.deepEqual(findings, []);
  });

  test('validation error text in a 500', () => {
    const findings = runPython(`
from flask import Flask, jsonify, request

app = Flask(__name__)

@app.route("/limits")
def read_limit():
    try:
        limit = int(request.args["limit"])
    except ValueError as bad_number:
        return jsonify(error=str(bad_number)), 500
    return jsonify(limit=limit)
`);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.messageId, 'exceptionText');
  });

  test('not-found exception text in a 404', () => {
    const findings = runPython(`
from flask import Flask, jsonify

app = Flask(__name__)

@app.route("/plans/<plan_id>")
def show_plan(plan_id):
    try:
        return jsonify(load_plan(plan_id))
    except billing.PlanDoesNotExist as missing:
        return jsonify(error=str(missing)), 404
    except PriceNotFoundError as missing:
        return jsonify(error=str(missing)), 404
`);
    assert.deepEqual(findings, []);
  });

  test('not-found exception text in a 409', () => {
    const findings = runPython(`
from flask import Flask, jsonify

app = Flask(__name__)

@app.route("/plans/<plan_id>", methods=["PUT"])
def update_plan(plan_id):
    try:
        return jsonify(save_plan(plan_id))
    except PlanNotFound as missing:
        return jsonify(error=str(missing)), 409
`);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.messageId, 'exceptionText');
  });

  test('server not-found exception in a 404', () => {
    const findings = runPython(`
from flask import Flask, jsonify

app = Flask(__name__)

@app.route("/reports/<name>")
def show_report(name):
    try:
        return render_template(f"reports/{name}.html")
    except TemplateNotFound as missing:
        return jsonify(error=str(missing)), 404
`);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.messageId, 'exceptionText');
  });

  test('code, status and class name', () => {
    const findings = runTypeScript(`
app.use((err, req, res, next) => {
  res.status(500).json({ code: err.code, status: err.status, name: err.name, id: req.id });
});
`);
    assert.deepEqual(findings, []);
  });

  test('development check on the response', () => {
    const findings = runTypeScript(`
app.use((err, req, res, next) => {
  if (process.env.NODE_ENV !== 'production') {
    res.status(500).json({ stack: err.stack });
    return;
  }
  res.status(500).json({ error: 'Internal Server Error' });
});
`);
    assert.deepEqual(findings, []);
  });

  test('production branch of a conditional', () => {
    const findings = runTypeScript(`
app.use((err, req, res, next) => {
  res.status(500).json({ stack: isProduction ? err.stack : undefined });
});
`);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.messageId, 'stackTrace');
  });

  test('logging the exception', () => {
    const findings = runPython(`
import logging
from flask import Flask, jsonify

app = Flask(__name__)
log = logging.getLogger(__name__)

@app.route("/orders")
def list_orders():
    try:
        return jsonify(load())
    except Exception as exc:
        log.exception("listing failed: %s", exc)
        return jsonify(error="listing failed"), 500
`);
    assert.deepEqual(findings, []);
  });
});

describe('error-disclosure options', () => {
  const code = `
from flask import Flask, jsonify

app = Flask(__name__)

@app.route("/quota")
def read_quota():
    try:
        return jsonify(load_quota())
    except QuotaExceeded as exceeded:
        return jsonify(error=str(exceeded)), 429
`;

  test('unknown exception type is reported', () => {
    assert.equal(runPython(code).length, 1);
  });

  test('clientSafeExceptions adds a type', () => {
    assert.deepEqual(runPython(code, 'app.py', { clientSafeExceptions: ['QuotaExceeded'] }), []);
  });
});

describe('error-disclosure debug mode', () => {
  test('Flask app.run(debug=True)', () => {
    const findings = runPython(`
from flask import Flask

app = Flask(__name__)

if __name__ == "__main__":
    app.run(port=8000, debug=True)
`);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.messageId, 'debugMode');
    assert.equal(
      findings[0]!.message,
      'Debug mode is on in `app.run(port=8000, debug=True)`, so error pages show stack traces. Read it from the environment, off by default.',
    );
    assert.deepEqual(findings[0]!.range, toRange(7, 5, 7, 35));
  });

  test('Django DEBUG in settings.py', () => {
    const code = `
SECRET_KEY = "replace-me"
DEBUG = True
INSTALLED_APPS = ["shop"]
`;
    assert.equal(runPython(code, 'shop/settings.py').length, 1);
    assert.deepEqual(runPython(code, 'shop/local_settings.py'), []);
    assert.deepEqual(runPython(code, 'shop/config.py'), []);
  });

  test('Django DEBUG from the environment', () => {
    const code = `
import os
SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = os.environ.get("DEBUG") == "1"
`;
    assert.deepEqual(runPython(code, 'shop/settings.py'), []);
  });

  test('Express errorhandler without a check', () => {
    const findings = runTypeScript(`
import express from 'express';
import errorhandler from 'errorhandler';

const app = express();
app.use(errorhandler());
`);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.messageId, 'debugErrorHandler');
    assert.equal(
      findings[0]!.message,
      '`app.use(errorhandler())` sends stack traces to clients and is not limited to development. Mount it only in development.',
    );
    assert.deepEqual(findings[0]!.range, toRange(6, 1, 6, 24));
  });

  test('Express errorhandler in development', () => {
    const findings = runTypeScript(`
import express from 'express';
import errorhandler from 'errorhandler';

const app = express();
if (app.get('env') === 'development') {
  app.use(errorhandler());
}
`);
    assert.deepEqual(findings, []);
  });
});
