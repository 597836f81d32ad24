import type { Finding, ScanNote } from '../engine/types.js';

/** Returns the findings in report order: by path, start line, start column, then rule id. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareFindings);
}

/** Returns the notes sorted by path, then kind, then reason. */
export function sortNotes(notes: readonly ScanNote[]): ScanNote[] {
  return [...notes].sort(
    (a, b) =>
      compareStrings(a.path, b.path) ||
      compareStrings(a.kind, b.kind) ||
      compareStrings(a.reason, b.reason),
  );
}

/** Compares rule ids part by part, numbers as numbers, so `CC7.1.2` sorts before `CC7.1.10`. */
export function compareRuleIds(a: string, b: string): number {
  const aParts = a.split('.');
  const bParts = b.split('.');
  for (let i = 0; i < Math.min(aParts.length, bParts.length); i++) {
    const aNumber = Number(aParts[i]);
    const bNumber = Number(bParts[i]);
    const order =
      Number.isInteger(aNumber) && Number.isInteger(bNumber)
        ? aNumber - bNumber
        : compareStrings(aParts[i], bParts[i]);
    if (order !== 0) {
      return order;
    }
  }
  return aParts.length - bParts.length;
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    compareStrings(a.path, b.path) ||
    a.range.startLine - b.range.startLine ||
    a.range.startColumn - b.range.startColumn ||
    compareRuleIds(a.ruleId, b.ruleId) ||
    // Two findings of one rule at one position: keep the order stable across runs.
    compareStrings(a.fingerprint, b.fingerprint)
  );
}

// Code-unit order, not localeCompare, so the order is the same on every machine and locale.
function compareStrings(a: string, b: string): number {
  if (a < b) {
    return -1;
  }
  return a > b ? 1 : 0;
}
