import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import createDebug from 'debug';
import { ConfigError, InputError } from '../config/errors.js';
import { findConfigFile, loadConfig, type Config } from '../config/load.js';
import { describeIoError, detectLanguage, discoverFiles, type DiscoveredFile } from '../files/discover.js';
import type { ProjectModel } from '../project/types.js';
import { getRule, RULES } from '../rules/index.js';
import type { ReportDescriptor, Rule, Severity } from '../rules/types.js';
import { loadScanExceptions, suppressFindings } from '../suppressions/scan-suppressions.js';
import type { AnalysisSettings, FileAnalysis, SourceFile } from './analyze.js';
import { createFinding } from './finding.js';
import { analyzeFiles } from './pool.js';
import type { Finding, ScanNote, ScanResult } from './types.js';

const log = createDebug('soc2lint:engine:scan');

export interface ScanOptions {
  /** Files and folders to scan; at least one. */
  paths: string[];
  /** Explicit configuration file; otherwise one is looked up in the root. */
  configFile?: string | null;
  /** Only these rules (ids or names). */
  rules?: string[];
  /** Leave out these rules (ids or names). */
  excludeRules?: string[];
  maxFileSize?: number;
  /** Worker threads; defaults to the available cores, at most 4. */
  jobs?: number;
  advisoryDb?: string | null;
  online?: boolean;
  /** Set to false to analyze every file whatever the rules' prefilters match (for tests). */
  usePrefilters?: boolean;
  onProgress?: (done: number, total: number) => void;
  /** Exceptions file; when undefined, `.soc2lint-exceptions.yaml` (or .yml, .json) in the root. */
  exceptionsFile?: string | null;
  /** Also report suppression comments and exceptions that match no finding. */
  reportUnusedSuppressions?: boolean;
  /**
   * Analyze only these root-relative paths (a pre-commit scan of staged files). Project rules are
   * skipped then, because they judge the whole tree and would miss what the other files contain.
   */
  onlyPaths?: string[];
}

export interface ScanOutcome {
  result: ScanResult;
  config: Config;
  rules: Rule[];
}

/** Scans the given paths with the enabled rules and returns every finding and note. */
export async function scan(options: ScanOptions): Promise<ScanOutcome> {
  const started = performance.now();
  const targets = options.paths.map((target) => path.resolve(target));
  for (const target of targets) {
    if (!fs.existsSync(target)) {
      throw new InputError(`${target}: path not found. Check the path and try again.`);
    }
  }
  const root = resolveScanRoot(targets);
  const configFile = options.configFile ? path.resolve(options.configFile) : findConfigFile(root);
  const config = loadConfig(configFile);
  const maxFileSize = options.maxFileSize ?? config.maxFileSize;
  const rules = selectRules(config, options.rules, options.excludeRules);
  const exceptions = loadScanExceptions(root, options.exceptionsFile);
  const advisoryDb = options.advisoryDb ?? config.advisoryDb;
  if (advisoryDb && !fs.existsSync(advisoryDb)) {
    const source = options.advisoryDb ? '--advisory-db' : `${config.file}: advisoryDb`;
    throw new ConfigError(`${source} ${advisoryDb}: not found. Give a folder or .zip of OSV JSON files.`);
  }

  const discovery = restrictDiscovery(
    discoverTargets(root, targets, config.ignore, maxFileSize),
    options.onlyPaths,
  );
  const sources: SourceFile[] = discovery.files.flatMap((file) =>
    file.language ? [{ path: file.path, absolutePath: file.absolutePath, language: file.language }] : [],
  );
  const settings = toAnalysisSettings(config, rules, maxFileSize, options.usePrefilters ?? true);
  const jobs = options.jobs ?? Math.min(4, Math.max(1, os.availableParallelism()));
  log('scanning %d source files of %d under %s', sources.length, discovery.files.length, root);

  const analyses = await analyzeFiles(sources, settings, jobs, (done) =>
    options.onProgress?.(done, sources.length),
  );
  const findings = analyses.flatMap((analysis) => analysis.findings);
  const notes = [...discovery.notes, ...analyses.flatMap((analysis) => analysis.notes)];

  const project = createProjectModel(root, discovery.files, sources, {
    advisoryDb,
    online: options.online ?? false,
  });
  const failures: string[] = [];
  project.addNote = (note) => notes.push(note);
  project.addFailure = (message) => failures.push(message);
  if (!options.onlyPaths) {
    await runProjectRules(rules, project, analyses, settings, findings, notes);
  }
  const suppressionFindings = suppressFindings(findings, {
    root,
    analyses,
    otherFiles: discovery.files.flatMap((file) => (file.language ? [] : [file.path])),
    readText: (relative) => project.readText(relative),
    exceptions,
    activeRules: options.onlyPaths ? rules.filter((rule) => rule.check) : rules,
    reportUnused: options.reportUnusedSuppressions ?? false,
  });
  findings.push(...suppressionFindings);

  findings.sort(compareFindings);
  notes.sort((left, right) => left.path.localeCompare(right.path));
  return {
    result: {
      root,
      failures,
      findings,
      notes,
      stats: {
        // Files read and analyzed; skipped and unreadable ones are in the notes instead.
        files: analyses.filter((analysis) => !analysis.notes.some(isSkipNote)).length,
        lines: analyses.reduce((sum, analysis) => sum + analysis.lines, 0),
        bytes: analyses.reduce((sum, analysis) => sum + analysis.bytes, 0),
        durationMs: Math.round(performance.now() - started),
      },
    },
    config,
    // Reports show each rule at the severity the configuration gives it.
    rules: rules.map((rule) => ({ ...rule, severity: settings.severities[rule.id] ?? rule.severity })),
  };
}

