import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  findComments,
  getFileSyntax,
  getLanguageSyntax,
} from '../../src/suppressions/comments.js';
import { isValidDate, parseDirectives } from '../../src/suppressions/directives.js';

const PYTHON = getLanguageSyntax('python');
const JAVASCRIPT = getLanguageSyntax('typescript');
const YAML = getFileSyntax('.github/workflows/ci.yml')!;

describe('findComments', () => {
  it('finds Python comments', () => {
    const comments = findComments('x = 1  # one\n# two\n', PYTHON);

    assert.deepEqual(
      comments.map(({ line, column, text }) => ({ line, column, text })),
      [
        { line: 1, column: 8, text: 'one' },
        { line: 2, column: 1, text: 'two' },
      ],
    );
  });

  it('skips hashes inside Python strings', () => {
    const source = `
a = "# not a comment"
b = '''
# still a string
'''
c = 'it\\'s # not either'  # real
`;
    const comments = findComments(source, PYTHON);

    assert.deepEqual(
      comments.map(({ line, text }) => ({ line, text })),
      [{ line: 6, text: 'real' }],
    );
  });

  it('finds line and block comments in JavaScript', () => {
    const source = `
const a = 1; // line
/* block
 * more
 */
const b = 2; /* inline */ const c = 3;
`;
    const comments = findComments(source, JAVASCRIPT);

    assert.deepEqual(
      comments.map(({ line, endLine, text }) => ({ line, endLine, text })),
      [
        { line: 2, endLine: 2, text: 'line' },
        { line: 3, endLine: 5, text: 'block more' },
        { line: 6, endLine: 6, text: 'inline' },
      ],
    );
  });

  it('skips comment markers inside template literals', () => {
    const source = `
const url = 'http://example.com'; // after string
const text = \`
// inside a template \${value /* inside an expression */} still template
\`;
const d = 4; // after template
`;
    const comments = findComments(source, JAVASCRIPT);

    assert.deepEqual(
      comments.map(({ line, text }) => ({ line, text })),
      [
        { line: 2, text: 'after string' },
        { line: 4, text: 'inside an expression' },
        { line: 6, text: 'after template' },
      ],
    );
  });

  it('follows nested template literals', () => {
    const source = 'const a = `x ${`y ${"}"} // no`} // no`; // yes\n';

    const comments = findComments(source, JAVASCRIPT);

    assert.deepEqual(
      comments.map(({ text }) => text),
      ['yes'],
    );
  });

  it('reads YAML comments only after whitespace', () => {
    const source = `
run: echo a#b # real
name: don't # also real
key: "# quoted"
`;
    const comments = findComments(source, YAML);

    assert.deepEqual(
      comments.map(({ line, text }) => ({ line, text })),
      [
        { line: 2, text: 'real' },
        { line: 3, text: 'also real' },
      ],
    );
  });

  it('recovers from an unclosed string at the line end', () => {
    const comments = findComments('a = "open\nb = 1  # found\n', PYTHON);

    assert.deepEqual(
      comments.map(({ line }) => line),
      [2],
    );
  });
});

describe('getFileSyntax', () => {
  it('maps config files to hash comments', () => {
    assert.equal(getFileSyntax('ci/.gitlab-ci.yml')?.lineComment, '#');
    assert.equal(getFileSyntax('requirements.txt')?.lineComment, '#');
    assert.equal(getFileSyntax('Pipfile')?.lineComment, '#');
  });

  it('has no syntax for JSON', () => {
    assert.equal(getFileSyntax('package.json'), null);
  });
});

