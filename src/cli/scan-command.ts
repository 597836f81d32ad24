import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config/errors.js';
import { scan } from '../engine/scan.js';
import type { ScanResult } from '../engine/types.js';
import { formatJson } from '../report/json.js';
import { formatSarif } from '../report/sarif.js';
import { formatText } from '../report/text.js';
import { SEVERITIES, type RuleMeta, type Severity } from '../rules/types.js';
import { isSuppressionProblem, SUPPRESSION_RULE } from '../suppressions/suppression-rule.js';
import { EXIT_ERROR } from './exit-codes.js';
import { toScanOptions, type CommonScanFlags } from './scan-options.js';
import { readRulePage } from './catalogue.js';
import { describeScope, narrowResult, prepareScope } from './scan-scope.js';
import { TOOL_VERSION } from './version.js';

export interface ScanCommandOptions extends CommonScanFlags {
  format: 'text' | 'json' | 'sarif';
  output?: string;
  failOn?: Severity;
  progress: boolean;
  color: boolean;
  reportUnusedSuppressions?: boolean;
  omitSuppressed?: boolean;
  baseline?: string;
  diffBase?: string;
  staged?: boolean;
}

/** The progress line appears on a terminal only after this long, so quick scans print nothing. */
const PROGRESS_DELAY_MS = 700;

/** Runs `soc2lint scan` and returns the exit code. */
export async function runScan(paths: string[], options: ScanCommandOptions): Promise<number> {
  if (options.output) {
    checkOutputWritable(options.output);
  }
  const scope = prepareScope(paths, options);
  for (const file of scope.changes?.partlyStaged ?? []) {
    process.stderr.write(
      `warning: ${file} has unstaged changes; the scan reads the working tree, so reported lines ` +
        'may not match the index. Stage or stash them first (pre-commit does this itself).\n',
    );
  }

  const progress = createProgress(options.progress && process.stderr.isTTY === true);
  let outcome;
  try {
    outcome = await scan({
      ...toScanOptions(paths, options),
      onProgress: progress.update,
      reportUnusedSuppressions: options.reportUnusedSuppressions,
      onlyPaths: scope.onlyPaths,
    });
  } finally {
    progress.clear();
  }
  const { rules, config } = outcome;
  const result = narrowResult(outcome.result, scope, options);

  // A pre-commit scan with no staged source files has nothing to report.
  if (result.stats.files === 0 && result.findings.length === 0 && !scope.onlyPaths) {
    const skipped = result.notes.length > 0 ? '; every file found was skipped (see the notes)' : '';
    process.stderr.write(
      `warning: no Python, JavaScript or TypeScript files to analyze under ${paths.join(', ')}${skipped}.\n`,
    );
  }

  const reportRules = result.findings.some(isSuppressionProblem)
    ? [...rules, SUPPRESSION_RULE]
    : rules;
  const report = formatReport(result, reportRules, options);
  if (options.format === 'text') {
    for (const line of describeScope(result)) {
      process.stderr.write(`${line}\n`);
    }
  }
  if (options.output) {
    fs.writeFileSync(options.output, report);
  } else {
    process.stdout.write(report);
  }

  for (const failure of result.failures) {
    process.stderr.write(`error: ${failure}\n`);
  }
  if (result.failures.length > 0) {
    return EXIT_ERROR;
  }
  const failOn = options.failOn ?? config.failOn ?? 'high';
  return hasFindingAtOrAbove(result, failOn) ? 1 : 0;
}

function formatReport(result: ScanResult, rules: RuleMeta[], options: ScanCommandOptions): string {
  switch (options.format) {
    case 'json':
      return formatJson(result, rules, { toolVersion: TOOL_VERSION });
    case 'sarif':
      return formatSarif(result, rules, { toolVersion: TOOL_VERSION, ruleHelp: readRulePage });
    default: {
      const useColor =
        options.color && !options.output && process.stdout.isTTY === true && !process.env.NO_COLOR;
      return formatText(result, rules, { color: useColor });
    }
  }
}

/** Suppressed findings never count; suppression problems count at any threshold. */
function hasFindingAtOrAbove(result: ScanResult, failOn: Severity): boolean {
  const threshold = SEVERITIES.indexOf(failOn);
  return result.findings.some(
    (finding) =>
      !finding.suppression &&
      (isSuppressionProblem(finding) || SEVERITIES.indexOf(finding.severity) <= threshold),
  );
}

/** Throws `ConfigError` when the folder of `output` does not exist or is not writable. */
export function checkOutputWritable(output: string): void {
  if (fs.existsSync(output) && fs.statSync(output).isDirectory()) {
    throw new ConfigError(`--output ${output}: is a folder. Give the path of a file to write.`);
  }
  const folder = path.dirname(path.resolve(output));
  if (!fs.existsSync(folder)) {
    throw new ConfigError(`--output ${output}: folder ${folder} not found. Create it or choose another path.`);
  }
  try {
    fs.accessSync(folder, fs.constants.W_OK);
  } catch (error) {
    throw new ConfigError(`--output ${output}: folder ${folder} is not writable.`, { cause: error });
  }
}

function createProgress(enabled: boolean) {
  const startedAt = Date.now();
  let shown = false;
  return {
    update(done: number, total: number) {
      if (!enabled || Date.now() - startedAt < PROGRESS_DELAY_MS) {
        return;
      }
      shown = true;
      process.stderr.write(`\rsoc2lint: analyzed ${done}/${total} files`);
    },
    clear() {
      if (shown) {
        process.stderr.write('\r\x1b[K');
      }
    },
  };
}
