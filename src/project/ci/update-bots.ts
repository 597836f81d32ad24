import { isJsonObject, parseJsonWithLines } from '../json-with-lines.js';
import type { Ecosystem } from '../lockfiles/types.js';
import { isScalar } from 'yaml';
import { getItems, getLine, getNode, getString, parseYamlSource } from './yaml-nodes.js';

/** One `updates:` entry of a Dependabot configuration. */
export interface DependabotUpdate {
  /** `package-ecosystem` as written: `npm`, `pip`, `github-actions`. */
  ecosystem: string;
  directories: string[];
  line: number;
}

export interface DependabotConfig {
  path: string;
  /** Line of the `updates:` key, or 1 when it is missing. */
  line: number;
  updates: DependabotUpdate[];
}

export interface RenovateConfig {
  path: string;
  /** False when the configuration sets `"enabled": false`. */
  enabled: boolean;
  /** `enabledManagers` when the configuration restricts them; null means all managers. */
  enabledManagers: string[] | null;
}

/** Dependabot `package-ecosystem` values that update each ecosystem's manifests. */
export const DEPENDABOT_ECOSYSTEMS: Record<Ecosystem, string[]> = {
  npm: ['npm', 'bun'],
  PyPI: ['pip', 'uv', 'pipenv', 'poetry'],
};

/** Renovate managers that update each ecosystem's manifests. */
export const RENOVATE_MANAGERS: Record<Ecosystem, string[]> = {
  npm: ['npm', 'bun'],
  PyPI: [
    'pep621',
    'pep723',
    'pip-compile',
    'pip_requirements',
    'pip_setup',
    'pipenv',
    'poetry',
    'setup-cfg',
  ],
};

/** Renovate configuration files, in the order Renovate looks for them. */
export const RENOVATE_FILES = [
  'renovate.json',
  'renovate.json5',
  '.github/renovate.json',
  '.github/renovate.json5',
  '.gitlab/renovate.json',
  '.gitlab/renovate.json5',
  '.renovaterc',
  '.renovaterc.json',
  '.renovaterc.json5',
];

/** Reads `.github/dependabot.yml`; throws on invalid YAML. */
export function readDependabotConfig(text: string, path: string): DependabotConfig {
  const source = parseYamlSource(text);
  const updates: DependabotUpdate[] = [];
  const updatesKey = source.root.items.find(
    (pair) => isScalar(pair.key) && pair.key.value === 'updates',
  )?.key;
  for (const update of getItems(source, getNode(source, source.root, 'updates'))) {
    const ecosystem = getString(source, update, 'package-ecosystem');
    if (!ecosystem) {
      continue;
    }
    const directory = getString(source, update, 'directory');
    const directories = getItems(source, getNode(source, update, 'directories'))
      .map((item) => (isScalar(item) ? String(item.value) : ''))
      .filter((item) => item !== '');
    if (directory) {
      directories.push(directory);
    }
    updates.push({ ecosystem, directories, line: getLine(source, update) });
  }
  return { path, line: getLine(source, updatesKey), updates };
}

/**
 * Reads a Renovate configuration: JSON, JSON5 (`renovate.json5`, `.renovaterc`) or the
 * `renovate` key of `package.json`. JSON5 is read by removing comments and trailing commas and
 * by quoting bare keys. A file that still does not parse counts as enabled for all managers,
 * because Renovate itself reports such an error to the repository owner.
 */
export function readRenovateConfig(text: string, path: string, key?: string): RenovateConfig {
  let config: unknown;
  try {
    config = parseJsonWithLines(text).value;
  } catch {
    try {
      config = parseJsonWithLines(toJson(text)).value;
    } catch {
      return { path, enabled: true, enabledManagers: null };
    }
  }
  if (key !== undefined) {
    config = isJsonObject(config) ? config[key] : undefined;
  }
  if (!isJsonObject(config)) {
    return { path, enabled: true, enabledManagers: null };
  }
  const managers = config.enabledManagers;
  return {
    path,
    enabled: config.enabled !== false,
    enabledManagers: Array.isArray(managers) ? managers.map(String) : null,
  };
}

// Converts the JSON5 subset used in Renovate files to JSON.
function toJson(text: string): string {
  let result = '';
  let position = 0;
  while (position < text.length) {
    const char = text[position];
    if (char === '"' || char === "'") {
      const end = findQuoteEnd(text, position, char);
      const body = text.slice(position + 1, end);
      result += char === '"' ? `"${body}"` : JSON.stringify(body.replace(/\\'/g, "'"));
      position = end + 1;
    } else if (text.startsWith('//', position)) {
      const end = text.indexOf('\n', position);
      position = end < 0 ? text.length : end;
    } else if (text.startsWith('/*', position)) {
      const end = text.indexOf('*/', position + 2);
      position = end < 0 ? text.length : end + 2;
    } else {
      result += char;
      position += 1;
    }
  }
  return result
    .replace(/,(\s*[}\]])/g, '$1')
    .replace(/([{,]\s*)([A-Za-z_$][\w$]*)\s*:/g, '$1"$2":');
}

function findQuoteEnd(text: string, start: number, quote: string): number {
  let position = start + 1;
  while (position < text.length && text[position] !== quote) {
    position += text[position] === '\\' ? 2 : 1;
  }
  return position;
}
