import fs from 'node:fs';
import createDebug from 'debug';
import type { NameTables } from '../config/names.js';
import { describeIoError } from '../files/discover.js';
import { buildModel } from '../model/build.js';
import type { FileModel, Language } from '../model/types.js';
import { parseToSyntaxTree } from '../parse/parser.js';
import { getRule } from '../rules/index.js';
import type { ReportDescriptor, Rule, Severity } from '../rules/types.js';
import { getLanguageSyntax } from '../suppressions/comments.js';
import { parseDirectives, type FileDirectives } from '../suppressions/directives.js';
import { createFinding } from './finding.js';
import type { Finding, ScanNote } from './types.js';

const log = createDebug('soc2lint:engine:analyze');

/** The part of the configuration a worker needs; plain data so it can be posted to a worker. */
export interface AnalysisSettings {
  ruleIds: string[];
  severities: Record<string, Severity | null>;
  options: Record<string, Record<string, unknown>>;
  names: NameTables;
  maxFileSize: number;
  /** Skips files that no enabled rule's prefilter matches; off only to test the prefilters. */
  usePrefilters: boolean;
}

export interface SourceFile {
  path: string;
  absolutePath: string;
  language: Language;
}

export interface FileAnalysis {
  path: string;
  findings: Finding[];
  notes: ScanNote[];
  /** Project-rule summaries keyed by rule id. */
  summaries: Record<string, unknown>;
  /** Suppression comments of the file, when it has any. */
  directives?: FileDirectives;
  lines: number;
  bytes: number;
}

/** Lines longer than this, when they make up most of the file, mark generated or minified code. */
const MINIFIED_LINE_LENGTH = 1000;

/**
 * Reads, parses and checks one source file. Every failure becomes a note on this file, so one
 * bad file never costs the findings of others.
 */
export function analyzeFile(file: SourceFile, settings: AnalysisSettings): FileAnalysis {
  const analysis: FileAnalysis = {
    path: file.path,
    findings: [],
    notes: [],
    summaries: {},
    lines: 0,
    bytes: 0,
  };

  const source = readSource(file, analysis, settings.maxFileSize);
  if (source === null) {
    return analysis;
  }
  const directives = parseDirectives(source, getLanguageSyntax(file.language));
  if (directives.directives.length > 0 || directives.problems.length > 0) {
    analysis.directives = directives;
  }

  if (settings.usePrefilters && !isRelevant(source, settings)) {
    log('skipped %s: no rule pattern matches', file.path);
    return analysis;
  }

  const started = performance.now();
  let tree;
  try {
    // A copy in plain JavaScript data. Its WebAssembly tree is already freed.
    tree = parseToSyntaxTree(source, file.language);
  } catch (error) {
    analysis.notes.push({ path: file.path, kind: 'error', reason: `parse failed: ${(error as Error).message}` });
    return analysis;
  }

  try {
    const model = buildModel(tree, source, file.path, file.language);
    if (model.hasSyntaxErrors) {
      analysis.notes.push({
        path: file.path,
        kind: 'syntax-error',
        reason: 'syntax errors; analyzed the parts the parser recovered',
      });
    }
    runRules(model, source, settings, analysis);
  } catch (error) {
    log('model or rules failed on %s: %O', file.path, error);
    analysis.notes.push({ path: file.path, kind: 'error', reason: `analysis failed: ${(error as Error).message}` });
  }
  log('analyzed %s in %d ms', file.path, Math.round(performance.now() - started));
  return analysis;
}

function readSource(file: SourceFile, analysis: FileAnalysis, maxFileSize: number): string | null {
  let buffer: Buffer;
  try {
    buffer = fs.readFileSync(file.absolutePath);
  } catch (error) {
    analysis.notes.push({ path: file.path, kind: 'unreadable', reason: describeIoError(error) });
    return null;
  }
  analysis.bytes = buffer.length;

  if (buffer.length > maxFileSize) {
    analysis.notes.push({
      path: file.path,
      kind: 'skipped',
      reason: `larger than the size limit (${buffer.length} > ${maxFileSize} bytes; see --max-file-size)`,
    });
    return null;
  }
  // Editors on Windows save UTF-16 with a byte order mark; its NUL bytes are not binary data.
  const encoding = getUtf16Encoding(buffer);
  if (encoding === null && buffer.includes(0)) {
    analysis.notes.push({ path: file.path, kind: 'skipped', reason: 'binary file (contains NUL bytes)' });
    return null;
  }

  // Invalid sequences become U+FFFD, so the rest of the file is still analyzed.
  let source = new TextDecoder(encoding ?? 'utf-8', { fatal: false }).decode(buffer);
  if (source.charCodeAt(0) === 0xfeff) {
    source = source.slice(1);
  }
  analysis.lines = countLines(source);

  if (looksMinified(source)) {
    analysis.notes.push({ path: file.path, kind: 'skipped', reason: 'minified or generated file' });
    return null;
  }
  return source;
}

