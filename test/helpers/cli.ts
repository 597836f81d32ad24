import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built command, as the README runs it. */
export const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/soc2lint.js');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI with colour off and returns its exit code and output. */
export function runCli(args: string[], options: { cwd?: string } = {}): CliRun {
  const child = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', DEBUG: '' },
  });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}
