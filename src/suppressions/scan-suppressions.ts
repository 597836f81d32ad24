import path from 'node:path';
import type { FileAnalysis } from '../engine/analyze.js';
import type { Finding } from '../engine/types.js';
import { getRule } from '../rules/index.js';
import type { Rule } from '../rules/types.js';
import { applySuppressions, createProblemFindings } from './apply.js';
import { getFileSyntax } from './comments.js';
import { parseDirectives, type FileDirectives } from './directives.js';
import { findExceptionsFile, loadExceptions, type ExceptionsFile } from './exceptions.js';

/** Inputs of `suppressFindings` from one scan. */
export interface ScanSuppressionInput {
  root: string;
  analyses: FileAnalysis[];
  /** Root-relative paths of the files that are not source code (CI files, manifests, lockfiles). */
  otherFiles: string[];
  readText(relativePath: string): string | null;
  exceptions: ExceptionsFile | null;
  /** Rules whose findings this scan can produce; only these can make a suppression unused. */
  activeRules: Rule[];
  reportUnused: boolean;
}

/**
 * Loads the exceptions file: `file` when given, else the one in `root`, none when `file` is null.
 * Throws `ConfigError` when it is invalid.
 */
export function loadScanExceptions(
  root: string,
  file: string | null | undefined,
): ExceptionsFile | null {
  const chosen = file === undefined ? findExceptionsFile(root) : file && path.resolve(file);
  return chosen ? loadExceptions(chosen, resolveRuleId) : null;
}

/**
 * Applies suppression comments and the exceptions file to `findings` (in place) and returns the
 * findings of the suppression rule: comments without a reason, unknown rules and, when asked,
 * suppressions that match nothing.
 */
export function suppressFindings(findings: Finding[], input: ScanSuppressionInput): Finding[] {
  const directives = new Map<string, FileDirectives>();
  for (const analysis of input.analyses) {
    if (analysis.directives) {
      directives.set(analysis.path, analysis.directives);
    }
  }
  for (const relativePath of input.otherFiles) {
    const syntax = getFileSyntax(relativePath);
    const text = syntax ? input.readText(relativePath) : null;
    if (syntax && text !== null) {
      directives.set(relativePath, parseDirectives(text, syntax));
    }
  }

  const exceptionsPath = input.exceptions
    ? path.relative(input.root, input.exceptions.file).split(path.sep).join('/')
    : null;
  const problems = applySuppressions(findings, {
    directives,
    exceptions: input.exceptions,
    exceptionsPath,
    today: new Date().toISOString().slice(0, 10),
    resolveRule: resolveRuleId,
    activeRuleIds: new Set(input.activeRules.map((rule) => rule.id)),
    reportUnused: input.reportUnused,
  });
  return createProblemFindings(problems, (relativePath) => {
    const text = input.readText(relativePath);
    return text === null ? null : text.split('\n');
  });
}

function resolveRuleId(key: string): string | undefined {
  return getRule(key)?.id;
}
