import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { Finding } from '../../src/engine/types.js';
import { RULES } from '../../src/rules/index.js';
import { compareWithMarkers, FIXTURES_DIR, listFixtureFiles, scanFixture } from '../helpers/fixtures.js';

function toKeys(findings: Finding[]): string[] {
  return findings.map((finding) => `${finding.path}:${finding.range.startLine} ${finding.message}`);
}

// Every rule runs over every folder of its fixtures; each marker must hold, and no finding may
// appear on a line without a marker.
for (const rule of RULES) {
  const ruleDir = path.join(FIXTURES_DIR, rule.name);
  if (!fs.existsSync(ruleDir)) {
    continue;
  }
  describe(`${rule.id} ${rule.name} fixtures`, () => {
    for (const stack of fs.readdirSync(ruleDir).sort()) {
      const dir = path.join(ruleDir, stack);
      if (!fs.statSync(dir).isDirectory() || listFixtureFiles(dir).length === 0) {
        continue;
      }
      test(stack, async () => {
        const findings = await scanFixture(dir, rule.id);
        assert.deepEqual(compareWithMarkers(dir, rule.id, findings), []);
      });
      // A prefilter that skips a file this rule reports on loses findings without a trace.
      test(`${stack} without prefilters`, async () => {
        const unfiltered = await scanFixture(dir, rule.id, { usePrefilters: false });
        const filtered = await scanFixture(dir, rule.id);
        assert.deepEqual(toKeys(filtered), toKeys(unfiltered));
      });
    }
  });
}
