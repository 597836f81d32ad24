import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { mergeNames, type NameTables } from '../../src/config/names.js';
import { fillTemplate } from '../../src/engine/finding.js';
import { buildModel } from '../../src/model/build.js';
import type { Language, Range } from '../../src/model/types.js';
import { parseSource, prepareParsers } from '../../src/parse/parser.js';
import rule from '../../src/rules/sensitive-data-in-logs.js';
import { classifyName } from '../../src/rules/shared/sensitive-names.js';

interface ReportedFinding {
  messageId: string;
  message: string;
  range: Range;
}

/** Parses `code`, runs the rule over it with the default names plus `extra`, and returns what it reported. */
function runRule(code: string, language: Language, extra?: Partial<NameTables>): ReportedFinding[] {
  const tree = parseSource(code, language);
  const reported: ReportedFinding[] = [];
  try {
    const model = buildModel(tree, code, `snippet.${language === 'python' ? 'py' : 'ts'}`, language);
    rule.check!(model, {
      names: mergeNames(extra),
      options: {},
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

before(async () => {
  await prepareParsers(['python', 'typescript']);
});

describe('sensitive-data-in-logs messages', () => {
  test('names the variable and the sink', () => {
    const findings = runRule(
      `
def reset(request):
    reset_token = request.form["token"]
    logger.info("reset requested with %s", reset_token)
`,
      'python',
    );
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.messageId, 'sensitiveValue');
    assert.equal(findings[0]!.message, '`reset_token` reaches `logger.info` unmasked. Mask it or leave it out.');
  });

  test('lists several sources in one finding', () => {
    const findings = runRule(
      `
def login(username, password, api_key):
    logger.warning("login %s %s %s", username, password, api_key)
`,
      'python',
    );
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.messageId, 'sensitiveValues');
    assert.equal(
      findings[0]!.message,
      '`password` and `api_key` reach `logger.warning` unmasked. Mask them or leave them out.',
    );
  });

  test('names a whole request map', () => {
    const findings = runRule(
      `
def trace(request):
    logger.debug("headers: %s", dict(request.headers))
`,
      'python',
    );
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.messageId, 'wholeRequest');
    assert.equal(
      findings[0]!.message,
      'The whole `request.headers` reaches `logger.debug`, with any credentials in it. Log selected fields instead.',
    );
  });

  test('names the format of a credential literal, not its value', () => {
    const findings = runRule(
      `
KEY = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
logger.info("using %s", KEY)
`,
      'python',
    );
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.messageId, 'secretLiteral');
    assert.equal(
      findings[0]!.message,
      'A hard-coded Stripe key reaches `logger.info`. Keep credentials out of code and logs.',
    );
    assert.ok(!findings[0]!.message.includes('4eC39'));
  });

  test('reads well for a format that starts with a vowel', () => {
    const findings = runRule('logger.info("key %s", "AKIAIOSFODNN7EXAMPLE")\n', 'python');
    assert.equal(findings.length, 1);
    assert.equal(
      findings[0]!.message,
      'A hard-coded AWS access key id reaches `logger.info`. Keep credentials out of code and logs.',
    );
  });

  test('names a connection URL password without its value', () => {
    const findings = runRule('logger.info("db url %s", "postgresql://admin:S3cretPw@db:5432/x")\n', 'python');
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.messageId, 'secretLiteral');
    assert.equal(
      findings[0]!.message,
      'A hard-coded password in a connection URL reaches `logger.info`. Keep credentials out of code and logs.',
    );
    assert.ok(!findings[0]!.message.includes('S3cretPw'));
  });

  test('lists a literal among other sources', () => {
    const findings = runRule(
      `
def connect(password):
    logger.info("connect %s %s", password, "npm_abcdefghijklmnopqrstuvwxyz0123456789")
`,
      'python',
    );
    assert.equal(findings.length, 1);
    assert.equal(
      findings[0]!.message,
      '`password` and a hard-coded npm token reach `logger.info` unmasked. Mask them or leave them out.',
    );
  });

  test('names a single request cookie as written', () => {
    const findings = runRule(
      `
function handle(req: Request) {
  console.log('session', req.cookies['connect.sid']);
}
`,
      'typescript',
    );
    assert.equal(findings.length, 1);
    assert.equal(
      findings[0]!.message,
      "`req.cookies['connect.sid']` reaches `console.log` unmasked. Mask it or leave it out.",
    );
  });

  test('quotes a structlog keyword argument', () => {
    const findings = runRule(
      `
log = structlog.get_logger()
def issue(user, token):
    log.info("token_issued", user=user.id, access_token=token)
`,
      'python',
    );
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.message, '`access_token` reaches `log.info` unmasked. Mask it or leave it out.');
  });
});

