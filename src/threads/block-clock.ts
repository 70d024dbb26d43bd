import { openSync, readSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { stretch } from '../resolution/observer.js';

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

/** Where a stopwatch started: kept by the caller (on its factory run), so starting one allocates nothing. @internal */
export interface BlockWatch {
  /** `performance.now()` when the factory started. */
  startedAt: number;
  /** Run-queue wait (ms) read at or before the start, `undefined` where the OS does not say. */
  waitedAt: number | undefined;
}

// The end of the latest timed factory run, and the resolver's stretch it ended in (see `stretch` in observer.ts).
let lastEnd = 0;
let lastStretch = -1;

/**
 * Start `watch` now. `adjacent`: no other factory run is executing (this one is not nested in another's
 * synchronous part). When the latest timed run ended in the same stretch of resolver code, nothing but the resolver
 * ran since, so its end is this run's start: one clock read per factory run instead of two. @internal
 */
export function startWatch(watch: BlockWatch, budgetMs: number, adjacent: boolean): void {
  const wall = adjacent && lastStretch === stretch ? lastEnd : performance.now();
  if (wall - stampWall > budgetMs / 2) {
    stampWaited = waitedMs();
    stampWall = wall;
  }
  watch.startedAt = wall;
  watch.waitedAt = stampWaited;
}

/** A run ended without a reading (it threw): the next one reads its own start. @internal */
export function dropStamp(): void {
  lastStretch = -1;
}

/**
 * The block in ms when it is over budget, else `undefined`: `ms` is wall-clock time, `ownMs` that minus the time
 * the thread waited for a CPU (`undefined` where the OS does not report it). @internal
 */
export function overBudget(watch: BlockWatch, budgetMs: number): { ms: number; ownMs: number | undefined } | undefined {
  const end = performance.now();
  lastEnd = end;
  lastStretch = stretch;
  const ms = end - watch.startedAt;
  if (ms <= budgetMs) return undefined;
  const now = watch.waitedAt === undefined ? undefined : waitedMs();
  if (now === undefined || watch.waitedAt === undefined) return { ms, ownMs: undefined };
  const ownMs = Math.max(0, ms - (now - watch.waitedAt));
  return ownMs > budgetMs ? { ms, ownMs } : undefined;
}
