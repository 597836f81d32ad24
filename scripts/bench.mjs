#!/usr/bin/env node
// Benchmarks a scan of DIR against a bare single-thread tree-sitter parse of the same files.
// Usage: npm run bench -- DIR [--jobs N] [--runs N]
// Each measurement runs in a child process of its own, so peak memory (max RSS) is its own.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const dir = args.find((arg) => !arg.startsWith('--'));
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index === -1 ? fallback : Number(args[index + 1]);
};
const jobs = option('--jobs', 2);
const runs = option('--runs', 1);

if (!dir) {
  console.error('usage: npm run bench -- DIR [--jobs N] [--runs N]');
  process.exit(2);
}

function measure(mode) {
  const samples = [];
  for (let run = 0; run < runs; run++) {
    const child = spawnSync(
      process.execPath,
      [path.join(here, 'bench-child.mjs'), mode, path.resolve(dir), String(jobs)],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    if (child.status !== 0) {
      console.error(child.stderr);
      process.exit(2);
    }
    samples.push(JSON.parse(child.stdout));
  }
  // The fastest run is the least disturbed by other work on the machine.
  return samples.sort((left, right) => left.ms - right.ms)[0];
}

const parse = measure('parse');
const scan = measure('scan');
const seconds = scan.ms / 1000;
const rows = [
  ['files', scan.files],
  ['lines', scan.lines],
  ['bytes', scan.bytes],
  ['findings', scan.findings],
  ['bare parse, 1 thread', `${(parse.ms / 1000).toFixed(2)} s, peak ${parse.maxRssMb} MB`],
  [`scan, ${jobs} workers`, `${seconds.toFixed(2)} s, peak ${scan.maxRssMb} MB`],
  ['files per second', Math.round(scan.files / seconds)],
  ['lines per second', Math.round(scan.lines / seconds)],
  ['MB per second', (scan.bytes / 1e6 / seconds).toFixed(2)],
  ['scan / bare parse', (scan.ms / parse.ms).toFixed(2)],
];
for (const [label, value] of rows) {
  console.log(`${label.padEnd(24)} ${value}`);
}
