import type { Tree } from 'web-tree-sitter';
import { buildJavaScriptModel } from './javascript/index.js';
import { buildPythonModel } from './python/index.js';
import type { FileModel, Language } from './types.js';

/** Builds the language-neutral model of one parsed file with the adapter of its language. */
export function buildModel(tree: Tree, source: string, path: string, language: Language): FileModel {
  if (language === 'python') {
    return buildPythonModel(tree, source, path);
  }
  return buildJavaScriptModel(tree, source, path, language);
}
