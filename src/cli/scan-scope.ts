import fs from 'node:fs';
import path from 'node:path';
import { compareWithBaseline, readBaseline } from '../baseline/baseline.js';
import { ConfigError } from '../config/errors.js';
import {
  getChangesSinceRef,
  getStagedChanges,
  isOnChangedLine,
  toRootRelative,
  type GitChanges,
} from '../diff/git-changes.js';
import { resolveScanRoot } from '../engine/scan.js';
import type { BaselineEntry, ScanResult } from '../engine/types.js';

/** The options of `soc2lint scan` that narrow what a report shows. */
export interface ScopeOptions {
  baseline?: string;
  diffBase?: string;
  staged?: boolean;
  omitSuppressed?: boolean;
}

/** Limits of a scan, worked out before it runs: changed lines, staged files, baseline entries. */
export interface ScanScope {
  changes: GitChanges | null;
  /** Changed lines by path relative to the scanned root. */
  changedLines: Map<string, Set<number> | null> | null;
  /** For `--staged`: the only files to analyze, relative to the scanned root. */
  onlyPaths: string[] | undefined;
  /** Entries of the `--baseline` file, read before the scan so that a bad file fails fast. */
  baselineEntries: BaselineEntry[] | null;
}

/**
 * Reads the baseline file and the git changes that `--diff-base` or `--staged` limit the report
 * to. Throws `ConfigError` for an invalid baseline or when both flags are given, and `InputError`
 * when git fails (a missing ref, a shallow clone, no repository).
 */
export function prepareScope(paths: string[], options: ScopeOptions): ScanScope {
  if (options.diffBase !== undefined && options.staged) {
    throw new ConfigError(
      '--diff-base and --staged exclude each other. Use --staged in pre-commit, --diff-base in CI.',
    );
  }
  const baselineEntries = options.baseline === undefined ? null : readBaseline(options.baseline);
  const unchanged = { changes: null, changedLines: null, onlyPaths: undefined, baselineEntries };
  if (options.diffBase === undefined && !options.staged) {
    return unchanged;
  }

  const targets = paths.map((target) => path.resolve(target));
  if (targets.some((target) => !fs.existsSync(target))) {
    // The scan reports the missing path with its usual message.
    return unchanged;
  }
  const root = resolveScanRoot(targets);
  const changes =
    options.diffBase !== undefined
      ? getChangesSinceRef(options.diffBase, root)
      : getStagedChanges(root);
  const changedLines = toRootRelative(changes, root);
  const onlyPaths = options.staged
    ? [...changedLines].flatMap(([file, lines]) => (lines === null || lines.size > 0 ? [file] : []))
    : undefined;
  return { changes, changedLines, onlyPaths, baselineEntries };
}

/**
 * Narrows a scan result for the report: drops findings the baseline records (comparing all of
 * them first, so that the count of fixed entries is right), then findings on unchanged lines,
 * then, with `--omit-suppressed`, suppressed findings.
 */
export function narrowResult(
  result: ScanResult,
  scope: ScanScope,
  options: ScopeOptions,
): ScanResult {
  let findings = result.findings;
  const narrowed: ScanResult = { ...result };

  if (options.baseline !== undefined && scope.baselineEntries) {
    const compared = compareWithBaseline(findings, scope.baselineEntries, options.baseline);
    findings = compared.findings;
    narrowed.baseline = compared.comparison;
  }

  if (scope.changes && scope.changedLines) {
    const changedLines = scope.changedLines;
    const kept = findings.filter((finding) => isOnChangedLine(changedLines, finding));
    narrowed.diff = {
      mode: scope.changes.mode,
      ref: scope.changes.ref,
      baseCommit: scope.changes.baseCommit,
      changedFiles: changedLines.size,
      outside: findings.length - kept.length,
    };
    findings = kept;
  }

  if (options.omitSuppressed) {
    findings = findings.filter((finding) => !finding.suppression);
  }
  narrowed.findings = findings;
  return narrowed;
}

/** Builds the stderr lines that report what the baseline and the diff left out of a text report. */
export function describeScope(result: ScanResult): string[] {
  const lines: string[] = [];
  if (result.baseline) {
    const { file, matched, absent } = result.baseline;
    const gone =
      absent.length === 0
        ? 'no entry is gone'
        : `${plural(absent.length, 'entry', 'entries')} gone (fixed or no longer scanned); ` +
          'run `soc2lint baseline` to drop them';
    const count = plural(matched, 'finding');
    lines.push(`soc2lint: baseline ${file}: ${count} matched and not shown, ${gone}.`);
  }
  if (result.diff) {
    const { mode, ref, baseCommit, changedFiles, outside } = result.diff;
    const against =
      mode === 'staged' ? 'staged changes' : `changes since ${ref} (${baseCommit.slice(0, 12)})`;
    lines.push(
      `soc2lint: reporting ${against} in ${plural(changedFiles, 'file')}; ` +
        `${plural(outside, 'finding')} on unchanged lines not shown.`,
    );
  }
  return lines;
}

function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : pluralNoun}`;
}
