import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { detectLanguage, discoverFiles } from '../../src/files/discover.js';
import { makeProject } from '../helpers/temp.js';

const OPTIONS: { ignore: string[]; maxFileSize: number } = { ignore: [], maxFileSize: 1024 * 1024 };

function paths(root: string, options = OPTIONS): string[] {
  return discoverFiles(root, options).files.map((file) => file.path);
}

test('discovery detects the source extensions', () => {
  for (const [file, language] of [
    ['a.py', 'python'],
    ['a.js', 'javascript'],
    ['a.cjs', 'javascript'],
    ['a.mjs', 'javascript'],
    ['a.jsx', 'javascript'],
    ['a.ts', 'typescript'],
    ['a.mts', 'typescript'],
    ['a.cts', 'typescript'],
    ['a.tsx', 'tsx'],
  ] as const) {
    assert.equal(detectLanguage(file), language, file);
  }
  assert.equal(detectLanguage('types.d.ts'), null);
  assert.equal(detectLanguage('README.md'), null);
});

test('discovery skips the default folders', () => {
  const root = makeProject({
    'app.py': '',
    'node_modules/pkg/index.js': '',
    '.git/hooks/x.py': '',
    'dist/out.js': '',
    'build/out.js': '',
    'vendor/lib.py': '',
    '.venv/lib/site.py': '',
    'myenv/pyvenv.cfg': '',
    'myenv/lib/x.py': '',
    'src/__pycache__/a.py': '',
    'src/server.ts': '',
  });
  assert.deepEqual(paths(root).filter((file) => detectLanguage(file)), ['app.py', 'src/server.ts']);
});

test('discovery honours nested .gitignore files', () => {
  const root = makeProject({
    '.gitignore': 'generated/\n*.gen.py\n',
    'generated/a.py': '',
    'b.gen.py': '',
    'pkg/.gitignore': 'local.py\n/only-here.py\n',
    'pkg/local.py': '',
    'pkg/only-here.py': '',
    'pkg/deep/only-here.py': '',
    'pkg/keep.py': '',
    'keep.py': '',
  });
  const found = paths(root).filter((file) => file.endsWith('.py'));
  assert.deepEqual(found, ['keep.py', 'pkg/deep/only-here.py', 'pkg/keep.py']);
});

test('discovery honours configured ignore patterns', () => {
  const root = makeProject({ 'a.py': '', 'fixtures/b.py': '' });
  assert.deepEqual(paths(root, { ...OPTIONS, ignore: ['fixtures/'] }), ['a.py']);
});

test('discovery skips minified names and large files', () => {
  const root = makeProject({ 'app.min.js': 'x', 'big.py': 'x'.repeat(2000), 'small.py': 'x' });
  const discovery = discoverFiles(root, { ignore: [], maxFileSize: 1000 });
  assert.deepEqual(discovery.files.map((file) => file.path), ['small.py']);
  const reasons = Object.fromEntries(discovery.notes.map((note) => [note.path, note.reason]));
  assert.match(reasons['app.min.js'] ?? '', /minified/);
  assert.match(reasons['big.py'] ?? '', /larger than the size limit \(2000 > 1000 bytes/);
});

test('discovery follows no link loop and no link out of the root', () => {
  const outside = makeProject({ 'secret.py': '' });
  const root = makeProject({ 'src/a.py': '' });
  fs.symlinkSync(root, path.join(root, 'src', 'loop'));
  fs.symlinkSync(outside, path.join(root, 'out'));
  fs.symlinkSync(path.join(outside, 'secret.py'), path.join(root, 'linked.py'));
  fs.symlinkSync(path.join(root, 'src'), path.join(root, 'alias'));
  fs.symlinkSync(path.join(root, 'missing'), path.join(root, 'broken.py'));
  const discovery = discoverFiles(root, OPTIONS);
  const found = discovery.files.map((file) => file.path);
  assert.equal(found.filter((file) => file.endsWith('a.py')).length, 1, `one copy of a.py in ${found}`);
  assert.ok(!found.some((file) => file.includes('secret') || file.startsWith('out/')));
  const reasons = Object.fromEntries(discovery.notes.map((note) => [note.path, note.reason]));
  assert.equal(reasons['out'], 'symbolic link leads outside the scanned root');
  assert.equal(reasons['linked.py'], 'symbolic link leads outside the scanned root');
  assert.equal(reasons['broken.py'], 'broken symbolic link');
});

test('discovery of an empty folder finds nothing', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'soc2lint-empty-'));
  assert.deepEqual(discoverFiles(root, OPTIONS), { files: [], notes: [] });
});

test('discovery names a symbolic link loop', () => {
  const root = makeProject({ 'a.py': '' });
  fs.symlinkSync(path.join(root, 'loop2'), path.join(root, 'loop1'));
  fs.symlinkSync(path.join(root, 'loop1'), path.join(root, 'loop2'));
  const reasons = Object.fromEntries(discoverFiles(root, OPTIONS).notes.map((note) => [note.path, note.reason]));
  assert.equal(reasons['loop1'], 'symbolic link loop');
  assert.equal(reasons['loop2'], 'symbolic link loop');
});

test('discovery reports a file name that is not UTF-8', () => {
  const root = makeProject({ 'ok.py': '' });
  fs.writeFileSync(Buffer.concat([Buffer.from(`${root}/caf`), Buffer.from([0xe9]), Buffer.from('.py')]), 'x = 1\n');
  const discovery = discoverFiles(root, OPTIONS);
  assert.deepEqual(discovery.files.map((file) => file.path), ['ok.py']);
  assert.equal(discovery.notes.length, 1);
  assert.equal(discovery.notes[0]!.kind, 'unreadable');
  assert.match(discovery.notes[0]!.reason, /not valid UTF-8/);
});
