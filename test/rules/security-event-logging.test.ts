import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { prepareParsers } from '../../src/parse/parser.js';
import rule from '../../src/rules/security-event-logging.js';
import { runRuleOnFiles } from '../helpers/project-rule.js';

before(async () => {
  await prepareParsers(['python', 'javascript', 'typescript']);
});

describe('security-event-logging messages', () => {
  test('names the login handler when nothing logs', async () => {
    const findings = await runRuleOnFiles(rule, [
      {
        path: 'app.py',
        code: `
@app.route("/login", methods=["POST"])
def login():
    user = find_user(request.form["email"])
    if user is None or not user.check_password(request.form["password"]):
        return jsonify(error="invalid"), 401
    return jsonify(ok=True)
`,
      },
    ]);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.messageId, 'loginNotLogged');
    assert.equal(
      findings[0]!.message,
      'Login handler `login` logs neither a failed nor a successful login. Log both outcomes with the user and client address.',
    );
    assert.deepEqual(findings[0]!.range, { startLine: 3, startColumn: 5, endLine: 3, endColumn: 10 });
  });

  test('points at the unlogged success outcome', async () => {
    const findings = await runRuleOnFiles(rule, [
      {
        path: 'app.py',
        code: `
@app.route("/login", methods=["POST"])
def login():
    user = find_user(request.form["email"])
    if user is None or not user.check_password(request.form["password"]):
        log.warning("login failed")
        return jsonify(error="invalid"), 401
    return jsonify(ok=True)
`,
      },
    ]);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.messageId, 'loginSuccessNotLogged');
    assert.equal(findings[0]!.range.startLine, 8);
  });

  test('names the denial and its function', async () => {
    const findings = await runRuleOnFiles(rule, [
      {
        path: 'app.js',
        code: `
function requireOwner(req, res, next) {
  if (req.params.id !== req.user.id) {
    return res.status(403).json({ error: 'Forbidden' });
  }
  next();
}
`,
      },
    ]);
    assert.equal(findings.length, 1);
    assert.equal(
      findings[0]!.message,
      "The 403 denial `res.status(403).json({ error: 'Forbidden' })` in `requireOwner` has no log or audit call, and no error handler logs it. Log who was denied what.",
    );
  });

  test('reports an exception raised unlogged in many places once', async () => {
    const code = [1, 2, 3, 4, 5]
      .map((n) => `def check_${n}(user):\n    if not user.allowed_${n}:\n        raise PermissionDenied("no")\n`)
      .join('\n');
    const findings = await runRuleOnFiles(rule, [{ path: 'perms.py', code }]);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.messageId, 'repeatedDenialNotLogged');
    assert.match(findings[0]!.message, /^`PermissionDenied` is raised in 5 places/);
  });

  test('finds a privileged handler in another file by name', async () => {
    const findings = await runRuleOnFiles(rule, [
      {
        path: 'routes.js',
        code: `router.route('/:userId').delete(auth('manageUsers'), userController.deleteUser);\n`,
      },
      {
        path: 'controller.js',
        code: `const deleteUser = catchAsync(async (req, res) => {\n  await userService.deleteUserById(req.params.userId);\n  res.status(204).send();\n});\n`,
      },
    ]);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.path, 'controller.js');
    assert.equal(
      findings[0]!.message,
      "Privileged change `deleteUser` (DELETE with `auth('manageUsers')`) makes no log or audit call. Record who changed what.",
    );
  });
});

describe('security-event-logging central handlers', () => {
  test('Flask errorhandler(403) that logs covers abort(403)', async () => {
    const findings = await runRuleOnFiles(rule, [
      { path: 'views.py', code: `def edit(pid):\n    if not may_edit(pid):\n        abort(403)\n    return ""\n` },
      { path: 'errors.py', code: `@app.errorhandler(403)\ndef forbidden(e):\n    logger.warning("forbidden")\n    return "", 403\n` },
    ]);
    assert.deepEqual(findings, []);
  });

  test('a handler that logs only in development does not cover denials', async () => {
    const findings = await runRuleOnFiles(rule, [
      { path: 'auth.js', code: `function guard(req, res, next) {\n  if (!req.user) {\n    return next(new ApiError(401, 'Please authenticate'));\n  }\n  next();\n}\n` },
      {
        path: 'app.js',
        code: `app.use((err, req, res, next) => {\n  if (config.env === 'development') {\n    logger.error(err);\n  }\n  res.status(err.statusCode).send();\n});\n`,
      },
    ]);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.path, 'auth.js');
  });
});

describe('security-event-logging options', () => {
  test('sensitiveResources reports unlogged access at medium severity', async () => {
    const code = `@app.route("/customers/<int:cid>")\ndef get_customer(cid):\n    return jsonify(load(cid))\n`;
    const findings = await runRuleOnFiles(rule, [{ path: 'app.py', code }], {
      options: { sensitiveResources: ['customer'] },
    });
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.messageId, 'sensitiveAccessNotLogged');
    assert.equal(findings[0]!.severity, 'medium');
  });

  test('no sensitive resources by default', async () => {
    const code = `@app.route("/customers/<int:cid>")\ndef get_customer(cid):\n    return jsonify(load(cid))\n`;
    assert.deepEqual(await runRuleOnFiles(rule, [{ path: 'app.py', code }]), []);
  });

  test('configured audit helpers count as logging', async () => {
    const code = `def edit(pid):\n    if not may_edit(pid):\n        trail.push("denied")\n        raise PermissionDenied("no")\n`;
    assert.equal((await runRuleOnFiles(rule, [{ path: 'a.py', code }])).length, 1);
    assert.deepEqual(await runRuleOnFiles(rule, [{ path: 'a.py', code }], { names: { auditHelpers: ['trail.push'] } }), []);
  });
});
