import * as pep440 from '@renovatebot/pep440';
import semver from 'semver';
import type { Ecosystem } from '../lockfiles/types.js';
import type { OsvAffected, OsvRange } from './osv-record.js';

type Compare = (a: string, b: string) => number;

/** Normalizes a package name for lookups: PEP 503 for PyPI, unchanged for npm. */
export function normalizePackageName(ecosystem: Ecosystem, name: string): string {
  return ecosystem === 'PyPI' ? name.toLowerCase().replace(/[-_.]+/g, '-') : name;
}

/**
 * True when `version` of a package is affected by one `affected[]` entry of an OSV record: it is
 * listed in `versions`, or it falls in a `SEMVER` or `ECOSYSTEM` range. npm versions are compared
 * as SemVer and PyPI versions by PEP 440. `GIT` ranges name commits and are skipped.
 */
export function isVersionAffected(
  affected: OsvAffected,
  ecosystem: Ecosystem,
  version: string,
): boolean {
  const compareEcosystem = getComparator(ecosystem);
  if (!compareEcosystem) {
    return false;
  }
  if (affected.versions?.some((listed) => isSameVersion(ecosystem, listed, version))) {
    return true;
  }
  return (affected.ranges ?? []).some((range) => {
    if (range.type === 'SEMVER') {
      return isInRange(range, version, compareSemver);
    }
    return range.type === 'ECOSYSTEM' && isInRange(range, version, compareEcosystem);
  });
}

/**
 * Returns the lowest `fixed` version above `version` in the ranges of an affected entry, or null
 * when no range names one (the advisory has no fix yet).
 */
export function getFixedVersion(
  affected: OsvAffected,
  ecosystem: Ecosystem,
  version: string,
): string | null {
  const compare = getComparator(ecosystem);
  if (!compare) {
    return null;
  }
  const candidates: string[] = [];
  for (const range of affected.ranges ?? []) {
    if (range.type !== 'SEMVER' && range.type !== 'ECOSYSTEM') {
      continue;
    }
    for (const event of range.events ?? []) {
      const fixed = event.fixed;
      if (typeof fixed === 'string' && safeCompare(compare, fixed, version) > 0) {
        candidates.push(fixed);
      }
    }
  }
  candidates.sort((a, b) => safeCompare(compare, a, b));
  return candidates[0] ?? null;
}

/** Compares two versions of an ecosystem; versions that do not parse sort as equal. */
export function compareVersions(ecosystem: Ecosystem, a: string, b: string): number {
  const compare = getComparator(ecosystem);
  return compare ? safeCompare(compare, a, b) : 0;
}

// Follows the OSV schema's evaluation: sort the events, then the last event at or below the
// version decides whether it is affected.
function isInRange(range: OsvRange, version: string, compare: Compare): boolean {
  if (!isValid(compare, version)) {
    return false;
  }
  const events = (range.events ?? [])
    .map((event) => {
      const [kind, value] = Object.entries(event)[0] ?? [];
      return { kind, value };
    })
    .filter(
      (event) =>
        typeof event.value === 'string' && (event.value === '0' || isValid(compare, event.value)),
    )
    .sort((a, b) => compareEventVersions(compare, a.value, b.value));

  let isAffected = false;
  for (const { kind, value } of events) {
    if (kind === 'introduced' && (value === '0' || compare(version, value) >= 0)) {
      isAffected = true;
    } else if (kind === 'fixed' && compare(version, value) >= 0) {
      isAffected = false;
    } else if (kind === 'last_affected' && compare(version, value) > 0) {
      isAffected = false;
    }
  }
  return isAffected;
}

// `introduced: "0"` means "from the first version", so it sorts before every other version.
function compareEventVersions(compare: Compare, a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  if (a === '0') {
    return -1;
  }
  if (b === '0') {
    return 1;
  }
  return safeCompare(compare, a, b);
}

function compareSemver(a: string, b: string): number {
  return semver.compare(cleanSemver(a), cleanSemver(b));
}

function getComparator(ecosystem: Ecosystem): Compare | null {
  if (ecosystem === 'npm') {
    return compareSemver;
  }
  if (ecosystem === 'PyPI') {
    return (a, b) => pep440.compare(a, b);
  }
  return null;
}

function cleanSemver(version: string): string {
  return semver.valid(version, { loose: true }) ?? version.replace(/^v/, '');
}

function isValid(compare: Compare, version: string): boolean {
  try {
    compare(version, version);
    return true;
  } catch {
    return false;
  }
}

function safeCompare(compare: Compare, a: string, b: string): number {
  try {
    return compare(a, b);
  } catch {
    return 0;
  }
}

function isSameVersion(ecosystem: Ecosystem, a: string, b: string): boolean {
  if (a === b) {
    return true;
  }
  return (
    ecosystem === 'PyPI' && pep440.valid(a) !== null && pep440.valid(b) !== null && pep440.eq(a, b)
  );
}
