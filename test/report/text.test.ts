import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatText } from '../../src/report/text.js';
import { assertGolden } from './golden.js';
import { RULES, SCAN_RESULT } from './scan-result.js';

const ANSI_ESCAPE = /\u001b\[[0-9;]*m/g;

describe('formatText', () => {
  it('matches the golden report without colour', () => {
    const output = formatText(SCAN_RESULT, RULES, { color: false });

    assertGolden('report.txt', output);
  });

  it('writes no escape codes without colour', () => {
    const output = formatText(SCAN_RESULT, RULES, { color: false });

    assert.doesNotMatch(output, ANSI_ESCAPE);
  });

  it('adds only escape codes with colour', () => {
    const plain = formatText(SCAN_RESULT, RULES, { color: false });
    const colored = formatText(SCAN_RESULT, RULES, { color: true });

    assert.match(colored, ANSI_ESCAPE);
    assert.equal(colored.replace(ANSI_ESCAPE, ''), plain);
  });

  it('prints one line when nothing is found', () => {
    const result = { ...SCAN_RESULT, findings: [], notes: [] };

    const output = formatText(result, RULES, { color: false });

    assert.equal(output, 'No findings in 3 files.\n');
  });

  it('keeps notes when nothing is found', () => {
    const result = { ...SCAN_RESULT, findings: [] };

    const output = formatText(result, RULES, { color: false });

    assert.equal(
      output,
      [
        'Notes',
        '  skipped  static/vendor/chart.min.js: minified file (one line of 212 KB)',
        '',
        'No findings in 3 files.',
        '',
      ].join('\n'),
    );
  });

  it('uses the singular for one file', () => {
    const result = { ...SCAN_RESULT, findings: [], notes: [] };
    result.stats = { ...result.stats, files: 1 };

    assert.equal(formatText(result, RULES, { color: false }), 'No findings in 1 file.\n');
  });

  it('cuts long snippet lines to 100 columns', () => {
    const [finding] = SCAN_RESULT.findings;
    const longLine = `logger.info(${'x'.repeat(200)})`;
    const result = { ...SCAN_RESULT, findings: [{ ...finding, snippet: longLine }] };

    const lines = formatText(result, RULES, { color: false }).split('\n');
    const snippetLine = lines.find((line) => line.includes('| logger.info('));

    assert.ok(snippetLine, 'Expected a snippet line');
    assert.equal(snippetLine.length, 100);
    assert.ok(snippetLine.endsWith('…'));
  });

  it('leaves out an empty snippet', () => {
    const [finding] = SCAN_RESULT.findings;
    const result = { ...SCAN_RESULT, findings: [{ ...finding, snippet: '' }] };

    const output = formatText(result, RULES, { color: false });

    assert.doesNotMatch(output, /\| /);
  });
});