/** Returns the UTF-16 encoding a byte order mark names, or null for any other text. */
function getUtf16Encoding(buffer: Buffer): 'utf-16le' | 'utf-16be' | null {
  if (buffer.length >= 2 && buffer[0] === 0xff && buffer[1] === 0xfe) {
    return 'utf-16le';
  }
  if (buffer.length >= 2 && buffer[0] === 0xfe && buffer[1] === 0xff) {
    return 'utf-16be';
  }
  return null;
}

const prefilterCache = new WeakMap<AnalysisSettings, RegExp[] | null>();

/**
 * True when some enabled rule may report on or summarize this text. Null in the cache means a
 * rule without a prefilter is enabled, so every file is relevant.
 */
function isRelevant(source: string, settings: AnalysisSettings): boolean {
  let patterns = prefilterCache.get(settings);
  if (patterns === undefined) {
    patterns = [];
    for (const ruleId of settings.ruleIds) {
      const rule = getRule(ruleId);
      if (!rule || (!rule.check && !rule.summarize)) {
        continue;
      }
      if (!rule.prefilter) {
        patterns = null;
        break;
      }
      patterns.push(rule.prefilter(settings.names, settings.options[ruleId] ?? {}));
    }
    prefilterCache.set(settings, patterns);
  }
  return patterns === null || patterns.some((pattern) => {
    pattern.lastIndex = 0;
    return pattern.test(source);
  });
}

function countLines(source: string): number {
  if (source.length === 0) {
    return 0;
  }
  let lines = 1;
  for (let index = source.indexOf('\n'); index !== -1; index = source.indexOf('\n', index + 1)) {
    lines++;
  }
  return source.endsWith('\n') ? lines - 1 : lines;
}

/**
 * True when the text is mostly very long lines, as in bundles and minified code: most of the
 * characters sit on long lines, and long lines are a fifth or more of the non-empty lines. One
 * embedded data blob in an ordinary file (a base64 logo) does not make it minified.
 */
function looksMinified(source: string): boolean {
  if (source.length < 5000) {
    return false;
  }
  let longChars = 0;
  let longLines = 0;
  let nonEmptyLines = 0;
  let start = 0;
  while (start < source.length) {
    let end = source.indexOf('\n', start);
    if (end === -1) {
      end = source.length;
    }
    if (end - start > MINIFIED_LINE_LENGTH) {
      longChars += end - start;
      longLines++;
    }
    if (end > start) {
      nonEmptyLines++;
    }
    start = end + 1;
  }
  return longChars > source.length / 2 && longLines * 5 >= nonEmptyLines;
}

function runRules(
  model: FileModel,
  source: string,
  settings: AnalysisSettings,
  analysis: FileAnalysis,
): void {
  const lines = source.split('\n');
  const seen = new Map<string, number>();

  for (const ruleId of settings.ruleIds) {
    const rule = getRule(ruleId);
    if (!rule || (!rule.check && !rule.summarize)) {
      continue;
    }
    const context = {
      names: settings.names,
      options: settings.options[ruleId] ?? {},
      report(descriptor: ReportDescriptor) {
        const finding = createFinding(rule, descriptor, {
          path: descriptor.path ?? model.path,
          lines,
          model,
          severity: descriptor.severity ?? settings.severities[ruleId] ?? rule.severity,
          seen,
        });
        analysis.findings.push(finding);
      },
    };
    try {
      rule.check?.(model, context);
      if (rule.summarize) {
        const summary = rule.summarize(model, context);
        if (summary !== null) {
          analysis.summaries[ruleId] = summary;
        }
      }
    } catch (error) {
      reportRuleFailure(rule, error, analysis);
    }
  }
}

function reportRuleFailure(rule: Rule, error: unknown, analysis: FileAnalysis): void {
  log('rule %s failed on %s: %O', rule.id, analysis.path, error);
  analysis.notes.push({
    path: analysis.path,
    kind: 'error',
    reason: `rule ${rule.id} failed: ${(error as Error).message}`,
  });
}
