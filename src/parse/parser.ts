import { createRequire } from 'node:module';
import { Language as TsLanguage, Parser, type Tree } from 'web-tree-sitter';
import type { Language } from '../model/types.js';
import type { SyntaxTree } from './syntax-node.js';
import { copyTree, isCursorBinding, type CursorBinding } from './tree-copy.js';

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

/**
 * web-tree-sitter's Emscripten module. The generated loader fills in the options object that
 * `Parser.init` receives and uses it as the module, so this object ends up holding the binding's
 * exported functions, which `copyTree` calls directly.
 */
const bindingModule: object = {};
let cursorBinding: CursorBinding | undefined;

function initialize(): Promise<void> {
  initialized ??= Parser.init(bindingModule).then(() => {
    // NOTE: without these functions (another web-tree-sitter build, or a module that was
    // initialized elsewhere first), copies go through the public TreeCursor. That copy takes
    // about 1.1x the parse time instead of 0.35x (bench-model.mjs, 2-core machine).
    cursorBinding = isCursorBinding(bindingModule) ? bindingModule : undefined;
  });
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

/**
 * Parses `source` and copies the tree into JavaScript objects, freeing the WebAssembly tree
 * before it returns. The model adapters read the copy without calls into WebAssembly.
 */
export function parseToSyntaxTree(source: string, language: Language): SyntaxTree {
  const tree = parseSource(source, language);
  try {
    return copyParsedTree(tree, source);
  } finally {
    tree.delete();
  }
}

/** True when copies call the binding directly, which needs `prepareParsers` to have run. */
export function hasCursorBinding(): boolean {
  return cursorBinding !== undefined;
}

/** Copies a tree that `parseSource` returned; the caller still owns `tree` and frees it. */
export function copyParsedTree(tree: Tree, source: string): SyntaxTree {
  return copyTree(tree, source, cursorBinding);
}

/** Every language soc2lint parses. */
export const ALL_LANGUAGES: Language[] = ['python', 'javascript', 'typescript', 'tsx'];
