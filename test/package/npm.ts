// npm itself, as the test files in this folder run it: the npm that runs this suite when there is one (npm test sets
// npm_execpath), else the one on PATH, so the Node 22 run packs, installs and runs scripts on Node 22 too.
import { execFile, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

function command(args: readonly string[]): [string, string[]] {
  const cli = process.env['npm_execpath'];
  return cli?.endsWith('.js') ? [process.execPath, [cli, ...args]] : ['npm', [...args]];
}

/** Run npm to completion; rejects (with stdout and stderr) when it exits non-zero. */
export function npm(args: readonly string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  const [file, argv] = command(args);
  return run(file, argv, { cwd, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 });
}

/** Start npm as a long-running process. */
export function spawnNpm(args: readonly string[], options: SpawnOptions): ChildProcess {
  const [file, argv] = command(args);
  return spawn(file, argv, options);
}
