import { Worker } from 'node:worker_threads';
import createDebug from 'debug';
import { ALL_LANGUAGES, prepareParsers } from '../parse/parser.js';
import { analyzeFile, type AnalysisSettings, type FileAnalysis, type SourceFile } from './analyze.js';
import type { WorkerRequest } from './worker.js';

const log = createDebug('soc2lint:engine:pool');

/** Below this many files, starting workers costs more than it saves. */
const IN_PROCESS_LIMIT = 24;
const BATCH_SIZE = 16;
/**
 * Old-generation heap of each worker. Without a cap V8 lets garbage from finished files pile up:
 * on an 850k-line Django service two workers peaked at 410 MB RSS, and at 285 MB with this cap,
 * for 5% more time (scripts/bench.mjs on 2 cores). A 1 MB source file still fits.
 */
const WORKER_HEAP_MB = 160;

/**
 * Analyzes `files` on `jobs` worker threads, or in this thread when there are few files or
 * `jobs` is 1. Results come back in no particular order; `onProgress` counts finished files.
 */
export async function analyzeFiles(
  files: SourceFile[],
  settings: AnalysisSettings,
  jobs: number,
  onProgress: (done: number) => void,
): Promise<FileAnalysis[]> {
  if (jobs <= 1 || files.length <= IN_PROCESS_LIMIT) {
    await prepareParsers(ALL_LANGUAGES);
    const results: FileAnalysis[] = [];
    for (const file of files) {
      results.push(analyzeFile(file, settings));
      onProgress(results.length);
    }
    return results;
  }
  return analyzeOnWorkers(files, settings, Math.min(jobs, Math.ceil(files.length / BATCH_SIZE)), onProgress);
}

function analyzeOnWorkers(
  files: SourceFile[],
  settings: AnalysisSettings,
  jobs: number,
  onProgress: (done: number) => void,
): Promise<FileAnalysis[]> {
  const queue: SourceFile[][] = [];
  for (let index = 0; index < files.length; index += BATCH_SIZE) {
    queue.push(files.slice(index, index + BATCH_SIZE));
  }
  const results: FileAnalysis[] = [];
  let running = 0;
  log('analyzing %d files on %d workers', files.length, jobs);

  return new Promise((resolve) => {
    const startWorker = () => {
      const worker = new Worker(new URL('./worker.js', import.meta.url), {
        workerData: settings,
        resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
      });
      let batch: SourceFile[] | null = null;
      let settled = false;
      running++;

      const dispatch = () => {
        batch = queue.shift() ?? null;
        if (batch === null) {
          settled = true;
          void worker.terminate();
          if (--running === 0) {
            resolve(results);
          }
          return;
        }
        worker.postMessage({ type: 'files', files: batch } satisfies WorkerRequest);
      };
      // A crash inside a worker (out of memory in WebAssembly, say) must not cost other files:
      // the batch is retried one file at a time, and a file that crashes alone gets a note.
      const recover = (reason: string) => {
        if (settled) {
          return;
        }
        settled = true;
        running--;
        log('worker failed on a batch: %s', reason);
        if (batch && batch.length > 1) {
          queue.push(...batch.map((file) => [file]));
        } else if (batch) {
          results.push(failedAnalysis(batch[0]!, reason));
          onProgress(results.length);
        }
        if (queue.length > 0 || running === 0) {
          startWorker();
        }
      };

      worker.on('message', (analyses: FileAnalysis[]) => {
        results.push(...analyses);
        onProgress(results.length);
        dispatch();
      });
      worker.on('error', (error) => recover(error.message));
      worker.on('exit', (code) => recover(`worker exited with code ${code}`));
      dispatch();
    };

    for (let index = 0; index < jobs; index++) {
      startWorker();
    }
  });
}

function failedAnalysis(file: SourceFile, reason: string): FileAnalysis {
  return {
    path: file.path,
    findings: [],
    notes: [{ path: file.path, kind: 'error', reason: `analysis crashed: ${reason}` }],
    summaries: {},
    lines: 0,
    bytes: 0,
  };
}
