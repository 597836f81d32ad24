import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { prepareParsers } from '../../src/parse/parser.js';
import rule from '../../src/rules/structured-security-logging.js';
import { runRuleOnFiles } from '../helpers/project-rule.js';

before(async () => {
  await prepareParsers(['python', 'javascript', 'typescript']);
});

const STRUCTLOG_CONFIG = { path: 'logging_setup.py', code: 'import structlog\nstructlog.configure()\n' };

describe('structured-security-logging messages', () => {
  test('names the sink, the function and the interpolation', async () => {
    const code = `def login(email):\n    if not user.check_password(pw):\n        logger.warning(f"login failed for {email}")\n`;
    const findings = await runRuleOnFiles(rule, [{ path: 'auth.py', code }, STRUCTLOG_CONFIG]);
    assert.equal(findings.length, 1);
    assert.equal(
      findings[0]!.message,
      'Security event logged by `logger.warning` in `login` is built with an f-string and has no structured fields. Pass the values as fields.',
    );
    assert.deepEqual(findings[0]!.range, { startLine: 3, startColumn: 9, endLine: 3, endColumn: 52 });
  });

  test('accepts lazy arguments and extra=', async () => {
    const code = `def login(email):\n    logger.warning("login failed for %s", email)\n    logger.warning(f"login failed for {email}", extra={"email": email})\n`;
    assert.deepEqual(await runRuleOnFiles(rule, [{ path: 'auth.py', code }, STRUCTLOG_CONFIG]), []);
  });

  test('counts log calls in the project finding', async () => {
    const findings = await runRuleOnFiles(rule, [
      { path: 'app.js', code: `const app = express();\nlogger.info('started');\nlogger.info('ready');\n` },
    ]);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.messageId, 'noStructuredLogging');
    assert.match(findings[0]!.message, /\(2 log calls\)/);
    assert.equal(findings[0]!.range.startLine, 1);
  });

  test('a Django LOGGING JSON formatter is structured output', async () => {
    const settings = `LOGGING = {"formatters": {"json": {"()": "pythonjsonlogger.jsonlogger.JsonFormatter"}}}\n`;
    const findings = await runRuleOnFiles(rule, [
      { path: 'settings.py', code: settings },
      { path: 'views.py', code: 'logger.info("ready")\n' },
    ]);
    assert.deepEqual(findings, []);
  });
});
