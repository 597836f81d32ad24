import type { Severity } from '../../rules/types.js';
import type { OsvRecord } from './osv-record.js';

/** GitHub advisory severities (`database_specific.severity`) mapped to soc2lint severities. */
const DATABASE_SEVERITIES: Record<string, Severity> = {
  CRITICAL: 'critical',
  HIGH: 'high',
  MODERATE: 'medium',
  MEDIUM: 'medium',
  LOW: 'low',
};

/** CVSS 3.x base metric weights, from the FIRST CVSS v3.1 specification, section 7.4. */
const CVSS3_WEIGHTS: Record<string, Record<string, number>> = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  C: { H: 0.56, L: 0.22, N: 0 },
  I: { H: 0.56, L: 0.22, N: 0 },
  A: { H: 0.56, L: 0.22, N: 0 },
};

/**
 * Returns the severity of an OSV record: the database's own rating when present (GitHub
 * advisories carry one), else the rating of a CVSS 3.x base score computed from the vector, else
 * null. CVSS 4.0 and 2.0 vectors are not scored.
 */
export function getRecordSeverity(record: OsvRecord): Severity | null {
  const ratings = [
    record.database_specific?.severity,
    ...(record.affected ?? []).map((entry) => entry.database_specific?.severity),
  ];
  for (const rating of ratings) {
    const severity =
      typeof rating === 'string' ? DATABASE_SEVERITIES[rating.toUpperCase()] : undefined;
    if (severity) {
      return severity;
    }
  }
  for (const entry of record.severity ?? []) {
    if (entry.type === 'CVSS_V3') {
      const score = getCvss3BaseScore(entry.score);
      if (score !== null) {
        return getSeverityOfScore(score);
      }
    }
  }
  return null;
}

/** Computes the CVSS 3.0 or 3.1 base score of a vector (`CVSS:3.1/AV:N/...`); null when invalid. */
export function getCvss3BaseScore(vector: string): number | null {
  const metrics = new Map<string, string>();
  for (const part of vector.split('/').slice(1)) {
    const [name, value] = part.split(':');
    metrics.set(name, value);
  }
  const scopeChanged = metrics.get('S') === 'C';
  const privilegeWeights: Record<string, number> = {
    N: 0.85,
    L: scopeChanged ? 0.68 : 0.62,
    H: scopeChanged ? 0.5 : 0.27,
  };
  const privileges = privilegeWeights[metrics.get('PR') ?? ''];
  const weight = (name: string): number | undefined => CVSS3_WEIGHTS[name][metrics.get(name) ?? ''];
  const weights = ['AV', 'AC', 'UI', 'C', 'I', 'A'].map(weight);
  const isValid =
    /^CVSS:3\.[01]\//.test(vector) &&
    privileges !== undefined &&
    ['U', 'C'].includes(metrics.get('S') ?? '') &&
    weights.every((value) => value !== undefined);
  if (!isValid) {
    return null;
  }
  const [attackVector, complexity, interaction, confidentiality, integrity, availability] =
    weights as number[];

  const impactSubScore = 1 - (1 - confidentiality) * (1 - integrity) * (1 - availability);
  const impact = scopeChanged
    ? 7.52 * (impactSubScore - 0.029) - 3.25 * (impactSubScore - 0.02) ** 15
    : 6.42 * impactSubScore;
  const exploitability = 8.22 * attackVector * complexity * privileges * interaction;
  if (impact <= 0) {
    return 0;
  }
  const total = scopeChanged ? 1.08 * (impact + exploitability) : impact + exploitability;
  return roundUp(Math.min(total, 10));
}

/** Maps a CVSS score to the qualitative rating of the CVSS v3.1 specification. */
export function getSeverityOfScore(score: number): Severity | null {
  if (score >= 9) {
    return 'critical';
  }
  if (score >= 7) {
    return 'high';
  }
  if (score >= 4) {
    return 'medium';
  }
  return score > 0 ? 'low' : null;
}

// CVSS v3.1 Roundup: the smallest number with one decimal that is at least the input, computed
// on integers to avoid floating-point artefacts.
function roundUp(value: number): number {
  const scaled = Math.round(value * 100000);
  return scaled % 10000 === 0 ? scaled / 100000 : (Math.floor(scaled / 10000) + 1) / 10;
}
