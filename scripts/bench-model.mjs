#!/usr/bin/env node
// Times model building on every source file under DIR, on one thread, against a bare parse.
// Usage: npm run build && node scripts/bench-model.mjs DIR [--runs N]
// Each mode runs over all files, and the best of N runs (default 3) is printed. The modes take
// turns, so that load from other work on the machine hits all of them alike.
//   parse        parse each file and free its tree
//   model(tree)  parse, build the model from web-tree-sitter's nodes, free the tree
//   model(copy)  parse, copy the tree into JavaScript memory, free it, build from the copy
//   copy only    parse, copy the tree, free it
// A ratio in brackets is the time beyond the bare parse divided by the bare parse time.
import fs from 'node:fs';
import { DEFAULT_MAX_FILE_SIZE } from '../dist/src/config/load.js';
import { discoverFiles } from '../dist/src/files/discover.js';
import { buildJavaScriptModel } from '../dist/src/model/javascript/index.js';
import { buildPythonModel } from '../dist/src/model/python/index.js';
import {
  ALL_LANGUAGES,
  parseSource,
  parseToSyntaxTree,
  prepareParsers,
} from '../dist/src/parse/parser.js';

const args = process.argv.slice(2);
const dir = args.find((arg) => !arg.startsWith('--'));
const runsIndex = args.indexOf('--runs');
const runs = runsIndex === -1 ? 3 : Number(args[runsIndex + 1]);
if (!dir || !(runs >= 1)) {
  console.error('usage: node scripts/bench-model.mjs DIR [--runs N]');
  process.exit(2);
}

function buildFrom(tree, file) {
  if (file.language === 'python') {
    return buildPythonModel(tree, file.source, file.path);
  }
  return buildJavaScriptModel(tree, file.source, file.path, file.language);
}

const MODES = {
  parse(file) {
    parseSource(file.source, file.language).delete();
  },
  'model(tree)'(file) {
    const tree = parseSource(file.source, file.language);
    try {
      buildFrom(tree, file);
    } finally {
      tree.delete();
    }
  },
  'model(copy)'(file) {
    buildFrom(parseToSyntaxTree(file.source, file.language), file);
  },
  'copy only'(file) {
    parseToSyntaxTree(file.source, file.language);
  },
};

const { files } = discoverFiles(dir, { ignore: [], maxFileSize: DEFAULT_MAX_FILE_SIZE });
const sources = files
  .filter((file) => file.language !== null)
  .map((file) => ({ ...file, source: fs.readFileSync(file.absolutePath, 'utf8') }));
await prepareParsers(ALL_LANGUAGES);

// Wall time and the process's CPU time (user + system) per run. On a loaded machine CPU time
// varies less, though it also counts V8's helper threads (concurrent garbage collection).
const bestWall = {};
const bestCpu = {};
for (let run = 0; run < runs; run++) {
  for (const [mode, handle] of Object.entries(MODES)) {
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    for (const file of sources) {
      handle(file);
    }
    const cpu = process.cpuUsage(cpuStarted);
    const wall = performance.now() - started;
    bestWall[mode] = Math.min(bestWall[mode] ?? Infinity, wall);
    bestCpu[mode] = Math.min(bestCpu[mode] ?? Infinity, (cpu.user + cpu.system) / 1000);
  }
}

function describe(best, mode) {
  const ms = best[mode];
  const beyondParse = mode === 'parse' ? '' : ` (+${((ms - best.parse) / best.parse).toFixed(2)}x)`;
  return `${ms.toFixed(0)} ms${beyondParse}`.padEnd(20);
}

const lines = sources.reduce((sum, file) => sum + file.source.split('\n').length, 0);
console.log(`${dir}: ${sources.length} files, ${lines} lines, best of ${runs} runs`);
console.log(`${'mode'.padEnd(12)} ${'wall'.padEnd(20)} cpu`);
for (const mode of Object.keys(MODES)) {
  console.log(`${mode.padEnd(12)} ${describe(bestWall, mode)} ${describe(bestCpu, mode)}`);
}
