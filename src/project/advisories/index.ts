import type { Severity } from '../../rules/types.js';
import type { InputProblem } from '../input-problem.js';
import type { LockedPackage } from '../lockfiles/types.js';
import type { ProjectModel } from '../types.js';
import { type AdvisoryIndex, getPackageKey, loadAdvisoryDatabase } from './database.js';
import { getOsvUrl, lookUpOsv } from './osv-client.js';
import type { OsvRecord } from './osv-record.js';
import { getRecordSeverity } from './severity.js';
import {
  compareVersions,
  getFixedVersion,
  isVersionAffected,
  normalizePackageName,
} from './version-match.js';

export { addRecord, loadAdvisoryDatabase, type AdvisoryIndex } from './database.js';
export { getCvss3BaseScore } from './severity.js';
export type { OsvRecord } from './osv-record.js';

const SEVERITY_ORDER: Severity[] = ['low', 'medium', 'high', 'critical'];

/** One advisory, merged from the records that alias each other (a GHSA id and its PYSEC twin). */
export interface Advisory {
  ids: string[];
  /** CVE ids among the aliases. */
  cves: string[];
  severity: Severity | null;
}

/** A locked package version with known advisories. */
export interface VulnerablePackage {
  locked: LockedPackage;
  advisories: Advisory[];
  /** Highest advisory severity; null when no advisory rates itself. */
  severity: Severity | null;
  /** Lowest version that fixes every advisory; null when some advisory has no fix. */
  fixedVersion: string | null;
}

/**
 * Finds locked versions with known advisories, from the advisory database at
 * `project.advisoryDb` and, when `project.online` is true, from the OSV API. Neither source:
 * returns no findings and no problems. `failures` lists requested sources that could not be used
 * (an unreadable or empty database, a failed lookup), so the scan can fail.
 */
export async function findVulnerablePackages(
  project: ProjectModel,
  packages: LockedPackage[],
): Promise<{ vulnerable: VulnerablePackage[]; problems: InputProblem[]; failures: string[] }> {
  const problems: InputProblem[] = [];
  const failures: string[] = [];
  const recordsByPackage: OsvRecord[][] = packages.map(() => []);

  if (project.advisoryDb) {
    const database = loadAdvisoryDatabase(project.advisoryDb);
    problems.push(...database.problems);
    if (database.failure !== null) {
      failures.push(database.failure);
    }
    for (const [index, locked] of packages.entries()) {
      recordsByPackage[index].push(...findOfflineRecords(database.index, locked));
    }
  }

  if (project.online && packages.length > 0) {
    const unique = new Map<string, number[]>();
    for (const [index, locked] of packages.entries()) {
      const key = `${getPackageKey(locked.ecosystem, locked.name)}@${locked.version}`;
      unique.set(key, [...(unique.get(key) ?? []), index]);
    }
    const groups = [...unique.values()];
    const lookup = await lookUpOsv(groups.map((indexes) => packages[indexes[0]]));
    if (lookup.error) {
      problems.push({
        path: getOsvUrl(),
        kind: 'error',
        reason: `Online advisory lookup failed: ${lookup.error}.`,
      });
      failures.push(
        `Online advisory lookup at ${getOsvUrl()} failed: ${lookup.error}. ` +
          'Check the network connection and SOC2LINT_OSV_URL, or scan without --online.',
      );
    }
    for (const [position, indexes] of groups.entries()) {
      for (const index of indexes) {
        recordsByPackage[index].push(...(lookup.records[position] ?? []));
      }
    }
  }

  const vulnerable: VulnerablePackage[] = [];
  for (const [index, locked] of packages.entries()) {
    const records = recordsByPackage[index];
    if (records.length > 0) {
      vulnerable.push(describeVulnerability(locked, records));
    }
  }
  return { vulnerable, problems, failures };
}

function findOfflineRecords(index: AdvisoryIndex, locked: LockedPackage): OsvRecord[] {
  const name = normalizePackageName(locked.ecosystem, locked.name);
  return (index.get(getPackageKey(locked.ecosystem, locked.name)) ?? []).filter((record) =>
    getMatchingEntries(record, locked, name).some((affected) =>
      isVersionAffected(affected, locked.ecosystem, locked.version),
    ),
  );
}

function getMatchingEntries(record: OsvRecord, locked: LockedPackage, normalizedName: string) {
  return (record.affected ?? []).filter(
    (affected) =>
      affected.package?.ecosystem === locked.ecosystem &&
      typeof affected.package.name === 'string' &&
      normalizePackageName(locked.ecosystem, affected.package.name) === normalizedName,
  );
}

function describeVulnerability(locked: LockedPackage, records: OsvRecord[]): VulnerablePackage {
  const name = normalizePackageName(locked.ecosystem, locked.name);
  const advisories = mergeAliases(records);
  let fixedVersion: string | null = null;
  let hasUnfixed = false;

  for (const record of records) {
    // An OSV API response may list a record whose ranges this matcher does not follow. Then every
    // entry for the package is used to find the fix.
    const entries = getMatchingEntries(record, locked, name);
    const affectedEntries = entries.filter((affected) =>
      isVersionAffected(affected, locked.ecosystem, locked.version),
    );
    const fixes = (affectedEntries.length > 0 ? affectedEntries : entries)
      .map((affected) => getFixedVersion(affected, locked.ecosystem, locked.version))
      .filter((fix): fix is string => fix !== null)
      .sort((a, b) => compareVersions(locked.ecosystem, a, b));
    if (fixes.length === 0) {
      hasUnfixed = true;
    } else if (
      fixedVersion === null ||
      compareVersions(locked.ecosystem, fixes[0], fixedVersion) > 0
    ) {
      fixedVersion = fixes[0];
    }
  }

  const severity =
    advisories
      .map((advisory) => advisory.severity)
      .filter((rating): rating is Severity => rating !== null)
      .sort((a, b) => SEVERITY_ORDER.indexOf(b) - SEVERITY_ORDER.indexOf(a))[0] ?? null;
  return { locked, advisories, severity, fixedVersion: hasUnfixed ? null : fixedVersion };
}

// Records describe one advisory when their ids or aliases overlap; they merge into one group.
function mergeAliases(records: OsvRecord[]): Advisory[] {
  const groups: Array<{ names: Set<string>; records: OsvRecord[] }> = [];
  for (const record of records) {
    const names = new Set([record.id, ...(record.aliases ?? [])]);
    const overlapping = groups.filter((group) => [...names].some((name) => group.names.has(name)));
    const merged = { names, records: [record] };
    for (const group of overlapping) {
      group.names.forEach((name) => merged.names.add(name));
      merged.records.push(...group.records);
      groups.splice(groups.indexOf(group), 1);
    }
    groups.push(merged);
  }

  return groups
    .map((group) => {
      const ids = [...new Set(group.records.map((record) => record.id))].sort(compareAdvisoryIds);
      const cves = [...group.names].filter((name) => name.startsWith('CVE-')).sort();
      const severity =
        group.records
          .map(getRecordSeverity)
          .filter((rating): rating is Severity => rating !== null)
          .sort((a, b) => SEVERITY_ORDER.indexOf(b) - SEVERITY_ORDER.indexOf(a))[0] ?? null;
      return { ids, cves, severity };
    })
    .sort((a, b) => compareAdvisoryIds(a.ids[0], b.ids[0]));
}

// GitHub advisory ids first, since most tools and upgrade guides cite them.
function compareAdvisoryIds(a: string, b: string): number {
  const rank = (id: string): number => (id.startsWith('GHSA-') ? 0 : 1);
  return rank(a) - rank(b) || a.localeCompare(b);
}
