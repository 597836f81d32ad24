import fs from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import YAML from 'yaml';
import { ConfigError } from './errors.js';
import { mergeNames, type NameTables } from './names.js';
import { CONFIG_SCHEMA } from './schema.js';
import type { Severity } from '../rules/types.js';

/** File names looked up in the scanned root, in this order. */
export const CONFIG_FILE_NAMES = [
  'soc2lint.config.json',
  'soc2lint.config.yaml',
  'soc2lint.config.yml',
  '.soc2lint.json',
  '.soc2lint.yaml',
  '.soc2lint.yml',
];

export const DEFAULT_MAX_FILE_SIZE = 1024 * 1024;

type RuleSetting =
  | 'off'
  | 'on'
  | Severity
  | { enabled?: boolean; severity?: Severity; options?: Record<string, unknown> };

interface RawConfig {
  rules?: Record<string, RuleSetting>;
  ignore?: string[];
  maxFileSize?: number;
  failOn?: Severity;
  advisoryDb?: string;
  names?: Partial<NameTables>;
}

/** The effective settings of one rule. */
export interface RuleConfig {
  enabled: boolean;
  severity: Severity | null;
  options: Record<string, unknown>;
}

export interface Config {
  /** Absolute path of the file the settings came from, or null for defaults. */
  file: string | null;
  /** Settings keyed by rule id or rule name, as written. */
  rules: Record<string, RuleConfig>;
  ignore: string[];
  maxFileSize: number;
  failOn: Severity | null;
  advisoryDb: string | null;
  names: NameTables;
}

let validator: ReturnType<Ajv['compile']> | null = null;

function getValidator(): ReturnType<Ajv['compile']> {
  validator ??= new Ajv({ allErrors: true, strict: false, verbose: true }).compile(CONFIG_SCHEMA);
  return validator;
}

/** Finds the configuration file of `root`, or null when there is none. */
export function findConfigFile(root: string): string | null {
  const found = CONFIG_FILE_NAMES.filter((name) => fs.existsSync(path.join(root, name)));
  if (found.length > 1) {
    throw new ConfigError(
      `${root}: found ${found.join(' and ')}. Keep one configuration file, or name it with --config.`,
    );
  }
  return found.length === 1 ? path.join(root, found[0]!) : null;
}

/**
 * Loads and validates a configuration file. The file is parsed as JSON or YAML, never executed.
 * Throws `ConfigError` naming the key and the fix when it is invalid.
 */
export function loadConfig(file: string | null): Config {
  if (file === null) {
    return toConfig({}, null);
  }

  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : 'unreadable';
    throw new ConfigError(`${file}: configuration file ${reason}. Check the --config path.`, {
      cause: error,
    });
  }

  const raw = parseConfigText(text, file);
  const validate = getValidator();
  if (!validate(raw)) {
    throw new ConfigError(`${file}: ${describeSchemaError(validate.errors ?? [])}`);
  }
  return toConfig(raw as RawConfig, file);
}

function parseConfigText(text: string, file: string): unknown {
  const isJson = file.endsWith('.json');
  try {
    if (isJson) {
      return JSON.parse(text);
    }
    const document = YAML.parseDocument(text, { prettyErrors: false });
    if (document.errors.length > 0) {
      throw document.errors[0];
    }
    return document.toJS() ?? {};
  } catch (error) {
    const kind = isJson ? 'JSON' : 'YAML';
    throw new ConfigError(`${file}: invalid ${kind}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Turns the first schema error into one line: key path, value, and what is allowed. */
function describeSchemaError(errors: ErrorObject[]): string {
  // Prefer the most specific error: the deepest key, and never the `oneOf` summary, because a
  // `rules` entry fails every branch and the deepest branch error names the bad value.
  const specific = errors
    .filter((candidate) => candidate.keyword !== 'oneOf')
    .sort((left, right) => right.instancePath.length - left.instancePath.length);
  const error = specific[0] ?? errors[0];
  if (!error) {
    return 'invalid configuration.';
  }
  const key = error.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(top level)';
  switch (error.keyword) {
    case 'additionalProperties': {
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      const where = key === '(top level)' ? '' : ` in ${key}`;
      return `unknown key "${extra}"${where}. Remove it or check its spelling.`;
    }
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues;
      return `${key} is ${JSON.stringify(error.data)}, which is not one of ${allowed.join(', ')}.`;
    }
    case 'type':
      return `${key} must be ${(error.params as { type: string }).type}, got ${JSON.stringify(error.data)}.`;
    default:
      return `${key} ${error.message ?? 'is invalid'}.`;
  }
}

function toConfig(raw: RawConfig, file: string | null): Config {
  const rules: Record<string, RuleConfig> = {};
  for (const [key, setting] of Object.entries(raw.rules ?? {})) {
    rules[key] = toRuleConfig(setting);
  }
  const base = file ? path.dirname(file) : process.cwd();
  return {
    file,
    rules,
    ignore: raw.ignore ?? [],
    maxFileSize: raw.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
    failOn: raw.failOn ?? null,
    advisoryDb: raw.advisoryDb ? path.resolve(base, raw.advisoryDb) : null,
    names: mergeNames(raw.names),
  };
}

function toRuleConfig(setting: RuleSetting): RuleConfig {
  if (setting === 'off') {
    return { enabled: false, severity: null, options: {} };
  }
  if (setting === 'on') {
    return { enabled: true, severity: null, options: {} };
  }
  if (typeof setting === 'string') {
    return { enabled: true, severity: setting, options: {} };
  }
  return {
    enabled: setting.enabled ?? true,
    severity: setting.severity ?? null,
    options: setting.options ?? {},
  };
}