/**
 * Returns the folder that report paths are relative to. A single folder argument is its own
 * root. Files and several paths are relative to the working folder, or to their deepest common
 * folder when some lie outside it, so no report path starts with `../`.
 */
export function resolveScanRoot(paths: string[]): string {
  const targets = paths.map((target) => path.resolve(target));
  if (targets.length === 1 && isDirectory(targets[0]!)) {
    return targets[0]!;
  }
  const cwd = process.cwd();
  if (targets.every((target) => target === cwd || target.startsWith(cwd + path.sep))) {
    return cwd;
  }
  let common = isDirectory(targets[0]!) ? targets[0]! : path.dirname(targets[0]!);
  for (const target of targets.slice(1)) {
    while (target !== common && !target.startsWith(common + path.sep)) {
      common = path.dirname(common);
    }
  }
  return common;
}

function isDirectory(target: string): boolean {
  try {
    return fs.statSync(target).isDirectory();
  } catch {
    return false;
  }
}

/** Resolves `--rules` and `--exclude-rules` against the registry and the configuration. */
export function selectRules(config: Config, only?: string[], excluded?: string[]): Rule[] {
  const resolve = (key: string, flag: string): Rule => {
    const rule = getRule(key);
    if (!rule) {
      throw new ConfigError(
        `${flag}: unknown rule "${key}". Run \`soc2lint rules\` to list rule ids and names.`,
      );
    }
    return rule;
  };
  for (const [key, ruleConfig] of Object.entries(config.rules)) {
    const rule = getRule(key);
    if (!rule) {
      throw new ConfigError(
        `${config.file}: rules.${key} names an unknown rule. Run \`soc2lint rules\` for the ids and names.`,
      );
    }
    checkRuleOptions(config.file, key, rule, ruleConfig.options);
  }
  if (only !== undefined && only.length === 0) {
    throw new ConfigError('--rules: no rule given. Name rule ids or names, separated by commas.');
  }
  if (excluded !== undefined && excluded.length === 0) {
    throw new ConfigError('--exclude-rules: no rule given. Name rule ids or names, separated by commas.');
  }
  const onlyIds = only ? new Set(only.map((key) => resolve(key, '--rules').id)) : null;
  const excludedIds = new Set((excluded ?? []).map((key) => resolve(key, '--exclude-rules').id));

  const selected = RULES.filter((rule) => {
    if (excludedIds.has(rule.id)) {
      return false;
    }
    if (onlyIds) {
      return onlyIds.has(rule.id);
    }
    return getRuleConfig(config, rule)?.enabled ?? true;
  });
  if (selected.length === 0) {
    throw new ConfigError(
      'No rule is left to run: --rules, --exclude-rules and the configuration turn them all off.',
    );
  }
  return selected;
}

/** Rejects options a rule does not read, and values of the wrong type. */
function checkRuleOptions(
  file: string | null,
  key: string,
  rule: Rule,
  options: Record<string, unknown>,
): void {
  const known = rule.options ?? {};
  for (const [name, value] of Object.entries(options)) {
    const schema = known[name];
    if (!schema) {
      const list = Object.keys(known);
      const hint = list.length > 0 ? `Its options are ${list.join(', ')}.` : 'It takes no options.';
      throw new ConfigError(`${file}: rules.${key}.options.${name} is not an option of ${rule.id}. ${hint}`);
    }
    const isValid =
      schema.type === 'array'
        ? Array.isArray(value) && value.every((item) => typeof item === 'string')
        : typeof value === schema.type;
    if (!isValid) {
      const expected = schema.type === 'array' ? 'a list of strings' : `a ${schema.type}`;
      throw new ConfigError(
        `${file}: rules.${key}.options.${name} must be ${expected}, got ${JSON.stringify(value)}.`,
      );
    }
  }
}

function getRuleConfig(config: Config, rule: Rule) {
  return config.rules[rule.id] ?? config.rules[rule.name];
}

function toAnalysisSettings(
  config: Config,
  rules: Rule[],
  maxFileSize: number,
  usePrefilters: boolean,
): AnalysisSettings {
  const severities: Record<string, Severity | null> = {};
  const options: Record<string, Record<string, unknown>> = {};
  for (const rule of rules) {
    const ruleConfig = getRuleConfig(config, rule);
    severities[rule.id] = ruleConfig?.severity ?? null;
    options[rule.id] = ruleConfig?.options ?? {};
  }
  return {
    ruleIds: rules.map((rule) => rule.id),
    severities,
    options,
    names: config.names,
    maxFileSize,
    usePrefilters,
  };
}