describe('parseDirectives', () => {
  it('parses a next-line directive', () => {
    const source = `
def login(user, password):
    # soc2lint-disable-next-line CC7.1.2 -- password is masked by LogFilter
    logger.info("pw %s", password)
`;
    const { directives, problems } = parseDirectives(source, PYTHON);

    assert.deepEqual(problems, []);
    assert.equal(directives.length, 1);
    assert.equal(directives[0]!.kind, 'soc2lint-disable-next-line');
    assert.equal(directives[0]!.targetLine, 4);
    assert.deepEqual(directives[0]!.rules, ['CC7.1.2']);
    assert.equal(directives[0]!.reason, 'password is masked by LogFilter');
    assert.equal(directives[0]!.expires, null);
  });

  it('parses a same-line directive', () => {
    const source = 'log.info(token); // soc2lint-disable-line CC7.1.2 -- test token\n';

    const { directives } = parseDirectives(source, JAVASCRIPT);

    assert.equal(directives[0]!.kind, 'soc2lint-disable-line');
    assert.equal(directives[0]!.targetLine, 1);
  });

  it('parses a block comment directive', () => {
    const source = `/* soc2lint-disable-next-line CC7.4.1 -- internal admin tool */
res.send(err.stack);
`;

    const { directives } = parseDirectives(source, JAVASCRIPT);

    assert.equal(directives[0]!.targetLine, 2);
    assert.equal(directives[0]!.reason, 'internal admin tool');
  });

  it('parses several rules and an expiry', () => {
    const source = `
# soc2lint-disable-file CC7.1.2, error-disclosure until=2027-03-31 -- legacy module, SEC-12
`;

    const { directives, problems } = parseDirectives(source, PYTHON);

    assert.deepEqual(problems, []);
    assert.equal(directives[0]!.kind, 'soc2lint-disable-file');
    assert.equal(directives[0]!.targetLine, null);
    assert.deepEqual(directives[0]!.rules, ['CC7.1.2', 'error-disclosure']);
    assert.equal(directives[0]!.expires, '2027-03-31');
    assert.equal(directives[0]!.reason, 'legacy module, SEC-12');
  });

  it('reports a missing reason', () => {
    const source = 'x = 1\n# soc2lint-disable-next-line CC7.1.2\ny = 2\n';

    const { directives, problems } = parseDirectives(source, PYTHON);

    assert.deepEqual(directives, []);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.messageId, 'missingReason');
    assert.equal(problems[0]!.range.startLine, 2);
    assert.equal(problems[0]!.data.rules, 'CC7.1.2');
  });

  it('reports an empty reason', () => {
    const { problems } = parseDirectives('# soc2lint-disable-line CC7.1.2 --  \n', PYTHON);

    assert.equal(problems[0]!.messageId, 'missingReason');
  });

  it('reports a missing rule', () => {
    const { problems } = parseDirectives('# soc2lint-disable-line -- because\n', PYTHON);

    assert.equal(problems[0]!.messageId, 'missingRule');
  });

  it('reports an invalid expiry', () => {
    const { problems } = parseDirectives(
      '# soc2lint-disable-line CC7.1.2 until=2027-02-30 -- because\n',
      PYTHON,
    );

    assert.equal(problems[0]!.messageId, 'invalidExpiry');
    assert.equal(problems[0]!.data.value, '2027-02-30');
  });

  it('reports a file directive below line 10', () => {
    const source = `${'\n'.repeat(10)}# soc2lint-disable-file CC7.1.2 -- too late\n`;

    const { directives, problems } = parseDirectives(source, PYTHON);

    assert.deepEqual(directives, []);
    assert.equal(problems[0]!.messageId, 'misplacedFileDirective');
    assert.equal(problems[0]!.range.startLine, 11);
  });

  it('reports an unknown directive', () => {
    const { problems } = parseDirectives('// soc2lint-disable CC7.1.2 -- block form\n', JAVASCRIPT);

    assert.equal(problems[0]!.messageId, 'unknownDirective');
    assert.equal(problems[0]!.data.directive, 'soc2lint-disable');
  });

  it('ignores directives quoted in strings', () => {
    const source = `
const help = '// soc2lint-disable-line CC7.1.2';
const example = \`
# soc2lint-disable-next-line CC7.1.2
\`;
`;
    const { directives, problems } = parseDirectives(source, JAVASCRIPT);

    assert.deepEqual(directives, []);
    assert.deepEqual(problems, []);
  });

  it('ignores a directive word later in a comment', () => {
    const source = '# Use soc2lint-disable-line CC7.1.2 to accept a finding.\n';

    const { directives, problems } = parseDirectives(source, PYTHON);

    assert.deepEqual(directives, []);
    assert.deepEqual(problems, []);
  });
});

describe('isValidDate', () => {
  it('accepts a calendar date', () => {
    assert.equal(isValidDate('2028-02-29'), true);
  });

  it('rejects impossible and malformed dates', () => {
    assert.equal(isValidDate('2027-02-29'), false);
    assert.equal(isValidDate('2027-13-01'), false);
    assert.equal(isValidDate('31/03/2027'), false);
  });
});
