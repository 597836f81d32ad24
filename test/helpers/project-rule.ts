import { mergeNames, type NameTables } from '../../src/config/names.js';
import { fillTemplate } from '../../src/engine/finding.js';
import { buildModel } from '../../src/model/build.js';
import type { Language, Range } from '../../src/model/types.js';
import { parseSource } from '../../src/parse/parser.js';
import type { ProjectModel } from '../../src/project/types.js';
import type { FileSummary, ReportDescriptor, Rule } from '../../src/rules/types.js';

/** A finding as a rule reported it, with its message filled in. */
export interface ReportedFinding {
  messageId: string;
  message: string;
  path: string;
  range: Range;
  severity: string | undefined;
}

/** One source file of a snippet project. */
export interface SnippetFile {
  path: string;
  code: string;
}

const EMPTY_PROJECT: ProjectModel = {
  root: '.',
  files: [],
  sourcePaths: [],
  readText: () => null,
  advisoryDb: null,
  online: false,
};

/**
 * Runs a rule over snippet files as the engine does: `check` and `summarize` per file, then
 * `checkProject` over the summaries. Parsers must be prepared by the caller.
 */
export async function runRuleOnFiles(
  rule: Rule,
  files: SnippetFile[],
  settings: { names?: Partial<NameTables>; options?: Record<string, unknown> } = {},
): Promise<ReportedFinding[]> {
  const names = mergeNames(settings.names);
  const reported: ReportedFinding[] = [];
  const summaries: FileSummary[] = [];
  for (const file of files) {
    const language: Language = file.path.endsWith('.py') ? 'python' : file.path.endsWith('.js') ? 'javascript' : 'typescript';
    const tree = parseSource(file.code, language);
    try {
      const model = buildModel(tree, file.code, file.path, language);
      const context = {
        names,
        options: settings.options ?? {},
        report: (descriptor: ReportDescriptor) => reported.push(toFinding(rule, descriptor, file.path)),
      };
      rule.check?.(model, context);
      const summary = rule.summarize?.(model, context);
      if (summary !== null && summary !== undefined) {
        summaries.push({ path: file.path, summary });
      }
    } finally {
      tree.delete();
    }
  }
  await rule.checkProject?.(EMPTY_PROJECT, summaries, {
    names,
    options: settings.options ?? {},
    report: (descriptor) => reported.push(toFinding(rule, descriptor, descriptor.path ?? '.')),
  });
  return reported;
}

function toFinding(rule: Rule, descriptor: ReportDescriptor, path: string): ReportedFinding {
  return {
    messageId: descriptor.messageId,
    message: fillTemplate(rule.messages[descriptor.messageId]!, descriptor.data ?? {}),
    path: descriptor.path ?? path,
    range: descriptor.range,
    severity: descriptor.severity,
  };
}
