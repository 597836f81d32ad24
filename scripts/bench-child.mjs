// One benchmark measurement, run by bench.mjs in a process of its own; prints JSON.
// Modes: `parse` parses every source file once on this thread and frees each tree;
// `scan` runs the full scan with all rules on JOBS worker threads.
import fs from 'node:fs';
import { discoverFiles } from '../dist/src/files/discover.js';
import { DEFAULT_MAX_FILE_SIZE } from '../dist/src/config/load.js';
import { ALL_LANGUAGES, parseSource, prepareParsers } from '../dist/src/parse/parser.js';
import { scan } from '../dist/src/engine/scan.js';

const [mode, dir, jobs] = process.argv.slice(2);
let output;

if (mode === 'parse') {
  const { files } = discoverFiles(dir, { ignore: [], maxFileSize: DEFAULT_MAX_FILE_SIZE });
  const sources = files.filter((file) => file.language !== null);
  await prepareParsers(ALL_LANGUAGES);
  const started = performance.now();
  for (const file of sources) {
    const text = fs.readFileSync(file.absolutePath, 'utf8');
    parseSource(text, file.language).delete();
  }
  output = { ms: performance.now() - started, files: sources.length };
} else {
  const started = performance.now();
  const { result } = await scan({ paths: [dir], jobs: Number(jobs) });
  output = {
    ms: performance.now() - started,
    files: result.stats.files,
    lines: result.stats.lines,
    bytes: result.stats.bytes,
    findings: result.findings.length,
  };
}
// maxRSS covers the worker threads too, because they share this process.
output.maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
process.stdout.write(JSON.stringify(output));
