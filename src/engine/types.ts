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
  findings: Finding[];
  notes: ScanNote[];
  stats: {
    files: number;
    lines: number;
    bytes: number;
    durationMs: number;
  };
}