describe('sensitive-data-in-logs positions', () => {
  test('points at the whole log call', () => {
    const findings = runRule(
      `
def reset(reset_token):
    logger.info("reset requested with %s", reset_token)
`,
      'python',
    );
    assert.equal(findings.length, 1);
    assert.deepEqual(findings[0]!.range, { startLine: 3, startColumn: 5, endLine: 3, endColumn: 56 });
  });

  test('spans a call over several lines', () => {
    const findings = runRule(
      `
function login(req: Request) {
  console.log(
    'login',
    req.body.password,
  );
}
`,
      'typescript',
    );
    assert.equal(findings.length, 1);
    assert.deepEqual(findings[0]!.range, { startLine: 3, startColumn: 3, endLine: 6, endColumn: 4 });
  });
});

describe('sensitive-data-in-logs configuration', () => {
  const code = `
def notify(user, email):
    telemetry.info("mail sent to %s", email)
    logger.info("mail sent to %s", email)
    logger.info("token %s", tokenize_pii(user.token))
`;

  test('leaves email, unknown loggers and unknown sanitizers alone by default', () => {
    const findings = runRule(code, 'python');
    assert.deepEqual(
      findings.map((finding) => [finding.range.startLine, finding.message]),
      [[5, '`user.token` reaches `logger.info` unmasked. Mask it or leave it out.']],
    );
  });

  test('adds email to the sensitive words', () => {
    const findings = runRule(code, 'python', { sensitiveWords: ['email'] });
    assert.deepEqual(
      findings.map((finding) => finding.range.startLine),
      [4, 5],
    );
    assert.equal(findings[0]!.message, '`email` reaches `logger.info` unmasked. Mask it or leave it out.');
  });

  test('adds a logger name', () => {
    const findings = runRule(code, 'python', { loggers: ['telemetry'], sensitiveWords: ['email'] });
    assert.deepEqual(
      findings.map((finding) => finding.range.startLine),
      [3, 4, 5],
    );
    assert.equal(findings[0]!.message, '`email` reaches `telemetry.info` unmasked. Mask it or leave it out.');
  });

  test('adds a sanitizer', () => {
    const findings = runRule(code, 'python', { sanitizers: ['tokenize_pii'] });
    assert.deepEqual(findings, []);
  });

  test('adds print as a log function', () => {
    const snippet = `
def show(password):
    print(f"password={password}")
`;
    assert.equal(runRule(snippet, 'python').length, 0);
    const findings = runRule(snippet, 'python', { logFunctions: ['print'] });
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.message, '`password` reaches `print` unmasked. Mask it or leave it out.');
  });

  test('matches a configured log function in the prefilter', () => {
    const code = 'print(f"password={password}")\n';
    assert.equal(rule.prefilter!(mergeNames(undefined), {}).test(code), false);
    assert.equal(rule.prefilter!(mergeNames({ logFunctions: ['print'] }), {}).test(code), true);
  });

  test('adds a derivation word', () => {
    const snippet = `
def show(token_sample):
    logger.info("token %s", token_sample)
`;
    assert.equal(runRule(snippet, 'python').length, 1);
    assert.equal(runRule(snippet, 'python', { derivationWords: ['sample'] }).length, 0);
  });
});

