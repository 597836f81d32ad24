import fs from 'node:fs';
import path from 'node:path';
import { createBaseline, DEFAULT_BASELINE_FILE, formatBaseline } from '../baseline/baseline.js';
import { resolveScanRoot, scan } from '../engine/scan.js';
import { isSuppressionProblem } from '../suppressions/suppression-rule.js';
import { EXIT_ERROR } from './exit-codes.js';
import { checkOutputWritable } from './scan-command.js';
import { toScanOptions, type CommonScanFlags } from './scan-options.js';

/** Options of `soc2lint baseline`; the scan options mean the same as for `soc2lint scan`. */
export interface BaselineCommandOptions extends CommonScanFlags {
  output?: string;
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

  const { result } = await scan(toScanOptions(paths, options));
  // A baseline written without the advisories the user asked for would hide their findings later.
  for (const failure of result.failures) {
    process.stderr.write(`error: ${failure}\n`);
  }
  if (result.failures.length > 0) {
    return EXIT_ERROR;
  }
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
