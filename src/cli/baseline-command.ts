import fs from 'node:fs';
import path from 'node:path';
import { createBaseline, DEFAULT_BASELINE_FILE, formatBaseline } from '../baseline/baseline.js';
import { resolveScanRoot, scan } from '../engine/scan.js';
import { isSuppressionProblem } from '../suppressions/suppression-rule.js';
import { checkOutputWritable } from './scan-command.js';

/** Options of `soc2lint baseline`; the scan options mean the same as for `soc2lint scan`. */
export interface BaselineCommandOptions {
  output?: string;
  rules?: string[];
  excludeRules?: string[];
  config?: string;
  exceptions?: string;
  maxFileSize?: number;
  jobs?: number;
  advisoryDb?: string;
  online?: boolean;
}

/**
 * Runs `soc2lint baseline`: scans like `soc2lint scan` and writes the fingerprints of the
 * findings that would fail it. Returns the exit code, 0 once the file is written.
 */
export async function runBaseline(
  paths: string[],
  options: BaselineCommandOptions,
): Promise<number> {
  // The default file sits in the scanned root, where `scan --baseline` is usually run from.
  const output = options.output ?? path.join(resolveScanRoot(paths), DEFAULT_BASELINE_FILE);
  checkOutputWritable(output);

  const { result } = await scan({
    paths,
    configFile: options.config ?? null,
    rules: options.rules,
    excludeRules: options.excludeRules,
    maxFileSize: options.maxFileSize,
    jobs: options.jobs,
    advisoryDb: options.advisoryDb ? path.resolve(options.advisoryDb) : undefined,
    online: options.online,
    exceptionsFile: options.exceptions,
  });
  const baseline = createBaseline(result.findings);
  fs.writeFileSync(output, formatBaseline(baseline));

  const count = baseline.findings.length;
  const written = path.resolve(output);
  process.stderr.write(`soc2lint: wrote ${count} finding${count === 1 ? '' : 's'} to ${written}.\n`);
  const problems = result.findings.filter(isSuppressionProblem).length;
  if (problems > 0) {
    process.stderr.write(
      `warning: ${problems} suppression problem${problems === 1 ? '' : 's'} left out of the ` +
        'baseline; they fail every scan until fixed. Run `soc2lint scan` to see them.\n',
    );
  }
  return 0;
}
