import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

/** A real redis-server on loopback, owned by one test file. */
export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** Stop the server (SIGTERM, waits for the exit). Data is not persisted. */
  stop(): Promise<void>;
  /** Start it again on the same port. */
  start(): Promise<void>;
  /** Freeze the process (SIGSTOP): connections stay open, nothing answers. */
  pause(): void;
  /** Thaw it (SIGCONT). */
  resume(): void;
}

/** Anything that runs cleanups at the end: an ava `t`, or {@link fileOwner}. */
export interface Owner {
  teardown(fn: () => unknown): void;
}

/**
 * Start a redis-server on a free 127.0.0.1 port, with no persistence, in a temp dir; it is killed by the owner's
 * teardown. `.ci/run` installs redis-server; on a dev machine: `apt-get install redis-server`. `args` are more
 * redis-server options (cluster mode, for one).
 */
export async function startRedis(t: Owner, args: readonly string[] = []): Promise<RedisServer> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'loopsafe-redis-'));
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    const proc = spawn('redis-server', [
      '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', ...args,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      proc.once('error', (error) => reject(new Error(`redis-server did not start (is it installed?): ${error.message}`)));
      proc.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
      proc.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('Ready to accept connections')) resolve();
      });
    });
  };
  const stop = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (proc === undefined || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    await exited;
  };

  t.teardown(async () => {
    child?.kill('SIGCONT');
    await stop();
    await rm(dir, { recursive: true, force: true });
  });
  await start();
  return {
    port, url: `redis://127.0.0.1:${port}`, stop, start,
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
  };
}

/**
 * An owner whose teardowns run when the test file ends (`test.after.always`), for one server shared by a file.
 * Pass ava's `test` function.
 */
export function fileOwner(test: { after: { always: (fn: () => Promise<void>) => void } }): Owner {
  const cleanups: (() => unknown)[] = [];
  test.after.always(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });
  return { teardown: (fn) => cleanups.push(fn) };
}

/** Poll `check` every 5 ms until it returns true (at most 5 s): for states only Redis can show, such as a held lock. */
export async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('the condition never became true');
}