function discoverTargets(
  root: string,
  targets: string[],
  ignorePatterns: string[],
  maxFileSize: number,
): { files: DiscoveredFile[]; notes: ScanNote[] } {
  const files: DiscoveredFile[] = [];
  const notes: ScanNote[] = [];
  for (const target of targets) {
    const relativeTarget = toRelative(root, target);
    if (fs.statSync(target).isDirectory()) {
      const discovery = discoverFiles(target, { ignore: ignorePatterns, maxFileSize });
      const prefix = relativeTarget === '' ? '' : `${relativeTarget}/`;
      files.push(...discovery.files.map((file) => ({ ...file, path: prefix + file.path })));
      notes.push(...discovery.notes.map((note) => ({ ...note, path: prefix + note.path })));
      continue;
    }
    // A file named on the command line is scanned even when an ignore pattern covers it.
    try {
      const stats = fs.statSync(target);
      if (!stats.isFile()) {
        // Reading a named pipe or a device would block or never end.
        notes.push({ path: relativeTarget, kind: 'skipped', reason: 'not a regular file' });
        continue;
      }
      const language = detectLanguage(target);
      files.push({ path: relativeTarget, absolutePath: target, size: stats.size, language });
    } catch (error) {
      notes.push({ path: relativeTarget, kind: 'unreadable', reason: describeIoError(error) });
    }
  }
  const unique = new Map(files.map((file) => [file.path, file]));
  return { files: [...unique.values()], notes };
}

function restrictDiscovery(
  discovery: { files: DiscoveredFile[]; notes: ScanNote[] },
  onlyPaths: string[] | undefined,
): { files: DiscoveredFile[]; notes: ScanNote[] } {
  if (!onlyPaths) {
    return discovery;
  }
  const allowed = new Set(onlyPaths);
  return {
    files: discovery.files.filter((file) => allowed.has(file.path)),
    notes: discovery.notes.filter((note) => allowed.has(note.path)),
  };
}

function toRelative(root: string, target: string): string {
  return path.relative(root, target).split(path.sep).join('/');
}

function createProjectModel(
  root: string,
  files: DiscoveredFile[],
  sources: SourceFile[],
  advisories: { advisoryDb: string | null; online: boolean },
): ProjectModel {
  const texts = new Map<string, string | null>();
  const byPath = new Map(files.map((file) => [file.path, file]));
  return {
    root,
    files: files.map((file) => ({ path: file.path, absolutePath: file.absolutePath, size: file.size })),
    sourcePaths: sources.map((source) => source.path),
    readText(relative: string): string | null {
      if (!texts.has(relative)) {
        const file = byPath.get(relative);
        let text: string | null = null;
        try {
          text = fs.readFileSync(file?.absolutePath ?? path.join(root, relative), 'utf8');
        } catch (error) {
          log('could not read %s: %s', relative, describeIoError(error));
        }
        texts.set(relative, text);
      }
      return texts.get(relative) ?? null;
    },
    advisoryDb: advisories.advisoryDb,
    online: advisories.online,
  };
}

async function runProjectRules(
  rules: Rule[],
  project: ProjectModel,
  analyses: FileAnalysis[],
  settings: AnalysisSettings,
  findings: Finding[],
  notes: ScanNote[],
): Promise<void> {
  for (const rule of rules) {
    if (!rule.checkProject) {
      continue;
    }
    const summaries = analyses.flatMap((analysis) =>
      rule.id in analysis.summaries ? [{ path: analysis.path, summary: analysis.summaries[rule.id] }] : [],
    );
    const seen = new Map<string, number>();
    const context = {
      names: settings.names,
      options: settings.options[rule.id] ?? {},
      report(descriptor: ReportDescriptor) {
        const reportPath = descriptor.path ?? '.';
        const text = project.readText(reportPath);
        findings.push(
          createFinding(rule, descriptor, {
            path: reportPath,
            lines: text === null ? null : text.split('\n'),
            model: null,
            severity: descriptor.severity ?? settings.severities[rule.id] ?? rule.severity,
            seen,
          }),
        );
      },
    };
    try {
      await rule.checkProject(project, summaries, context);
    } catch (error) {
      log('project rule %s failed: %O', rule.id, error);
      notes.push({ path: '.', kind: 'error', reason: `rule ${rule.id} failed: ${(error as Error).message}` });
    }
  }
}

function compareFindings(left: Finding, right: Finding): number {
  return (
    left.path.localeCompare(right.path) ||
    left.range.startLine - right.range.startLine ||
    left.range.startColumn - right.range.startColumn ||
    left.ruleId.localeCompare(right.ruleId)
  );
}

function isSkipNote(note: ScanNote): boolean {
  return note.kind === 'skipped' || note.kind === 'unreadable';
}
