import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createFinding, type FindingSite } from '../../src/engine/finding.js';
import type { FileModel, Range } from '../../src/model/types.js';
import type { RuleMeta } from '../../src/rules/types.js';

const RULE: RuleMeta = {
  id: 'CC7.1.2',
  name: 'sensitive-data-in-logs',
  criterion: 'CC7.1',
  severity: 'critical',
  cwe: ['CWE-532'],
  summary: 'Disallow secrets and personal data in log output',
  rationale: 'Logs leak.',
  remediation: 'Mask it.',
  compliant: [],
  aicpa: [],
  languages: ['python'],
  messages: { sensitiveArgument: '`{name}` reaches `{sink}` unmasked. Mask it or leave it out.' },
};

const OTHER_RULE: RuleMeta = { ...RULE, id: 'CC7.4.1', name: 'error-disclosure' };

interface FunctionSpan {
  name: string;
  startLine: number;
  endLine: number;
}

/** Finds the `occurrence`-th (0-based) appearance of `needle` in `text` as a 1-based range. */
function rangeOf(text: string, needle: string, occurrence = 0): Range {
  const lines = text.split('\n');
  let seen = 0;
  for (let index = 0; index < lines.length; index++) {
    let column = lines[index]!.indexOf(needle);
    while (column !== -1) {
      if (seen === occurrence) {
        return {
          startLine: index + 1,
          startColumn: column + 1,
          endLine: index + 1,
          endColumn: column + 1 + needle.length,
        };
      }
      seen++;
      column = lines[index]!.indexOf(needle, column + 1);
    }
  }
  throw new Error(`Expected "${needle}" #${occurrence} in the text, got none`);
}

/** Spans of the Python `def` blocks in `text`: from the `def` line to the line before the next. */
function findFunctions(text: string): FunctionSpan[] {
  const lines = text.split('\n');
  const spans: FunctionSpan[] = [];
  lines.forEach((line, index) => {
    const match = /^def (\w+)/.exec(line);
    if (match) {
      spans.push({ name: match[1]!, startLine: index + 1, endLine: lines.length });
      const previous = spans[spans.length - 2];
      if (previous) {
        previous.endLine = index;
      }
    }
  });
  return spans;
}

/** Builds a file model with only the functions the fingerprint looks at. */
function toModel(spans: FunctionSpan[]): FileModel {
  const functions = spans.map((span, index) => ({
    id: index + 1,
    name: span.name,
    className: null,
    range: { startLine: span.startLine, startColumn: 1, endLine: span.endLine, endColumn: 1 },
  }));
  return { functions } as unknown as FileModel;
}

function createSite(text: string, path = 'app/views.py'): FindingSite {
  return {
    path,
    lines: text.split('\n'),
    model: toModel(findFunctions(text)),
    severity: 'critical',
    seen: new Map(),
  };
}

/** Fingerprints of findings reported on `needles` (text and occurrence), in report order. */
function fingerprintsOf(
  text: string,
  needles: [string, number][],
  options: { rule?: RuleMeta; path?: string } = {},
): string[] {
  const site = createSite(text, options.path);
  return needles.map(
    ([needle, occurrence]) =>
      createFinding(
        options.rule ?? RULE,
        {
          messageId: 'sensitiveArgument',
          data: { name: 'password', sink: 'logger.info' },
          range: rangeOf(text, needle, occurrence),
        },
        site,
      ).fingerprint,
  );
}

const ORIGINAL = `
import logging

logger = logging.getLogger(__name__)

def login(user, password):
    logger.info("login %s %s", user, password)
    return check(user, password)

def reset(user, token):
    logger.info("reset %s", token)
`;

const LOGIN_CALL = 'logger.info("login %s %s", user, password)';
const RESET_CALL = 'logger.info("reset %s", token)';

