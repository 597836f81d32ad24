import path from 'node:path';
import type { ScanOptions } from '../engine/scan.js';

/** The options `scan` and `baseline` share on the command line. */
export interface CommonScanFlags {
  rules?: string[];
  excludeRules?: string[];
  config?: string;
  exceptions?: string;
  maxFileSize?: number;
  jobs?: number;
  advisoryDb?: string;
  online?: boolean;
}

/** Maps the shared command-line flags onto the engine's scan options. */
export function toScanOptions(paths: string[], flags: CommonScanFlags): ScanOptions {
  return {
    paths,
    configFile: flags.config ?? null,
    rules: flags.rules,
    excludeRules: flags.excludeRules,
    maxFileSize: flags.maxFileSize,
    jobs: flags.jobs,
    advisoryDb: flags.advisoryDb ? path.resolve(flags.advisoryDb) : undefined,
    online: flags.online,
    exceptionsFile: flags.exceptions,
  };
}
