import { Tree } from 'web-tree-sitter';
import { copyParsedTree } from '../parse/parser.js';
import type { SyntaxTree } from '../parse/syntax-node.js';
import { buildJavaScriptModel } from './javascript/index.js';
import { buildPythonModel } from './python/index.js';
import type { FileModel, Language } from './types.js';

/**
 * Builds the language-neutral model of one parsed file with the adapter of its language. A
 * web-tree-sitter `Tree` is copied first, as `parseToSyntaxTree` does, so that every caller
 * builds from the same kind of nodes. The caller still owns that tree and frees it.
 */
export function buildModel(
  tree: SyntaxTree,
  source: string,
  path: string,
  language: Language,
): FileModel {
  const copy = tree instanceof Tree ? copyParsedTree(tree, source) : tree;
  if (language === 'python') {
    return buildPythonModel(copy, source, path);
  }
  return buildJavaScriptModel(copy, source, path, language);
}
