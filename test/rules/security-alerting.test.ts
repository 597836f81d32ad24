import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { prepareParsers } from '../../src/parse/parser.js';
import rule from '../../src/rules/security-alerting.js';
import { runRuleOnFiles } from '../helpers/project-rule.js';

before(async () => {
  await prepareParsers(['python', 'javascript', 'typescript']);
});

const LOGIN = `
@app.route("/login", methods=["POST"])
def login():
    user = find_user(request.form["email"])
    if user is None or not user.check_password(request.form["password"]):
        log.warning("login failed")
        return jsonify(error="invalid"), 401
    return jsonify(ok=True)
`;

describe('security-alerting', () => {
  test('reports only the project finding when nothing alerts', async () => {
    const findings = await runRuleOnFiles(rule, [
      { path: 'app.py', code: `from flask import Flask\napp = Flask(__name__)\n${LOGIN}` },
    ]);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.messageId, 'noAlertingPath');
    assert.equal(findings[0]!.range.startLine, 2);
    assert.match(findings[0]!.message, /no PagerDuty, Opsgenie, Slack or webhook alert/);
  });

  test('reports an untracked failure when the service alerts', async () => {
    const findings = await runRuleOnFiles(rule, [{ path: 'app.py', code: `import sentry_sdk\n${LOGIN}` }]);
    assert.equal(findings.length, 1);
    assert.equal(
      findings[0]!.message,
      'The failed credential check in `login` is neither counted against a threshold nor alerted on. Count it and alert past a threshold.',
    );
    assert.equal(findings[0]!.range.startLine, 8);
  });

  test('a configured failure tracker counts', async () => {
    const code = `import sentry_sdk\n${LOGIN.replace('log.warning("login failed")', 'bump_counter("login")')}`;
    assert.equal((await runRuleOnFiles(rule, [{ path: 'app.py', code }])).length, 1);
    assert.deepEqual(await runRuleOnFiles(rule, [{ path: 'app.py', code }], { names: { failureTrackers: ['bump_counter'] } }), []);
  });

  test('says whether a critical event is logged', async () => {
    const code = `import sentry_sdk\n\n@app.route("/admin/users/<int:uid>", methods=["DELETE"])\n@admin_required\ndef delete_user(uid):\n    log.info("deleted")\n    remove(uid)\n`;
    const findings = await runRuleOnFiles(rule, [{ path: 'app.py', code }]);
    assert.equal(findings.length, 1);
    assert.equal(
      findings[0]!.message,
      'Deleting a user in `delete_user` is only logged and raises no alert. Send an alert to the security team for it.',
    );
  });
});
