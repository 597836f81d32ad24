import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InputError } from '../../src/config/errors.js';
import {
  getChangesSinceRef,
  getStagedChanges,
  isOnChangedLine,
  parseUnifiedDiff,
  toRootRelative,
} from '../../src/diff/git-changes.js';
import { commitAll, createRepo, git, GIT_ENV, writeFiles } from '../helpers/git-repo.js';

// The code under test runs git with this process's environment.
Object.assign(process.env, GIT_ENV);

const folders: string[] = [];
after(() => {
  for (const folder of folders) {
    fs.rmSync(folder, { recursive: true, force: true });
  }
});

function createTestRepo(): string {
  const root = createRepo('soc2lint-diff-');
  folders.push(root);
  return root;
}

describe('parseUnifiedDiff', () => {
  it('reads added lines from hunk headers', () => {
    const diff = `diff --git a/app.py b/app.py
index 1111111..2222222 100644
--- a/app.py
+++ b/app.py
@@ -3,0 +4,2 @@ def login():
+    x = 1
+    y = 2
@@ -10 +12 @@ def reset():
-    old
+    new
@@ -20,3 +22,0 @@
-gone
diff --git a/old.py b/old.py
deleted file mode 100644
--- a/old.py
+++ /dev/null
@@ -1,2 +0,0 @@
-a
-b
`;
    const files = parseUnifiedDiff(diff);

    assert.deepEqual([...files.keys()], ['app.py']);
    assert.deepEqual([...files.get('app.py')!], [4, 5, 12]);
  });

  it('reads quoted and tab-terminated paths', () => {
    const diff = [
      '+++ "b/dir/tab\\there.py"',
      '@@ -0,0 +1 @@',
      '+x',
      '+++ b/with space.py\t',
      '@@ -0,0 +1 @@',
      '+y',
      '+++ "b/caf\\303\\251.py"',
      '@@ -0,0 +1 @@',
      '+z',
    ].join('\n');

    const files = parseUnifiedDiff(diff);

    assert.deepEqual([...files.keys()], ['dir/tab\there.py', 'with space.py', 'café.py']);
  });
});

describe('isOnChangedLine', () => {
  const changed = new Map<string, Set<number> | null>([
    ['app.py', new Set([4, 5])],
    ['new.py', null],
  ]);

  it('matches any line of the finding', () => {
    const finding = { path: 'app.py', range: { startLine: 2, endLine: 4 } };

    assert.equal(isOnChangedLine(changed, finding), true);
  });

  it('rejects unchanged lines and files', () => {
    const unchangedLine = { path: 'app.py', range: { startLine: 6, endLine: 6 } };
    const unchangedFile = { path: 'other.py', range: { startLine: 4, endLine: 4 } };

    assert.equal(isOnChangedLine(changed, unchangedLine), false);
    assert.equal(isOnChangedLine(changed, unchangedFile), false);
  });

  it('matches every line of a new file', () => {
    const finding = { path: 'new.py', range: { startLine: 90, endLine: 90 } };

    assert.equal(isOnChangedLine(changed, finding), true);
  });
});

