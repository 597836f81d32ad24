import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import createDebug from 'debug';
import { InputError } from '../config/errors.js';

const log = createDebug('soc2lint:diff:git-changes');

/** Changed lines of a diff-aware scan, by path relative to the repository's top level. */
export interface GitChanges {
  mode: 'diff-base' | 'staged';
  /** The ref given with `--diff-base`, or `INDEX` for `--staged`. */
  ref: string;
  /** Commit compared against; empty for staged changes on a branch with no commit yet. */
  baseCommit: string;
  /** Real path of the repository's top level. */
  topLevel: string;
  /** Added or modified lines per file; null when the whole file is new (untracked). */
  files: Map<string, Set<number> | null>;
  /** Staged files that also have unstaged changes, whose working-tree lines may differ. */
  partlyStaged: string[];
}

/** A large diff of a big repository still fits; the default of 1 MB does not. */
const MAX_GIT_OUTPUT = 512 * 1024 * 1024;

/** `git diff` with no context lines, unquoted UTF-8 paths, no colour and no external diff tool. */
const DIFF_COMMAND = [
  '-c',
  'core.quotePath=false',
  'diff',
  '-U0',
  '--no-color',
  '--no-ext-diff',
  '--no-textconv',
  '--src-prefix=a/',
  '--dst-prefix=b/',
];

/**
 * Finds the lines changed since `ref`: the working tree (staged or not) against the merge base of
 * `ref` and HEAD, plus untracked files as wholly new. Throws `InputError` naming what to fetch when
 * the ref or the merge base is missing, as in a shallow CI clone, so a scan never passes silently.
 */
export function getChangesSinceRef(ref: string, cwd: string): GitChanges {
  const topLevel = findTopLevel(cwd, `--diff-base ${ref}`);
  const shallow = runGit(['rev-parse', '--is-shallow-repository'], topLevel);
  const isShallow = shallow.stdout.trim() === 'true';

  const resolved = runGit(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], topLevel);
  if (resolved.status !== 0) {
    const clone = isShallow ? 'this shallow clone' : 'this clone';
    throw new InputError(
      `--diff-base ${ref}: ref not found in ${clone}. Fetch it first: ${getFetchHint(ref)}.`,
    );
  }
  const refCommit = resolved.stdout.trim();
  const baseCommit = findMergeBase(ref, refCommit, topLevel, isShallow);
  log('diff base of %s is %s', ref, baseCommit);

  const diff = runGit([...DIFF_COMMAND, baseCommit, '--'], topLevel);
  checkGitStatus(diff, `--diff-base ${ref}`, 'git diff');
  const files: Map<string, Set<number> | null> = parseUnifiedDiff(diff.stdout);

  const untracked = runGit(['ls-files', '--others', '--exclude-standard', '-z'], topLevel);
  checkGitStatus(untracked, `--diff-base ${ref}`, 'git ls-files');
  for (const file of untracked.stdout.split('\0').filter(Boolean)) {
    files.set(file, null);
  }
  return { mode: 'diff-base', ref, baseCommit, topLevel, files, partlyStaged: [] };
}

/** Finds the lines staged for the next commit, for a pre-commit scan. */
export function getStagedChanges(cwd: string): GitChanges {
  const topLevel = findTopLevel(cwd, '--staged');
  const head = runGit(['rev-parse', '--verify', '--quiet', 'HEAD'], topLevel);
  const baseCommit = head.status === 0 ? head.stdout.trim() : '';

  const diff = runGit([...DIFF_COMMAND, '--cached', '--'], topLevel);
  checkGitStatus(diff, '--staged', 'git diff --cached');
  const files: Map<string, Set<number> | null> = parseUnifiedDiff(diff.stdout);

  const unstaged = runGit(['diff', '--name-only', '-z', '--no-ext-diff', '--'], topLevel);
  checkGitStatus(unstaged, '--staged', 'git diff --name-only');
  const partlyStaged = unstaged.stdout.split('\0').filter((file) => files.has(file));
  return { mode: 'staged', ref: 'INDEX', baseCommit, topLevel, files, partlyStaged };
}

/**
 * Reads the added lines of each file from `git diff -U0` output: for each hunk header
 * `@@ -a,b +c,d @@`, lines c to c+d-1 of the new file. Deleted files and binary files add none.
 */
export function parseUnifiedDiff(text: string): Map<string, Set<number>> {
  const files = new Map<string, Set<number>>();
  let current: Set<number> | null = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('+++ ')) {
      const name = line.slice(4).replace(/\t$/, '');
      if (name === '/dev/null') {
        current = null;
        continue;
      }
      const unquoted = name.startsWith('"') ? unquoteCString(name) : name;
      const relative = unquoted.replace(/^b\//, '');
      current = files.get(relative) ?? new Set<number>();
      files.set(relative, current);
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (hunk && current) {
      const start = Number(hunk[1]);
      const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
      for (let lineNumber = start; lineNumber < start + count; lineNumber++) {
        current.add(lineNumber);
      }
    }
  }
  return files;
}

