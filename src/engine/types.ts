import type { Range } from '../model/types.js';
import type { AicpaReference, Severity } from '../rules/types.js';

/** One reported problem, as every formatter receives it. */
export interface Finding {
  ruleId: string;
  ruleName: string;
  criterion: string;
  severity: Severity;
  cwe: string[];
  messageId: string;
  /** The filled-in message; any secret in it is already masked. */
  message: string;
  /** Path relative to the scanned root, with forward slashes. */
  path: string;
  range: Range;
  /** Source lines of the finding (at most three), with secrets masked. */
  snippet: string;
  /** Stable across line shifts: hash of rule, path, enclosing function and normalized code. */
  fingerprint: string;
  remediation: string;
  /** Enclosing function or handler, when known. */
  functionName: string | null;
  aicpa: AicpaReference[];
  /** Present when an inline comment or the exceptions file accepts this finding. */
  suppression?: Suppression;
  /** Present when a suppression matched this finding but its expiry date has passed. */
  expiredSuppression?: Suppression;
}

/** Why a finding is accepted, and where that is written. */
export interface Suppression {
  /** A comment on or above the line, a comment at the top of the file, or an exceptions entry. */
  kind: 'inline' | 'file' | 'exception';
  reason: string;
  ticket: string | null;
  approver: string | null;
  /** Last day (UTC, `YYYY-MM-DD`) the suppression applies, or null when it does not expire. */
  expires: string | null;
  /** File and 1-based line where the suppression is written. */
  location: { path: string; line: number };
}

/** A file the scan did not analyze, or analyzed only in part, and why. */
export interface ScanNote {
  path: string;
  kind: 'skipped' | 'unreadable' | 'syntax-error' | 'error';
  reason: string;
}

export interface ScanResult {
  /** Absolute path of the scanned root. */
  root: string;
  /** Checks the user asked for that could not run; any entry makes the exit code 2. */
  failures: string[];
  findings: Finding[];
  notes: ScanNote[];
  /** Set by `scan --baseline`: what the baseline matched and which of its entries are gone. */
  baseline?: BaselineComparison;
  /** Set by `scan --diff-base` and `scan --staged`: which changes the report is limited to. */
  diff?: DiffScope;
  stats: {
    files: number;
    lines: number;
    bytes: number;
    durationMs: number;
  };
}

/** One finding as a baseline file records it. */
export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  path: string;
  message: string;
}

/** The outcome of comparing a scan with a baseline file. */
export interface BaselineComparison {
  /** The baseline file as given on the command line. */
  file: string;
  /** Findings the baseline already recorded; they are left out of the report. */
  matched: number;
  /** Baseline entries no current finding matches: fixed, or moved out of the scanned paths. */
  absent: BaselineEntry[];
}

/** The changes a diff-aware scan reports on. */
export interface DiffScope {
  mode: 'diff-base' | 'staged';
  /** The ref given with `--diff-base`, or `INDEX` for `--staged`. */
  ref: string;
  /** The commit the working tree or index was compared with. */
  baseCommit: string;
  changedFiles: number;
  /** Findings left out because they are not on a changed line. */
  outside: number;
}
