import { createRequire } from 'node:module';
import { Language as TsLanguage, Parser, type Tree } from 'web-tree-sitter';
import type { Language } from '../model/types.js';

const require = createRequire(import.meta.url);

/** Grammar `.wasm` files as the grammar packages ship them. */
const GRAMMAR_FILES: Record<Language, string> = {
  python: 'tree-sitter-python/tree-sitter-python.wasm',
  javascript: 'tree-sitter-javascript/tree-sitter-javascript.wasm',
  typescript: 'tree-sitter-typescript/tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-typescript/tree-sitter-tsx.wasm',
};

let initialized: Promise<void> | null = null;
const languages = new Map<Language, Promise<TsLanguage>>();
const parsers = new Map<Language, Parser>();

function initialize(): Promise<void> {
  initialized ??= Parser.init();
  return initialized;
}

function loadLanguage(language: Language): Promise<TsLanguage> {
  let loaded = languages.get(language);
  if (!loaded) {
    loaded = initialize().then(() => TsLanguage.load(require.resolve(GRAMMAR_FILES[language])));
    languages.set(language, loaded);
  }
  return loaded;
}

/** Loads the grammars so that `parseSource` can run synchronously afterwards. */
export async function prepareParsers(needed: Iterable<Language>): Promise<void> {
  for (const language of needed) {
    if (parsers.has(language)) {
      continue;
    }
    const grammar = await loadLanguage(language);
    const parser = new Parser();
    parser.setLanguage(grammar);
    parsers.set(language, parser);
  }
}

/**
 * Parses `source` with the grammar of `language`. The caller owns the tree and must call
 * `tree.delete()` when done, because WebAssembly memory is not garbage collected.
 */
export function parseSource(source: string, language: Language): Tree {
  const parser = parsers.get(language);
  if (!parser) {
    throw new Error(`Expected the ${language} parser to be prepared, got none`);
  }
  const tree = parser.parse(source);
  if (!tree) {
    throw new Error(`Expected a syntax tree for ${language} source, got null`);
  }
  return tree;
}

/** Every language soc2lint parses. */
export const ALL_LANGUAGES: Language[] = ['python', 'javascript', 'typescript', 'tsx'];
