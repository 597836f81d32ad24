import fs from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import picomatch from 'picomatch';
import YAML, { LineCounter, isMap, isSeq } from 'yaml';
import { ConfigError } from '../config/errors.js';
import { isValidDate } from './directives.js';

/** Exceptions files looked up in the scanned root, in this order. */
export const EXCEPTIONS_FILE_NAMES = [
  '.soc2lint-exceptions.yaml',
  '.soc2lint-exceptions.yml',
  '.soc2lint-exceptions.json',
];

/** One accepted finding, or group of findings, from the exceptions file. */
export interface ExceptionEntry {
  /** 0-based position in the `exceptions` list, as error messages name it. */
  index: number;
  /** 1-based line of the entry in the file, for reports that point at it. */
  line: number;
  fingerprint: string | null;
  /** Rule id, resolved from the id or name written in the file. */
  ruleId: string | null;
  /** Glob over paths relative to the scanned root, as written. */
  path: string | null;
  reason: string;
  ticket: string | null;
  approver: string | null;
  expires: string | null;
  /** Matches a root-relative path against `path`; null when the entry has no path. */
  matchPath: ((relativePath: string) => boolean) | null;
}

/** A loaded exceptions file. */
export interface ExceptionsFile {
  /** Absolute path of the file. */
  file: string;
  entries: ExceptionEntry[];
}

/** Returns the exceptions file of `root`, or null when there is none. */
export function findExceptionsFile(root: string): string | null {
  for (const name of EXCEPTIONS_FILE_NAMES) {
    const candidate = path.join(root, name);
    if (fs.existsSync(candidate)) {
      return candidate;
    }
  }
  return null;
}

const ENTRY_KEYS = ['fingerprint', 'rule', 'path', 'reason', 'ticket', 'approver', 'expires'];

/** JSON schema of the exceptions file. */
export const EXCEPTIONS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['exceptions'],
  properties: {
    version: { const: 1 },
    exceptions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['reason'],
        anyOf: [{ required: ['fingerprint'] }, { required: ['rule', 'path'] }],
        properties: {
          fingerprint: { type: 'string', pattern: '^[0-9a-f]{8,64}$' },
          rule: { type: 'string', minLength: 1 },
          path: { type: 'string', minLength: 1 },
          reason: { type: 'string', pattern: '[\\p{L}\\p{N}]' },
          ticket: { type: ['string', 'integer'] },
          approver: { type: 'string', minLength: 1 },
          expires: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
        },
      },
    },
  },
} as const;

let validator: ReturnType<Ajv['compile']> | null = null;

function getValidator(): ReturnType<Ajv['compile']> {
  validator ??= new Ajv({ allErrors: true, strict: false, verbose: true }).compile(
    EXCEPTIONS_SCHEMA,
  );
  return validator;
}

interface RawEntry {
  fingerprint?: string;
  rule?: string;
  path?: string;
  reason: string;
  ticket?: string | number;
  approver?: string;
  expires?: string;
}

/**
 * Loads and validates an exceptions file (YAML or JSON). `resolveRule` turns a rule id or name into
 * its id. Throws `ConfigError` with one line that names the entry and the fix.
 */
export function loadExceptions(
  file: string,
  resolveRule: (key: string) => string | undefined,
): ExceptionsFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : 'unreadable';
    throw new ConfigError(`${file}: exceptions file ${reason}. Check the --exceptions path.`, {
      cause: error,
    });
  }

  const { data, lines } = parseExceptionsText(text, file);
  const validate = getValidator();
  if (!validate(data)) {
    throw new ConfigError(`${file}: ${describeSchemaError(validate.errors ?? [], data)}`);
  }

  const entries = (data as { exceptions: RawEntry[] }).exceptions.map((raw, index) =>
    toEntry(raw, index, lines[index] ?? 1, file, resolveRule),
  );
  return { file, entries };
}

/** Parses YAML or JSON and finds the line of each entry of `exceptions`. */
function parseExceptionsText(text: string, file: string): { data: unknown; lines: number[] } {
  const lineCounter = new LineCounter();
  const document = YAML.parseDocument(text, { lineCounter, prettyErrors: false });
  const error = document.errors[0];
  if (error) {
    const kind = file.endsWith('.json') ? 'JSON' : 'YAML';
    throw new ConfigError(`${file}: invalid ${kind}: ${error.message.split('\n')[0]}`, {
      cause: error,
    });
  }

  const lines: number[] = [];
  const list = isMap(document.contents) ? document.contents.get('exceptions', true) : null;
  if (isSeq(list)) {
    for (const item of list.items) {
      const offset = (item as { range?: [number, number, number] }).range?.[0] ?? 0;
      lines.push(lineCounter.linePos(offset).line);
    }
  }
  return { data: document.toJS() ?? {}, lines };
}

