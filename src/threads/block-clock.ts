import { openSync, readSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

// How long a factory's synchronous part held the loop by itself, not counting time the OS gave to other processes.
//
// Wall-clock alone misleads on a loaded machine: a trivial factory can "take" 60 ms because the process sat on the
// run queue (measured here: a 50 ms busy loop got 16 ms of CPU). Linux counts, per thread, the time spent runnable
// but waiting for a CPU (/proc/thread-self/schedstat, second field). Reading it costs a few µs, too much for every
// factory, so it is read at most every budget/2 ms: a factory is reported when its wall time minus the run-queue
// wait since that reading is over the budget. That never reports a factory whose own time (CPU plus sync I/O waits)
// is under the budget, and always reports one over 1.5 x the budget. Elsewhere wall-clock alone decides.

const SCHEDSTAT = '/proc/thread-self/schedstat';
const buffer = Buffer.alloc(96);
let fd: number | null | undefined; // null: not available here

/** Run-queue wait of the current thread in ms, or `undefined` where the OS does not say. */
function waitedMs(): number | undefined {
  if (fd === null) return undefined;
  try {
    fd ??= openSync(SCHEDSTAT, 'r');
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    const waited = Number(buffer.toString('latin1', 0, n).split(' ')[1]);
    if (!Number.isFinite(waited)) throw new Error('unexpected schedstat');
    return waited / 1e6;
  } catch {
    fd = null;
    return undefined;
  }
}

let stampWall = -Infinity;
let stampWaited: number | undefined;

/** A stopwatch started before a factory runs. @internal */
export interface BlockWatch {
  readonly wall: number;
  readonly waited: number | undefined;
}

/** @internal */
export function startWatch(budgetMs: number): BlockWatch {
  const wall = performance.now();
  if (wall - stampWall > budgetMs / 2) {
    stampWaited = waitedMs();
    stampWall = wall;
  }
  return { wall, waited: stampWaited };
}

/**
 * The block in ms when it is over budget, else `undefined`: `ms` is wall-clock time, `ownMs` that minus the time
 * the thread waited for a CPU (`undefined` where the OS does not report it). @internal
 */
export function overBudget(watch: BlockWatch, budgetMs: number): { ms: number; ownMs: number | undefined } | undefined {
  const ms = performance.now() - watch.wall;
  if (ms <= budgetMs) return undefined;
  const now = watch.waited === undefined ? undefined : waitedMs();
  if (now === undefined || watch.waited === undefined) return { ms, ownMs: undefined };
  const ownMs = Math.max(0, ms - (now - watch.waited));
  return ownMs > budgetMs ? { ms, ownMs } : undefined;
}
