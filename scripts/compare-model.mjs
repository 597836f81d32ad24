#!/usr/bin/env node
// Checks that the model built from the JavaScript copy of each syntax tree is byte-identical to
// the model built from web-tree-sitter's own nodes, for every source file under DIR.
// Usage: npm run build && node scripts/compare-model.mjs DIR [DIR...] [--public-cursor]
// --public-cursor copies through web-tree-sitter's public TreeCursor instead of the binding.
// Prints the files compared and the differences; exits 1 when there is any difference.
import fs from 'node:fs';
import { DEFAULT_MAX_FILE_SIZE } from '../dist/src/config/load.js';
import { discoverFiles } from '../dist/src/files/discover.js';
import { buildJavaScriptModel } from '../dist/src/model/javascript/index.js';
import { buildPythonModel } from '../dist/src/model/python/index.js';
import {
  ALL_LANGUAGES,
  copyParsedTree,
  parseSource,
  prepareParsers,
} from '../dist/src/parse/parser.js';
import { copyTree } from '../dist/src/parse/tree-copy.js';

const args = process.argv.slice(2);
const dirs = args.filter((arg) => !arg.startsWith('--'));
const usePublicCursor = args.includes('--public-cursor');
if (dirs.length === 0) {
  console.error('usage: node scripts/compare-model.mjs DIR [DIR...] [--public-cursor]');
  process.exit(2);
}

function buildFrom(tree, source, path, language) {
  if (language === 'python') {
    return buildPythonModel(tree, source, path);
  }
  return buildJavaScriptModel(tree, source, path, language);
}

function describeError(error) {
  return `error: ${error.message}`;
}

await prepareParsers(ALL_LANGUAGES);
let compared = 0;
const differences = [];
for (const dir of dirs) {
  const { files } = discoverFiles(dir, { ignore: [], maxFileSize: DEFAULT_MAX_FILE_SIZE });
  for (const file of files) {
    if (file.language === null) {
      continue;
    }
    const source = fs.readFileSync(file.absolutePath, 'utf8');
    const tree = parseSource(source, file.language);
    let expected;
    let actual;
    try {
      // A failure is part of the output: both sides must fail the same way.
      try {
        expected = JSON.stringify(buildFrom(tree, source, file.path, file.language));
      } catch (error) {
        expected = describeError(error);
      }
      const copy = usePublicCursor ? copyTree(tree, source) : copyParsedTree(tree, source);
      try {
        actual = JSON.stringify(buildFrom(copy, source, file.path, file.language));
      } catch (error) {
        actual = describeError(error);
      }
    } finally {
      tree.delete();
    }
    compared++;
    if (expected !== actual) {
      differences.push(file.absolutePath);
      console.log(`differs: ${file.absolutePath}`);
    }
  }
}
console.log(`files compared: ${compared}, differences: ${differences.length}`);
process.exit(differences.length === 0 ? 0 : 1);
