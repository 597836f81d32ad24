/** The parts of an OSV record (https://ossf.github.io/osv-schema/) that soc2lint reads. */
export interface OsvRecord {
  id: string;
  aliases?: string[];
  summary?: string;
  withdrawn?: string;
  severity?: OsvSeverity[];
  affected?: OsvAffected[];
  database_specific?: { severity?: unknown };
}

export interface OsvSeverity {
  /** `CVSS_V2`, `CVSS_V3`, `CVSS_V4` or `Ubuntu`. */
  type: string;
  score: string;
}

export interface OsvAffected {
  package?: { ecosystem?: string; name?: string };
  ranges?: OsvRange[];
  versions?: string[];
  database_specific?: { severity?: unknown };
}

export interface OsvRange {
  /** `SEMVER`, `ECOSYSTEM` or `GIT`. */
  type: string;
  /** Each event has one key: `introduced`, `fixed`, `last_affected` or `limit`. */
  events: Array<Record<string, string>>;
}

/** Narrows parsed JSON to an OSV record: an object with a string `id`. */
export function isOsvRecord(value: unknown): value is OsvRecord {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { id?: unknown }).id === 'string'
  );
}
