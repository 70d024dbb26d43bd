import { readdirSync, readFileSync } from 'node:fs';
import { ThreadCountUnsupportedError } from '../errors/threads.js';

const TASK_DIR = '/proc/self/task';

/**
 * The number of OS threads this process has right now, read from `/proc/self/task` (Linux).
 * Throws `LOOPSAFE_ERR_THREAD_COUNT_UNSUPPORTED` where that source does not exist, rather than guess.
 * Reading it is synchronous and never touches the libuv thread pool.
 */
export function countThreads(): number {
  const count = readThreadCount();
  if (count === undefined) throw new ThreadCountUnsupportedError(process.platform, TASK_DIR);
  return count;
}

/** The thread count, or `undefined` where the platform has no source for it. @internal */
export function readThreadCount(dir = TASK_DIR): number | undefined {
  try {
    return readdirSync(dir).length;
  } catch {
    return undefined;
  }
}

/**
 * The names of the process's threads (`MainThread`, `libuv-worker`, a Worker's `name`, ...), one per thread, or
 * `undefined` where the platform does not expose them. Names are data for reports, never a verdict: Node 20 calls
 * every thread `node`. @internal
 */
export function readThreadNames(dir = TASK_DIR): string[] | undefined {
  try {
    return readdirSync(dir).map((tid) => {
      try {
        return readFileSync(`${dir}/${tid}/comm`, 'utf8').trim();
      } catch {
        return '?'; // the thread ended between the listing and the read
      }
    });
  } catch {
    return undefined;
  }
}
