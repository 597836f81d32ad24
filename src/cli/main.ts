import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import createDebug from 'debug';
import { ConfigError, InputError } from '../config/errors.js';
import { SEVERITIES, type Severity } from '../rules/types.js';
import { runBaseline } from './baseline-command.js';
import { runExplain, runRules } from './catalogue.js';
import { EXIT_ERROR } from './exit-codes.js';
import { runScan } from './scan-command.js';
import { TOOL_VERSION } from './version.js';


function parseSeverity(value: string): Severity {
  if (!(SEVERITIES as string[]).includes(value)) {
    throw new InvalidArgumentError(`expected one of ${SEVERITIES.join(', ')}.`);
  }
  return value as Severity;
}

function parsePositiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) {
    throw new InvalidArgumentError('expected a positive whole number.');
  }
  return parsed;
}

function parseList(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((item) => item.trim()).filter(Boolean)];
}

const EXCEPTIONS_HELP = 'exceptions file (default: .soc2lint-exceptions.yaml|yml|json in the root)';

function createProgram(): Command {
  const program = new Command('soc2lint')
    .description('Static analysis for the code-level controls of SOC 2 CC7 (System Operations).')
    .version(TOOL_VERSION, '-v, --version')
    .option('--debug', 'print diagnostics and stack traces to stderr')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (text, write) => write(text) })
    .exitOverride();

  program
    .command('scan')
    .description('Scan files and folders and report findings.')
    .argument('[paths...]', 'files or folders to scan', ['.'])
    .addOption(
      new Option('-f, --format <format>', 'report format').choices(['text', 'json', 'sarif']).default('text'),
    )
    .option('-o, --output <file>', 'write the report to this file instead of stdout')
    .option('--fail-on <severity>', 'lowest severity that makes the exit code 1 (default: high)', parseSeverity)
    .option('--rules <ids>', 'run only these rules (comma-separated ids or names)', parseList)
    .option('--exclude-rules <ids>', 'leave out these rules (comma-separated ids or names)', parseList)
    .option('-c, --config <file>', 'configuration file (default: soc2lint.config.json|yaml in the root)')
    .option('--max-file-size <bytes>', 'skip source files larger than this many bytes (default: 1048576)', parsePositiveInteger)
    .option('-j, --jobs <count>', 'worker threads for analysis (default: cores, at most 4)', parsePositiveInteger)
    .option('--advisory-db <path>', 'folder or .zip of OSV advisory JSON files to match lockfiles against')
    .option('--online', 'query the OSV API for advisories of locked versions (sends package names)')
    .option('--no-progress', 'never print the progress line')
    .option('--no-color', 'print the text report without colours')
    .option('--exceptions <file>', EXCEPTIONS_HELP)
    .option(
      '--report-unused-suppressions',
      'report suppression comments and exceptions that match no finding',
    )
    .option('--omit-suppressed', 'leave suppressed findings out of the report (for code scanning)')
    .option('--baseline <file>', 'report only findings not recorded in this baseline file')
    .option(
      '--diff-base <ref>',
      'report only findings on lines changed since the merge base of <ref> and HEAD',
    )
    .option('--staged', 'scan staged files and report findings on staged lines only (pre-commit)')
    .action(async (paths: string[], options) => {
      process.exitCode = await runScan(paths, options);
    });

  program
    .command('baseline')
    .description('Record the current findings, so that `scan --baseline` reports only new ones.')
    .argument('[paths...]', 'files or folders to scan; use the same paths as for `scan`', ['.'])
    .option('-o, --output <file>', 'baseline file to write (default: .soc2lint-baseline.json)')
    .option('--rules <ids>', 'run only these rules (comma-separated ids or names)', parseList)
    .option(
      '--exclude-rules <ids>',
      'leave out these rules (comma-separated ids or names)',
      parseList,
    )
    .option('-c, --config <file>', 'configuration file (default: soc2lint.config.json|yaml)')
    .option('--exceptions <file>', EXCEPTIONS_HELP)
    .option(
      '--max-file-size <bytes>',
      'skip source files larger than this many bytes (default: 1048576)',
      parsePositiveInteger,
    )
    .option(
      '-j, --jobs <count>',
      'worker threads for analysis (default: cores, at most 4)',
      parsePositiveInteger,
    )
    .option('--advisory-db <path>', 'folder or .zip of OSV advisory JSON files for lockfiles')
    .option('--online', 'query the OSV API for advisories of locked versions (sends package names)')
    .action(async (paths: string[], options) => {
      process.exitCode = await runBaseline(paths, options);
    });

  program
    .command('rules')
    .description('List the rules.')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((options: { format: 'text' | 'json' }) => {
      process.stdout.write(runRules(options.format));
    });

  program
    .command('explain')
    .description('Print one rule\'s documentation: what it finds, why, how to fix, examples.')
    .argument('<rule>', 'rule id (CC7.1.2) or name (sensitive-data-in-logs)')
    .action((key: string) => {
      process.stdout.write(runExplain(key));
    });

  return program;
}

/** Runs the command line and sets the exit code: 0 clean, 1 findings, 2 errors. */
export async function run(argv: string[]): Promise<void> {
  const isDebug = argv.includes('--debug');
  if (isDebug) {
    createDebug.enable(process.env.DEBUG ? `${process.env.DEBUG},soc2lint:*` : 'soc2lint:*');
  }
  try {
    await createProgram().parseAsync(argv, { from: 'user' });
  } catch (error) {
    process.exitCode = handleError(error, isDebug);
  }
}

function handleError(error: unknown, isDebug: boolean): number {
  if (error instanceof CommanderError) {
    const isInformational =
      error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.version' ||
      error.code === 'commander.help';
    return isInformational ? 0 : EXIT_ERROR;
  }
  if (error instanceof ConfigError || error instanceof InputError) {
    process.stderr.write(`error: ${error.message}\n`);
    if (isDebug && error.cause) {
      process.stderr.write(`${String((error.cause as Error).stack ?? error.cause)}\n`);
    }
    return EXIT_ERROR;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`error: internal error: ${message}\n`);
  if (isDebug && error instanceof Error) {
    process.stderr.write(`${error.stack}\n`);
  } else {
    process.stderr.write('Run again with --debug for the stack trace.\n');
  }
  return EXIT_ERROR;
}

