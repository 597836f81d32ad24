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
      'A Stripe key literal reaches `logger.info`. Keep credentials out of code and logs.',
    );
    assert.ok(!findings[0]!.message.includes('4eC39'));
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

  test('adds a derivation word', () => {
    const snippet = `
def show(token_sample):
    logger.info("token %s", token_sample)
`;
    assert.equal(runRule(snippet, 'python').length, 1);
    assert.equal(runRule(snippet, 'python', { derivationWords: ['sample'] }).length, 0);
  });
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
  ];
  for (const [name, expected] of cases) {
    test(`classifies ${name}`, () => {
      assert.equal(classifyName(name, names), expected);
    });
  }
});