describe('finding fingerprint', () => {
  it('survives lines inserted above', () => {
    const shifted = ORIGINAL.replace(
      'import logging\n',
      'import logging\nimport os\n\n# A comment that moves every line down.\n',
    );

    const before = fingerprintsOf(ORIGINAL, [[LOGIN_CALL, 0], [RESET_CALL, 0]]);
    const after = fingerprintsOf(shifted, [[LOGIN_CALL, 0], [RESET_CALL, 0]]);

    assert.equal(rangeOf(shifted, LOGIN_CALL).startLine, rangeOf(ORIGINAL, LOGIN_CALL).startLine + 3);
    assert.deepEqual(after, before);
  });

  it('survives lines deleted above', () => {
    const shortened = ORIGINAL.replace('logger = logging.getLogger(__name__)\n\n', '');

    const before = fingerprintsOf(ORIGINAL, [[RESET_CALL, 0]]);
    const after = fingerprintsOf(shortened, [[RESET_CALL, 0]]);

    assert.deepEqual(after, before);
  });

  it('survives reformatted whitespace', () => {
    const reformattedCall = 'logger.info( "login %s %s",user,   password )';
    const reformatted = ORIGINAL.replace(LOGIN_CALL, reformattedCall).replace(/\n {4}/g, '\n\t');

    const before = fingerprintsOf(ORIGINAL, [[LOGIN_CALL, 0]]);
    const after = fingerprintsOf(reformatted, [[reformattedCall, 0]]);

    assert.deepEqual(after, before);
  });

  it('survives a call split over several lines', () => {
    const split = ORIGINAL.replace(
      LOGIN_CALL,
      'logger.info(\n        "login %s %s",\n        user,\n        password\n    )',
    );
    const range: Range = {
      ...rangeOf(split, 'logger.info('),
      endLine: rangeOf(split, '    )').endLine,
      endColumn: rangeOf(split, '    )').endColumn,
    };

    const [before] = fingerprintsOf(ORIGINAL, [[LOGIN_CALL, 0]]);
    const after = createFinding(
      RULE,
      { messageId: 'sensitiveArgument', data: { name: 'password', sink: 'logger.info' }, range },
      createSite(split),
    ).fingerprint;

    assert.equal(after, before);
  });

  it('survives reordered functions', () => {
    const [, header, login, reset] = /^([\s\S]*?)(def login[\s\S]*?)(def reset[\s\S]*)$/.exec(
      ORIGINAL,
    )!;
    const reordered = `${header}${reset}\n${login}`;

    const [loginBefore, resetBefore] = fingerprintsOf(ORIGINAL, [[LOGIN_CALL, 0], [RESET_CALL, 0]]);
    const [resetAfter, loginAfter] = fingerprintsOf(reordered, [[RESET_CALL, 0], [LOGIN_CALL, 0]]);

    assert.equal(loginAfter, loginBefore);
    assert.equal(resetAfter, resetBefore);
  });

  it('keeps identical findings in one function distinct', () => {
    const twice = ORIGINAL.replace(RESET_CALL, `${RESET_CALL}\n    ${RESET_CALL}`);

    const fingerprints = fingerprintsOf(twice, [[RESET_CALL, 0], [RESET_CALL, 1]]);

    assert.equal(fingerprints.length, 2);
    assert.notEqual(fingerprints[0], fingerprints[1]);
  });

  it('keeps identical findings distinct across a line shift', () => {
    const twice = ORIGINAL.replace(RESET_CALL, `${RESET_CALL}\n    ${RESET_CALL}`);
    const shifted = `# header\n\n${twice}`;

    const before = fingerprintsOf(twice, [[RESET_CALL, 0], [RESET_CALL, 1]]);
    const after = fingerprintsOf(shifted, [[RESET_CALL, 0], [RESET_CALL, 1]]);

    assert.deepEqual(after, before);
  });

  it('tells the same code in two functions apart', () => {
    const same = ORIGINAL.replace(RESET_CALL, LOGIN_CALL);

    const fingerprints = fingerprintsOf(same, [[LOGIN_CALL, 0], [LOGIN_CALL, 1]]);

    assert.notEqual(fingerprints[0], fingerprints[1]);
  });

  it('depends on rule, path and code', () => {
    const [base] = fingerprintsOf(ORIGINAL, [[LOGIN_CALL, 0]]);
    const [otherRule] = fingerprintsOf(ORIGINAL, [[LOGIN_CALL, 0]], { rule: OTHER_RULE });
    const [otherPath] = fingerprintsOf(ORIGINAL, [[LOGIN_CALL, 0]], { path: 'app/other.py' });
    const [otherCode] = fingerprintsOf(ORIGINAL, [[RESET_CALL, 0]]);

    assert.notEqual(otherRule, base);
    assert.notEqual(otherPath, base);
    assert.notEqual(otherCode, base);
  });

  it('ignores the line number when there is no source text', () => {
    function fingerprintAt(line: number): string {
      return createFinding(
        RULE,
        {
          messageId: 'sensitiveArgument',
          data: { name: 'password', sink: 'logger.info' },
          range: { startLine: line, startColumn: 1, endLine: line, endColumn: 10 },
          functionName: 'login',
        },
        { path: 'app/views.py', lines: null, model: null, severity: 'critical', seen: new Map() },
      ).fingerprint;
    }

    assert.equal(fingerprintAt(40), fingerprintAt(12));
  });

  it('tells empty-range findings apart by their data', () => {
    const site: FindingSite = {
      path: 'package.json',
      lines: ['{', '}'],
      model: null,
      severity: 'critical',
      seen: new Map(),
    };
    const range: Range = { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 };

    const first = createFinding(
      RULE,
      { messageId: 'sensitiveArgument', data: { name: 'a', sink: 'b' }, range },
      site,
    ).fingerprint;
    const second = createFinding(
      RULE,
      { messageId: 'sensitiveArgument', data: { name: 'c', sink: 'd' }, range },
      { ...site, seen: new Map() },
    ).fingerprint;

    assert.notEqual(first, second);
  });

  it('is 32 hex digits', () => {
    const [fingerprint] = fingerprintsOf(ORIGINAL, [[LOGIN_CALL, 0]]);

    assert.match(fingerprint!, /^[0-9a-f]{32}$/);
  });
});
