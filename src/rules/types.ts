import type { FileModel, Range } from '../model/types.js';
import type { ProjectModel } from '../project/types.js';
import type { NameTables } from '../config/names.js';

export type Severity = 'critical' | 'high' | 'medium' | 'low';

export const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low'];

/** An AICPA 2017 criterion a rule gives evidence for, with the reason in one line. */
export interface AicpaReference {
  criterion: string;
  reason: string;
}

/** JSON Schema of one rule option; `description` and `default` are required for the docs. */
export interface RuleOptionSchema {
  type: 'array' | 'string' | 'boolean' | 'number';
  items?: { type: 'string' };
  description: string;
  default: unknown;
}

export interface RuleMeta {
  /** Control id from the catalogue: `CC7.1.2`. */
  id: string;
  /** Kebab-case name; equals the rule's file name: `sensitive-data-in-logs`. */
  name: string;
  /** Catalogue criterion: `CC7.1`. */
  criterion: string;
  severity: Severity;
  cwe: string[];
  /** One line that starts with Disallow, Require or Enforce, without a final period. */
  summary: string;
  rationale: string;
  remediation: string;
  /** What the rule accepts as compliant, one item per recognized form. */
  compliant: string[];
  aicpa: AicpaReference[];
  /** Languages and inputs the rule covers: `python`, `javascript`, `typescript`, `ci`, `lockfile`. */
  languages: string[];
  /** Message templates keyed by camelCase ids; `{name}` placeholders are filled from report data. */
  messages: Record<string, string>;
  /**
   * JSON Schema of each option the rule reads from `rules.<id>.options`, with a description and
   * a default. The configuration is checked against it, so a misspelt option is an error.
   */
  options?: Record<string, RuleOptionSchema>;
}

/** What a rule passes to `report`. */
export interface ReportDescriptor {
  messageId: string;
  data?: Record<string, string | number>;
  /** Where the finding points, in the file being checked (file rules) or in `path` (project rules). */
  range: Range;
  /** Project rules name the file; file rules leave it out. */
  path?: string;
  /** Overrides the rule's severity for this finding (`health-checks` is high when secrets leak). */
  severity?: Severity;
  /** Name of the enclosing function or handler; anchors the fingerprint. */
  functionName?: string | null;
}

export interface RuleContext {
  names: NameTables;
  /** Options of this rule from the configuration file, already merged with defaults. */
  options: Record<string, unknown>;
  report(descriptor: ReportDescriptor): void;
}

/**
 * A rule. `check` runs once per source file, in a worker. `summarize` extracts the small part of
 * a file model the project check needs, because whole models do not leave the worker.
 * `checkProject` runs once per scan with those summaries and the project inputs (CI files,
 * manifests, lockfiles).
 */
export interface Rule<Summary = unknown> extends RuleMeta {
  /**
   * A pattern that any file this rule can report on or summarize must contain. A file whose text
   * matches no enabled rule's pattern is not parsed at all, which is most of a large service.
   * Rules without one see every file. The pattern must be conservative: a file it misses is a
   * finding lost, so it must cover every name the rule recognizes, configured names included.
   */
  prefilter?(names: NameTables, options: Record<string, unknown>): RegExp;
  check?(file: FileModel, context: RuleContext): void;
  summarize?(file: FileModel, context: RuleContext): Summary | null;
  checkProject?(
    project: ProjectModel,
    summaries: FileSummary<Summary>[],
    context: RuleContext,
  ): void | Promise<void>;
}

export interface FileSummary<Summary = unknown> {
  path: string;
  summary: Summary;
}

/** Declares a rule; the identity function exists for type inference. */
export function defineRule<Summary = unknown>(rule: Rule<Summary>): Rule<Summary> {
  return rule;
}