function toEntry(
  raw: RawEntry,
  index: number,
  line: number,
  file: string,
  resolveRule: (key: string) => string | undefined,
): ExceptionEntry {
  const where = `${file}: exceptions[${index}]`;
  let ruleId: string | null = null;
  if (raw.rule !== undefined) {
    ruleId = resolveRule(raw.rule) ?? null;
    if (ruleId === null) {
      throw new ConfigError(
        `${where}.rule "${raw.rule}" is not a known rule id or name. ` +
          'Run `soc2lint rules` for the list.',
      );
    }
  }
  if (raw.expires !== undefined && !isValidDate(raw.expires)) {
    throw new ConfigError(
      `${where}.expires "${raw.expires}" is not a calendar date. Write a real date as YYYY-MM-DD.`,
    );
  }

  const glob = raw.path ?? null;
  return {
    index,
    line,
    fingerprint: raw.fingerprint ?? null,
    ruleId,
    path: glob,
    reason: raw.reason.trim(),
    ticket: raw.ticket === undefined ? null : String(raw.ticket),
    approver: raw.approver ?? null,
    expires: raw.expires ?? null,
    matchPath: glob === null ? null : picomatch(glob, { dot: true }),
  };
}

/** Turns the first schema error into one line: the entry, what is wrong, and the fix. */
function describeSchemaError(errors: ErrorObject[], data: unknown): string {
  // `anyOf` reports each failed branch as `required`; report the `anyOf` itself instead.
  const anyOf = errors.find((error) => error.keyword === 'anyOf');
  const error =
    anyOf ??
    errors.find((candidate) => candidate.keyword !== 'required' || !isAnyOfBranch(candidate)) ??
    errors[0];
  if (!error) {
    return 'invalid exceptions file.';
  }

  const key = toKeyPath(error.instancePath);
  const entry = describeEntry(error.instancePath, data);
  if (key === '(top level)' && error.keyword === 'type') {
    return 'expected a mapping with an exceptions: list at the top level.';
  }
  switch (error.keyword) {
    case 'anyOf':
      return (
        `${key}${entry} needs a fingerprint, or a rule and a path. ` +
        'Copy the fingerprint from the JSON report, or add rule: and path:.'
      );
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      if (missing === 'exceptions') {
        return 'no "exceptions" list. Write the entries under the top-level key exceptions:.';
      }
      return `${key}${entry} has no ${missing}. Add ${missing}: saying why it is accepted.`;
    }
    case 'additionalProperties': {
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      const allowed = key === '(top level)' ? 'version, exceptions' : ENTRY_KEYS.join(', ');
      return `${key}${entry} has unknown key "${extra}". Use only ${allowed}.`;
    }
    case 'pattern':
      return describePatternError(key, entry, error);
    case 'type': {
      const type = (error.params as { type: string | string[] }).type;
      return `${key}${entry} must be ${String(type)}, got ${JSON.stringify(error.data)}.`;
    }
    case 'const':
      return `${key} is ${JSON.stringify(error.data)}. Write version: 1 or leave it out.`;
    default:
      return `${key}${entry} ${error.message ?? 'is invalid'}.`;
  }
}

function describePatternError(key: string, entry: string, error: ErrorObject): string {
  const value = JSON.stringify(error.data);
  if (key.endsWith('.expires')) {
    return `${key}${entry} is ${value}, not a date. Write it as YYYY-MM-DD.`;
  }
  if (key.endsWith('.reason')) {
    return `${key}${entry} is empty. Say why the finding is accepted.`;
  }
  if (key.endsWith('.fingerprint')) {
    return `${key}${entry} is ${value}, not a fingerprint. Copy it from the JSON report.`;
  }
  return `${key}${entry} is ${value}, which is invalid.`;
}

function isAnyOfBranch(error: ErrorObject): boolean {
  return error.schemaPath.includes('/anyOf/');
}

/** `/exceptions/2/expires` becomes `exceptions[2].expires`. */
function toKeyPath(instancePath: string): string {
  if (instancePath === '') {
    return '(top level)';
  }
  let keyPath = '';
  for (const part of instancePath.slice(1).split('/')) {
    if (/^\d+$/.test(part)) {
      keyPath += `[${part}]`;
    } else {
      keyPath += keyPath === '' ? part : `.${part}`;
    }
  }
  return keyPath;
}

/** Names the entry an error is in by its rule and path or fingerprint, so it can be found. */
function describeEntry(instancePath: string, data: unknown): string {
  const match = /^\/exceptions\/(\d+)/.exec(instancePath);
  if (!match) {
    return '';
  }
  const entry = (data as { exceptions: Record<string, unknown>[] }).exceptions[Number(match[1])];
  if (entry === null || typeof entry !== 'object') {
    return '';
  }
  const parts = [entry.rule, entry.path, entry.fingerprint].filter(
    (part): part is string => typeof part === 'string',
  );
  return parts.length > 0 ? ` (${parts.join(' ')})` : '';
}
