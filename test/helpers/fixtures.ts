import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { scan } from '../../src/engine/scan.js';
import type { Finding } from '../../src/engine/types.js';

/** Folder of the annotated fixture projects, one folder per rule name. */
export const FIXTURES_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../test/fixtures',
);

export type MarkerKind = 'finding' | 'clean' | 'known-miss' | 'known-noise';

/** A marker comment: `# finding: CC7.1.2` above the line it is about. */
export interface Marker {
  kind: MarkerKind;
  ruleId: string;
  /** The line the marker is about: the next line that is not itself a marker. */
  line: number;
  reason: string;
}

const MARKER = /^\s*(?:#|\/\/|\/\*|\{\/\*)\s*(finding|clean|known-miss|known-noise):\s*(CC\d+(?:\.\d+)+)\b\s*(.*?)\s*(?:\*\/\}?)?$/;

/** Reads the markers of one fixture file. */
export function readMarkers(text: string): Marker[] {
  const lines = text.split('\n');
  const markers: Marker[] = [];
  let pending: Omit<Marker, 'line'>[] = [];
  lines.forEach((line, index) => {
    const match = MARKER.exec(line);
    if (match) {
      pending.push({ kind: match[1] as MarkerKind, ruleId: match[2]!, reason: match[3] ?? '' });
      return;
    }
    for (const marker of pending) {
      markers.push({ ...marker, line: index + 1 });
    }
    pending = [];
  });
  return markers;
}

/** Lists fixture files below `dir` that carry markers, with paths relative to `dir`. */
export function listFixtureFiles(dir: string): string[] {
  const found: string[] = [];
  const stack = [''];
  while (stack.length > 0) {
    const relative = stack.pop()!;
    for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        stack.push(child);
      } else if (readMarkers(fs.readFileSync(path.join(dir, child), 'utf8')).length > 0) {
        found.push(child);
      }
    }
  }
  return found.sort();
}

/** Scans one fixture folder with one rule, on this thread, and returns the findings. */
export async function scanFixture(
  dir: string,
  ruleId: string,
  options: { usePrefilters?: boolean } = {},
): Promise<Finding[]> {
  const { result } = await scan({ paths: [dir], rules: [ruleId], jobs: 1, ...options });
  return result.findings;
}

/**
 * Compares findings with the markers of a fixture folder and returns one line per mismatch:
 * a `finding` or `known-noise` line without a finding, a `clean` or `known-miss` line with one,
 * and findings on lines that carry no marker.
 */
export function compareWithMarkers(dir: string, ruleId: string, findings: Finding[]): string[] {
  const problems: string[] = [];
  const files = listFixtureFiles(dir);
  const reported = new Set(
    findings.filter((finding) => finding.ruleId === ruleId).map((f) => `${f.path}:${f.range.startLine}`),
  );
  const expected = new Set<string>();

  for (const file of files) {
    const markers = readMarkers(fs.readFileSync(path.join(dir, file), 'utf8'));
    for (const marker of markers.filter((candidate) => candidate.ruleId === ruleId)) {
      const key = `${file}:${marker.line}`;
      const isReported = reported.has(key);
      if (marker.kind === 'finding' || marker.kind === 'known-noise') {
        expected.add(key);
      }
      if (marker.kind === 'finding' && !isReported) {
        problems.push(`${key}: expected a ${ruleId} finding, got none`);
      } else if (marker.kind === 'clean' && isReported) {
        problems.push(`${key}: expected no ${ruleId} finding, got one`);
      } else if (marker.kind === 'known-miss' && isReported) {
        problems.push(`${key}: the known miss is now found; change the marker to finding`);
      } else if (marker.kind === 'known-noise' && !isReported) {
        problems.push(`${key}: the known noise is gone; change the marker to clean`);
      }
    }
  }
  for (const finding of findings.filter((candidate) => candidate.ruleId === ruleId)) {
    const key = `${finding.path}:${finding.range.startLine}`;
    if (!expected.has(key)) {
      problems.push(`${key}: unexpected ${ruleId} finding: ${finding.message}`);
    }
  }
  return problems;
}
