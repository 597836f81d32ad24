import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { analyzeFile, type AnalysisSettings } from '../../src/engine/analyze.js';
import { scan } from '../../src/engine/scan.js';
import type { ScanNote } from '../../src/engine/types.js';
import { DEFAULT_NAMES } from '../../src/config/names.js';
import { ALL_LANGUAGES, prepareParsers } from '../../src/parse/parser.js';
import { makeProject } from '../helpers/temp.js';

const SETTINGS: AnalysisSettings = {
  ruleIds: [],
  severities: {},
  options: {},
  names: DEFAULT_NAMES,
  maxFileSize: 1024 * 1024,
  usePrefilters: true,
};

function noteFor(notes: ScanNote[], file: string): ScanNote | undefined {
  return notes.find((note) => note.path === file);
}

test('bad input: binary file with NUL bytes is skipped', async () => {
  const root = makeProject({ 'blob.py': Buffer.from([0x70, 0x00, 0x01, 0x02]), 'ok.py': 'x = 1\n' });
  const { result } = await scan({ paths: [root], jobs: 1 });
  assert.equal(noteFor(result.notes, 'blob.py')?.reason, 'binary file (contains NUL bytes)');
  assert.equal(result.stats.files, 1);
});

test('bad input: invalid UTF-8 is decoded with replacement', async () => {
  await prepareParsers(ALL_LANGUAGES);
  const root = makeProject({ 'latin.py': Buffer.from('name = "caf\xe9"\nx = 1\n', 'latin1') });
  const analysis = analyzeFile(
    { path: 'latin.py', absolutePath: path.join(root, 'latin.py'), language: 'python' },
    SETTINGS,
  );
  assert.deepEqual(analysis.notes, []);
  assert.equal(analysis.lines, 2);
});

test('bad input: minified content is skipped with a note', async () => {
  const line = 'var a=1;'.repeat(2000);
  const root = makeProject({ 'bundle.js': `${line}\n` });
  const { result } = await scan({ paths: [root], jobs: 1 });
  assert.equal(noteFor(result.notes, 'bundle.js')?.reason, 'minified or generated file');
});

test('bad input: file over the size limit is skipped', async () => {
  const root = makeProject({ 'big.py': `x = 1\n`.repeat(100) });
  const { result } = await scan({ paths: [root], jobs: 1, maxFileSize: 100 });
  assert.match(noteFor(result.notes, 'big.py')?.reason ?? '', /larger than the size limit \(600 > 100 bytes/);
});

test('bad input: syntax errors are analyzed as recovered', async () => {
  const root = makeProject({ 'broken.py': 'def f(:\n    return 1\n', 'broken.ts': 'const x = ;\n' });
  const { result } = await scan({ paths: [root], jobs: 1 });
  assert.equal(noteFor(result.notes, 'broken.py')?.kind, 'syntax-error');
  assert.equal(noteFor(result.notes, 'broken.ts')?.kind, 'syntax-error');
});

test('bad input: very deep nesting does not overflow the stack', async () => {
  const depth = 5000;
  const root = makeProject({
    'deep.py': `x = ${'['.repeat(depth)}1${']'.repeat(depth)}\n`,
    'deep.js': `const x = ${'('.repeat(depth)}1${')'.repeat(depth)};\n`,
    'deep_blocks.js': `${'if (a) {'.repeat(depth)}f();${'}'.repeat(depth)}\n`,
  });
  const { result } = await scan({ paths: [root], jobs: 1 });
  const errors = result.notes.filter((note) => note.kind === 'error');
  assert.deepEqual(errors, []);
});

test('bad input: file removed after discovery is reported unreadable', async () => {
  await prepareParsers(ALL_LANGUAGES);
  const analysis = analyzeFile(
    { path: 'gone.py', absolutePath: '/nonexistent/gone.py', language: 'python' },
    SETTINGS,
  );
  assert.deepEqual(analysis.notes, [{ path: 'gone.py', kind: 'unreadable', reason: 'not found' }]);
});

test('bad input: unreadable file is reported and others are scanned', async (t) => {
  if (process.getuid?.() === 0) {
    t.skip('root reads files whatever their mode');
    return;
  }
  const root = makeProject({ 'locked.py': 'x = 1\n', 'ok.py': 'y = 2\n' });
  fs.chmodSync(path.join(root, 'locked.py'), 0o000);
  const { result } = await scan({ paths: [root], jobs: 1 });
  assert.equal(noteFor(result.notes, 'locked.py')?.reason, 'permission denied');
  assert.equal(result.stats.lines, 1);
});

test('bad input: empty folder scans nothing', async () => {
  const root = makeProject({});
  const { result } = await scan({ paths: [root], jobs: 1 });
  assert.equal(result.stats.files, 0);
  assert.deepEqual(result.findings, []);
});

test('bad input: worker threads give the same notes', async () => {
  const files: Record<string, string | Buffer> = { 'blob.js': Buffer.from([0, 1, 2]) };
  for (let index = 0; index < 40; index++) {
    files[`m${index}.py`] = `value_${index} = ${index}\n`;
  }
  const root = makeProject(files);
  const { result } = await scan({ paths: [root], jobs: 2 });
  assert.equal(result.stats.files, 40);
  assert.equal(result.stats.lines, 40);
  assert.equal(noteFor(result.notes, 'blob.js')?.kind, 'skipped');
});

test('bad input: one long data line is not minified', async () => {
  const lines = ['import logging', 'log = logging.getLogger()', `LOGO = "${'A'.repeat(5000)}"`];
  for (let index = 0; index < 300; index++) {
    lines.push(`x${index} = ${index}`);
  }
  lines.push('log.info("%s", password)');
  const root = makeProject({ 'logo.py': `${lines.join('\n')}\n` });
  const { result } = await scan({ paths: [root], jobs: 1, rules: ['CC7.1.2'] });
  assert.equal(noteFor(result.notes, 'logo.py'), undefined);
  assert.equal(result.findings.length, 1);
});

test('bad input: UTF-16 source with a byte order mark is analyzed', async () => {
  const text = 'import logging\nlog = logging.getLogger()\nlog.info("%s", password)\n';
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const root = makeProject({ 'windows.py': utf16 });
  const { result } = await scan({ paths: [root], jobs: 1, rules: ['CC7.1.2'] });
  assert.deepEqual(result.notes, []);
  assert.equal(result.findings.length, 1);
  assert.equal(result.findings[0]!.range.startLine, 3);
});
