import { getLastName } from '../../model/flow.js';
import { splitWords, type NameTables } from '../../config/names.js';
import type { CallExpr } from '../../model/types.js';

/**
 * How a name reads: a `sensitive` name is a secret or personal data (`reset_token`), a `derived`
 * name is something computed from one (`password_length`, `has_token`), and `neutral` is the rest.
 */
export type NameClass = 'sensitive' | 'derived' | 'neutral';

/**
 * Words that, placed before the sensitive word, make the name a flag, a count or a transformed
 * value, or a token that is no credential: `has_token`, `is_secret`, `num_tokens`, `max_tokens`,
 * `prompt_tokens`, `hashed_password`, `masked_card`, `next_token` (a pagination cursor),
 * `acquire_token` (a semaphore slot), `placeholder_secrets` (stand-in values). Other words
 * before it leave the name sensitive (`reset_token`, `id_token`, `new_password`).
 */
const DERIVING_PREFIXES = [
  'has',
  'is',
  'are',
  'was',
  'were',
  'should',
  'can',
  'must',
  'needs',
  'no',
  'not',
  'num',
  'n',
  'count',
  'total',
  'max',
  'min',
  'prompt',
  'completion',
  'input',
  'output',
  'cached',
  'hash',
  'hashed',
  'digest',
  'masked',
  'redacted',
  'encrypted',
  'sanitized',
  'obfuscated',
  'anonymized',
  'next',
  'page',
  'starting',
  'continuation',
  'pagination',
  'cursor',
  'resume',
  'sync',
  'acquire',
  'release',
  'placeholder',
];

/** The name tables, split into words once per configuration. */
interface WordTables {
  sensitive: string[][];
  derivations: Set<string>;
  prefixes: Set<string>;
  sanitizerWords: string[][];
  sanitizerPaths: string[];
}

const wordTables = new WeakMap<NameTables, WordTables>();

function getWordTables(names: NameTables): WordTables {
  let tables = wordTables.get(names);
  if (tables) {
    return tables;
  }
  const sanitizerWords = names.sanitizers.filter((entry) => !entry.includes('.')).map(splitWords);
  // Longest phrases first, so `social_security_number` wins over `social_security`.
  const sensitive = [...names.sensitivePhrases, ...names.sensitiveWords]
    .map(splitWords)
    .filter((words) => words.length > 0)
    .sort((left, right) => right.length - left.length);
  tables = {
    sensitive,
    derivations: new Set(names.derivationWords.map((word) => word.toLowerCase())),
    prefixes: new Set(DERIVING_PREFIXES),
    sanitizerWords,
    sanitizerPaths: names.sanitizers.filter((entry) => entry.includes('.')),
  };
  wordTables.set(names, tables);
  return tables;
}

/** Classifies an identifier, property or key by its words: `userPassword`, `x-api-key`, `token_type`. */
export function classifyName(name: string, names: NameTables): NameClass {
  const tables = getWordTables(names);
  const words = splitWords(name);
  let lastStart = -1;
  let lastEnd = -1;
  for (let position = 0; position < words.length; position++) {
    const length = matchSensitiveAt(words, position, tables.sensitive);
    if (length > 0) {
      lastStart = position;
      lastEnd = position + length;
      position += length - 1;
    }
  }
  if (lastStart === -1) {
    return 'neutral';
  }
  if (words.slice(lastEnd).some((word) => tables.derivations.has(word))) {
    return 'derived';
  }
  if (words.slice(0, lastStart).some((word) => tables.prefixes.has(word))) {
    return 'derived';
  }
  return 'sensitive';
}

/** Returns how many words of a sensitive entry start at `position`, or 0. A final plural `s` matches. */
function matchSensitiveAt(words: string[], position: number, entries: string[][]): number {
  for (const entry of entries) {
    if (position + entry.length > words.length) {
      continue;
    }
    const matches = entry.every((expected, offset) => {
      const word = words[position + offset]!;
      const isLast = offset === entry.length - 1;
      return word === expected || (isLast && word === `${expected}s`);
    });
    if (matches) {
      return entry.length;
    }
  }
  return 0;
}

/** True when the words of `name` contain `entry` as consecutive words. */
function containsWords(words: string[], entry: string[]): boolean {
  for (let start = 0; start + entry.length <= words.length; start++) {
    if (entry.every((expected, offset) => words[start + offset] === expected)) {
      return true;
    }
  }
  return false;
}

/** Returns the last name of a callee: `sha256` for `hashlib.sha256`, `digest` for `h.update(x).digest`. */
export function getCalleeName(call: CallExpr): string | null {
  const name = getLastName(call.callee);
  if (name !== null) {
    return name;
  }
  if (call.calleePath) {
    return call.calleePath.slice(call.calleePath.lastIndexOf('.') + 1);
  }
  return null;
}

/** True when `call` is a sanitizer: its result no longer carries the secret it was given. */
export function isSanitizerCall(call: CallExpr, names: NameTables): boolean {
  const tables = getWordTables(names);
  const path = call.calleePath;
  if (path && tables.sanitizerPaths.some((entry) => path === entry || path.endsWith(`.${entry}`))) {
    return true;
  }
  const calleeName = getCalleeName(call);
  if (calleeName === null) {
    return false;
  }
  const words = splitWords(calleeName);
  return tables.sanitizerWords.some((entry) => containsWords(words, entry));
}
