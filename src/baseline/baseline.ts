import fs from 'node:fs';
import { Ajv } from 'ajv';
import { ConfigError } from '../config/errors.js';
import type { BaselineComparison, BaselineEntry, Finding } from '../engine/types.js';
import { isSuppressionProblem } from '../suppressions/suppression-rule.js';

/** File `soc2lint baseline` writes when `--output` is not given. */
export const DEFAULT_BASELINE_FILE = '.soc2lint-baseline.json';

/** A baseline file: the fingerprints of the findings accepted when it was written. */
export interface BaselineFile {
  version: 1;
  tool: 'soc2lint';
  /** Sorted by path, rule id and fingerprint, so a rewritten baseline diffs cleanly. */
  findings: BaselineEntry[];
}

const BASELINE_SCHEMA = {
  type: 'object',
  required: ['version', 'findings'],
  properties: {
    version: { const: 1 },
    findings: {
      type: 'array',
      items: {
        type: 'object',
        required: ['fingerprint'],
        properties: {
          fingerprint: { type: 'string', minLength: 1 },
          ruleId: { type: 'string' },
          path: { type: 'string' },
          message: { type: 'string' },
        },
      },
    },
  },
} as const;

let validator: ReturnType<Ajv['compile']> | null = null;

/**
 * Builds a baseline of the findings that would fail a scan today. Suppressed findings are left
 * out because their suppression already accepts them, and suppression problems because a
 * baseline must not hide a suppression without a reason.
 */
export function createBaseline(findings: readonly Finding[]): BaselineFile {
  const entries = findings
    .filter((finding) => !finding.suppression && !isSuppressionProblem(finding))
    .map(({ fingerprint, ruleId, path, message }) => ({ fingerprint, ruleId, path, message }))
    .sort(
      (left, right) =>
        compareStrings(left.path, right.path) ||
        compareStrings(left.ruleId, right.ruleId) ||
        compareStrings(left.fingerprint, right.fingerprint),
    );
  return { version: 1, tool: 'soc2lint', findings: entries };
}

/** Serializes a baseline as indented JSON with a final newline. */
export function formatBaseline(baseline: BaselineFile): string {
  return `${JSON.stringify(baseline, null, 2)}\n`;
}

/** Reads a baseline file; throws `ConfigError` naming the file and the fix when it is invalid. */
export function readBaseline(file: string): BaselineEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const isMissing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    const fix = isMissing ? 'Create it with `soc2lint baseline`.' : 'Check its permissions.';
    throw new ConfigError(`--baseline ${file}: ${isMissing ? 'not found' : 'unreadable'}. ${fix}`, {
      cause: error,
    });
  }

  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`--baseline ${file}: invalid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  validator ??= new Ajv({ allErrors: false, strict: false }).compile(BASELINE_SCHEMA);
  if (!validator(data)) {
    const error = validator.errors?.[0];
    const where = error?.instancePath || '(top level)';
    throw new ConfigError(
      `--baseline ${file}: ${where} ${error?.message ?? 'is invalid'}. ` +
        'Write the file again with `soc2lint baseline`.',
    );
  }
  return (data as BaselineFile).findings.map((entry) => ({
    fingerprint: entry.fingerprint,
    ruleId: entry.ruleId ?? '',
    path: entry.path ?? '',
    message: entry.message ?? '',
  }));
}

/**
 * Splits findings into those the baseline already records and the rest. Suppressed findings and
 * suppression problems always stay in the report. Returns the findings to report and the
 * comparison: how many matched and which baseline entries no finding matches any more.
 */
export function compareWithBaseline(
  findings: readonly Finding[],
  entries: readonly BaselineEntry[],
  file: string,
): { findings: Finding[]; comparison: BaselineComparison } {
  const remaining = new Map<string, BaselineEntry[]>();
  for (const entry of entries) {
    const list = remaining.get(entry.fingerprint);
    if (list) {
      list.push(entry);
    } else {
      remaining.set(entry.fingerprint, [entry]);
    }
  }

  const reported: Finding[] = [];
  let matched = 0;
  for (const finding of findings) {
    const list = isSuppressionProblem(finding) ? undefined : remaining.get(finding.fingerprint);
    if (!list || list.length === 0) {
      reported.push(finding);
      continue;
    }
    list.pop();
    // A finding suppressed since the baseline was written still accounts for its entry, so that
    // it is not counted as fixed, but it stays in the report with its suppression.
    if (finding.suppression) {
      reported.push(finding);
    } else {
      matched++;
    }
  }

  const absent = [...remaining.values()].flat();
  return { findings: reported, comparison: { file, matched, absent } };
}

// Code-unit order, so the file is the same on every machine and locale.
function compareStrings(left: string, right: string): number {
  if (left < right) {
    return -1;
  }
  return left > right ? 1 : 0;
}