describe('getChangesSinceRef', () => {
  let root = '';

  before(() => {
    root = createTestRepo();
    writeFiles(root, { 'app.py': 'a = 1\nb = 2\nc = 3\n', 'lib/util.py': 'u = 1\n' });
    commitAll(root, 'Initial');
    git(root, 'checkout', '--quiet', '-b', 'feature');
    writeFiles(root, { 'app.py': 'a = 1\nb = 20\nc = 3\nd = 4\n' });
    commitAll(root, 'Change b and add d');
    writeFiles(root, { 'lib/util.py': 'u = 1\nv = 2\n', 'new.py': 'n = 1\n' });
  });

  it('reads committed, uncommitted and untracked changes', () => {
    const changes = getChangesSinceRef('main', root);

    assert.equal(changes.mode, 'diff-base');
    assert.equal(changes.baseCommit, git(root, 'rev-parse', 'main').trim());
    assert.deepEqual([...changes.files.get('app.py')!], [2, 4]);
    assert.deepEqual([...changes.files.get('lib/util.py')!], [2]);
    assert.equal(changes.files.get('new.py'), null);
  });

  it('maps paths to a scanned subfolder', () => {
    const changes = getChangesSinceRef('main', path.join(root, 'lib'));

    const relative = toRootRelative(changes, path.join(root, 'lib'));

    assert.deepEqual([...relative.keys()], ['util.py']);
  });

  it('uses the merge base, not the ref itself', () => {
    git(root, 'stash', '--include-untracked', '--quiet');
    git(root, 'checkout', '--quiet', 'main');
    writeFiles(root, { 'main-only.py': 'm = 1\n' });
    commitAll(root, 'Advance main');
    git(root, 'checkout', '--quiet', 'feature');
    git(root, 'stash', 'pop', '--quiet');

    const changes = getChangesSinceRef('main', root);

    assert.equal(changes.files.has('main-only.py'), false);
    assert.equal(changes.baseCommit, git(root, 'merge-base', 'main', 'HEAD').trim());
  });

  it('rejects a missing ref with the fetch to run', () => {
    assert.throws(
      () => getChangesSinceRef('origin/develop', root),
      (error: unknown) => {
        assert.ok(error instanceof InputError);
        assert.equal(
          error.message,
          '--diff-base origin/develop: ref not found in this clone. Fetch it first: ' +
            '`git fetch origin develop:refs/remotes/origin/develop`.',
        );
        return true;
      },
    );
  });

  it('rejects a folder outside git', () => {
    const outside = fs.mkdtempSync(path.join(path.dirname(root), 'soc2lint-no-git-'));
    folders.push(outside);

    assert.throws(() => getChangesSinceRef('main', outside), /is not in a git repository/);
  });
});

describe('getChangesSinceRef in a shallow clone', () => {
  let clone = '';

  before(() => {
    const origin = createTestRepo();
    writeFiles(origin, { 'app.py': 'a = 1\n' });
    commitAll(origin, 'Initial');
    git(origin, 'checkout', '--quiet', '-b', 'feature');
    writeFiles(origin, { 'feature.py': 'f = 1\n' });
    commitAll(origin, 'Feature');
    git(origin, 'checkout', '--quiet', 'main');
    writeFiles(origin, { 'main.py': 'm = 1\n' });
    commitAll(origin, 'Main');

    clone = `${origin}-clone`;
    folders.push(clone);
    git(path.dirname(origin), 'clone', '--quiet', '--depth=1', `file://${origin}`, clone);
  });

  it('names the missing ref in a shallow clone', () => {
    assert.throws(
      () => getChangesSinceRef('HEAD~1', clone),
      /^InputError: --diff-base HEAD~1: ref not found in this shallow clone\. Fetch it first: /,
    );
  });

  it('asks for an unshallow fetch without a merge base', () => {
    git(clone, 'fetch', '--quiet', '--depth=1', 'origin', 'feature:refs/remotes/origin/feature');

    assert.throws(
      () => getChangesSinceRef('origin/feature', clone),
      (error: unknown) => {
        assert.ok(error instanceof InputError);
        assert.match(error.message, /no common ancestor of origin\/feature and HEAD/);
        assert.match(error.message, /git fetch --unshallow/);
        return true;
      },
    );
  });
});

describe('getStagedChanges', () => {
  it('reads staged lines and partly staged files', () => {
    const root = createTestRepo();
    writeFiles(root, { 'app.py': 'a = 1\nb = 2\n', 'other.py': 'o = 1\n' });
    commitAll(root, 'Initial');
    writeFiles(root, { 'app.py': 'a = 1\nb = 2\nc = 3\n', 'other.py': 'o = 2\n' });
    git(root, 'add', 'app.py');
    writeFiles(root, { 'app.py': 'a = 1\nb = 2\nc = 3\nd = 4\n' });

    const changes = getStagedChanges(root);

    assert.deepEqual([...changes.files.keys()], ['app.py']);
    assert.deepEqual([...changes.files.get('app.py')!], [3]);
    assert.deepEqual(changes.partlyStaged, ['app.py']);
    assert.equal(changes.baseCommit, git(root, 'rev-parse', 'HEAD').trim());
  });

  it('works before the first commit', () => {
    const root = createTestRepo();
    writeFiles(root, { 'app.py': 'a = 1\nb = 2\n' });
    git(root, 'add', 'app.py');

    const changes = getStagedChanges(root);

    assert.deepEqual([...changes.files.get('app.py')!], [1, 2]);
    assert.equal(changes.baseCommit, '');
  });
});