describe('sensitive-data-in-logs flow', () => {
  test('follows a chain of sixteen assignments', () => {
    const findings = runRule(
      `
def chain(password):
    s0 = password
    s1 = s0 + "x"
    s2 = s1 + "x"
    s3 = s2 + "x"
    s4 = s3 + "x"
    s5 = s4 + "x"
    s6 = s5 + "x"
    s7 = s6 + "x"
    s8 = s7 + "x"
    s9 = s8 + "x"
    s10 = s9 + "x"
    s11 = s10 + "x"
    s12 = s11 + "x"
    s13 = s12 + "x"
    s14 = s13 + "x"
    s15 = s14 + "x"
    logger.info(s15)
`,
      'python',
    );
    assert.equal(findings.length, 1);
  });

  test('stops after sixteen assignments', () => {
    const findings = runRule(
      `
def chain(password):
    s0 = password
    s1 = s0 + "x"
    s2 = s1 + "x"
    s3 = s2 + "x"
    s4 = s3 + "x"
    s5 = s4 + "x"
    s6 = s5 + "x"
    s7 = s6 + "x"
    s8 = s7 + "x"
    s9 = s8 + "x"
    s10 = s9 + "x"
    s11 = s10 + "x"
    s12 = s11 + "x"
    s13 = s12 + "x"
    s14 = s13 + "x"
    s15 = s14 + "x"
    s16 = s15 + "x"
    logger.info(s16)
`,
      'python',
    );
    assert.equal(findings.length, 0);
  });
});

describe('sensitive-data-in-logs literals under sensitive keys', () => {
  const reported = ['CorrectHorseBatteryStaple2', 'p@ssw0rd!', 'Tr0ub4dor&3x'];
  for (const value of reported) {
    test(`reports "${value}"`, () => {
      assert.equal(runRule(`console.log({ password: ${JSON.stringify(value)} });\n`, 'typescript').length, 1);
    });
  }

  const accepted = [
    '',
    '***',
    '<redacted>',
    '[REDACTED]',
    'changeme',
    'password',
    'Hunter2',
    'user_password',
    'auth.password.label',
    'Password must be 12 characters',
  ];
  for (const value of accepted) {
    test(`accepts "${value}"`, () => {
      assert.equal(runRule(`console.log({ password: ${JSON.stringify(value)} });\n`, 'typescript').length, 0);
    });
  }
});

describe('sensitive-data-in-logs name classes', () => {
  const names = mergeNames(undefined);
  const cases: [string, string][] = [
    ['reset_token', 'sensitive'],
    ['userPassword', 'sensitive'],
    ['apiKey', 'sensitive'],
    ['x-api-key', 'sensitive'],
    ['card_number', 'sensitive'],
    ['id_token', 'sensitive'],
    ['passwords', 'sensitive'],
    ['SECRET_KEY', 'sensitive'],
    ['password_length', 'derived'],
    ['has_token', 'derived'],
    ['token_type', 'derived'],
    ['passwordField', 'derived'],
    ['hashed_password', 'derived'],
    ['max_tokens', 'derived'],
    ['card_number_last4', 'derived'],
    ['tokenizer', 'neutral'],
    ['spinner', 'neutral'],
    ['email', 'neutral'],
    ['passport', 'neutral'],
    ['PLACEHOLDER_SECRETS', 'derived'],
    ['cookie_consent', 'derived'],
    ['cookieBanner', 'derived'],
    ['cookie_name', 'derived'],
    ['cookie_domain', 'derived'],
    ['cookie_policy', 'derived'],
    ['session_cookie', 'sensitive'],
  ];
  for (const [name, expected] of cases) {
    test(`classifies ${name}`, () => {
      assert.equal(classifyName(name, names), expected);
    });
  }
});