/**
 * Maps changed files to paths relative to the scanned root; files outside the root are dropped.
 * `root` may be a symbolic link; git reports real paths.
 */
export function toRootRelative(
  changes: GitChanges,
  root: string,
): Map<string, Set<number> | null> {
  const realRoot = fs.realpathSync(root);
  const mapped = new Map<string, Set<number> | null>();
  for (const [file, lines] of changes.files) {
    const relative = path.relative(realRoot, path.join(changes.topLevel, file));
    if (relative.startsWith('..') || path.isAbsolute(relative)) {
      continue;
    }
    mapped.set(relative.split(path.sep).join('/'), lines);
  }
  return mapped;
}

/** True when any line of a finding was added or changed, or it lies in a wholly new file. */
export function isOnChangedLine(
  changed: Map<string, Set<number> | null>,
  finding: { path: string; range: { startLine: number; endLine: number } },
): boolean {
  if (!changed.has(finding.path)) {
    return false;
  }
  const lines = changed.get(finding.path);
  if (lines === null || lines === undefined) {
    return true;
  }
  for (let line = finding.range.startLine; line <= finding.range.endLine; line++) {
    if (lines.has(line)) {
      return true;
    }
  }
  return false;
}

function findTopLevel(cwd: string, flag: string): string {
  const result = runGit(['rev-parse', '--show-toplevel'], cwd);
  if (result.status !== 0) {
    throw new InputError(
      `${flag}: ${cwd} is not in a git repository. Scan a git clone, or leave out ${flag}.`,
    );
  }
  return result.stdout.trim();
}

/**
 * Finds the merge base of `ref` and HEAD. Returns `ref` itself when HEAD does not exist yet or
 * the two share no history.
 */
function findMergeBase(
  ref: string,
  refCommit: string,
  topLevel: string,
  isShallow: boolean,
): string {
  const head = runGit(['rev-parse', '--verify', '--quiet', 'HEAD'], topLevel);
  if (head.status !== 0) {
    return refCommit;
  }
  const mergeBase = runGit(['merge-base', refCommit, 'HEAD'], topLevel);
  if (mergeBase.status === 0) {
    return mergeBase.stdout.trim();
  }
  if (isShallow) {
    throw new InputError(
      `--diff-base ${ref}: no common ancestor of ${ref} and HEAD in this shallow clone. ` +
        'Run `git fetch --unshallow`, or set fetch-depth: 0 in actions/checkout.',
    );
  }
  log('%s and HEAD share no history; comparing with %s itself', ref, ref);
  return refCommit;
}

/** Suggests the fetch that brings `ref` into the clone. */
function getFetchHint(ref: string): string {
  const remoteBranch = /^(?:refs\/remotes\/)?([\w.-]+)\/(.+)$/.exec(ref);
  if (remoteBranch) {
    const [, remote, branch] = remoteBranch;
    return `\`git fetch ${remote} ${branch}:refs/remotes/${remote}/${branch}\``;
  }
  if (/^[0-9a-f]{7,64}$/i.test(ref)) {
    return `\`git fetch origin ${ref}\` (or \`git fetch --unshallow\`)`;
  }
  const fetch = `git fetch origin ${ref}:refs/remotes/origin/${ref}`;
  return `\`${fetch}\` and pass --diff-base origin/${ref}`;
}

function runGit(args: string[], cwd: string): GitOutput {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: MAX_GIT_OUTPUT });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'git not found on PATH' : result.error.message;
    throw new InputError(`git ${args[0]}: ${reason}. Install git to use --diff-base or --staged.`, {
      cause: result.error,
    });
  }
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface GitOutput {
  status: number | null;
  stdout: string;
  stderr: string;
}

function checkGitStatus(
  result: GitOutput,
  flag: string,
  command: string,
): void {
  if (result.status !== 0) {
    const detail = result.stderr.trim().split('\n')[0] ?? '';
    throw new InputError(`${flag}: ${command} failed: ${detail}`);
  }
}

/** Decodes a path git wrote as a C string: `"a\tb"`, with octal escapes for UTF-8 bytes. */
function unquoteCString(quoted: string): string {
  const body = quoted.slice(1, quoted.endsWith('"') ? -1 : undefined);
  const bytes: number[] = [];
  const escapes: Record<string, number> = {
    n: 10,
    t: 9,
    r: 13,
    '"': 34,
    '\\': 92,
    a: 7,
    b: 8,
    f: 12,
    v: 11,
  };
  for (let index = 0; index < body.length; index++) {
    const char = body[index]!;
    if (char !== '\\') {
      bytes.push(...Buffer.from(char, 'utf8'));
      continue;
    }
    const next = body[index + 1] ?? '';
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.slice(index + 1, index + 4), 8));
      index += 3;
    } else {
      bytes.push(escapes[next] ?? next.charCodeAt(0));
      index += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
