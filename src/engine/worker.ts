import { parentPort, workerData } from 'node:worker_threads';
import { ALL_LANGUAGES, prepareParsers } from '../parse/parser.js';
import { analyzeFile, type AnalysisSettings, type SourceFile } from './analyze.js';

/** Messages a worker receives: a batch of files to analyze, or nothing more to do. */
export type WorkerRequest = { type: 'files'; files: SourceFile[] } | { type: 'stop' };

const settings = workerData as AnalysisSettings;
const ready = prepareParsers(ALL_LANGUAGES);

parentPort?.on('message', async (request: WorkerRequest) => {
  if (request.type === 'stop') {
    process.exit(0);
  }
  await ready;
  const results = request.files.map((file) => analyzeFile(file, settings));
  parentPort?.postMessage(results);
});
