import { splitWords, type NameTables } from '../../config/names.js';
import type { FileModel, Range } from '../../model/types.js';

/** One place in a file that runs or defines an anomaly or risk check. */
export interface CheckEvidence {
  functionId: number;
  /** The matched text, as a message quotes it: `anomaly_detector.record_login`, `user.last_login_ip`. */
  evidence: string;
  range: Range;
  /** `call` and `guard` run a check; `definition` only defines one (`class AnomalyDetector`). */
  source: 'call' | 'guard' | 'binding' | 'definition' | 'volume';
}

/**
 * A comparison of an export's size with a threshold or baseline:
 * `if count > EXPORT_ALERT_THRESHOLD`, `len(rows) >= baseline * 3`, `total > max_rows`.
 */
const SIZE_WORDS = /\b(?:\w*count\w*|len|length|size|\w*total\w*|rows|num_\w+|\w+_num)\b/i;
const THRESHOLD_WORDS = /(?:threshold|baseline|average|avg|mean|stddev|std_dev|typical|quota|max|limit)/i;
const COMPARISON = /[<>]=?/;

const wordTables = new WeakMap<NameTables, string[][]>();

function getCheckWords(names: NameTables): string[][] {
  let entries = wordTables.get(names);
  if (!entries) {
    entries = names.anomalyChecks.map((entry) => splitWords(entry)).filter((words) => words.length > 0);
    wordTables.set(names, entries);
  }
  return entries;
}

/** Returns the configured check a name or text contains, as consecutive words, or null. */
export function findCheckWords(text: string, names: NameTables): string | null {
  const words = splitWords(text);
  for (const entry of getCheckWords(names)) {
    for (let start = 0; start + entry.length <= words.length; start++) {
      const matches = entry.every((expected, offset) => {
        const word = words[start + offset]!;
        return word === expected || (offset === entry.length - 1 && word === `${expected}s`);
      });
      if (matches) {
        return entry.join('_');
      }
    }
  }
  return null;
}

/**
 * Finds every anomaly or risk check in `file`: calls whose callee path names one
 * (`detect_anomaly(...)`, `riskService.assess_risk(...)`, `geoip.lookup(...)`), `if` conditions
 * and variables that compare with login history (`user.last_login_ip != ip`,
 * `is_new_device = ...`), functions and classes that implement one (`class AnomalyDetector`), and
 * size-versus-threshold comparisons.
 */
export function findCheckEvidence(file: FileModel, names: NameTables): CheckEvidence[] {
  const found: CheckEvidence[] = [];
  for (const fact of file.calls) {
    const path = fact.call.calleePath;
    if (path !== null && findCheckWords(path, names) !== null) {
      found.push({ functionId: fact.functionId, evidence: path, range: fact.range, source: 'call' });
    }
  }

  const guarded = [...file.calls, ...file.responses];
  for (const fact of guarded) {
    for (const guard of fact.guards) {
      if (findCheckWords(guard, names) !== null) {
        found.push({ functionId: fact.functionId, evidence: shorten(guard), range: fact.range, source: 'guard' });
      } else if (isVolumeComparison(guard)) {
        found.push({ functionId: fact.functionId, evidence: shorten(guard), range: fact.range, source: 'volume' });
      }
    }
  }

  for (const binding of file.bindings) {
    if (findCheckWords(binding.name, names) !== null) {
      found.push({ functionId: binding.functionId, evidence: binding.name, range: binding.range, source: 'binding' });
    }
  }
  for (const fn of file.functions) {
    const name = fn.className && findCheckWords(fn.className, names) ? fn.className : fn.name;
    if (name !== null && findCheckWords(name, names) !== null) {
      found.push({ functionId: fn.id, evidence: name, range: fn.nameRange, source: 'definition' });
    }
  }
  return found;
}

/** True for `count > THRESHOLD`-like conditions: a size on one side of a comparison, a limit on the other. */
export function isVolumeComparison(condition: string): boolean {
  const match = COMPARISON.exec(condition);
  if (match === null) {
    return false;
  }
  const left = condition.slice(0, match.index);
  const right = condition.slice(match.index + match[0].length);
  return (
    (SIZE_WORDS.test(left) && THRESHOLD_WORDS.test(right)) || (THRESHOLD_WORDS.test(left) && SIZE_WORDS.test(right))
  );
}

function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > 50 ? `${line.slice(0, 49)}…` : line;
}
