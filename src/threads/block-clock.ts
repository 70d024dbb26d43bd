import { openSync, readSync } from 'node:fs';
import * as perfHooks from 'node:perf_hooks';
import * as observer from '../resolution/observer.js';

// Read on every factory run, so held as this module's own constants (an imported binding is read through its module
// cell on each use; see the note in resolution/resolve.ts), and the clock's state is fields of one constant object
// rather than module `let`s, which V8 checks for their temporal dead zone on each read.
const { performance } = perfHooks;
const { resolverStretch } = observer;

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

// Times are fractional milliseconds, kept in Float64Arrays: a double stored in a module variable or an object field
// is a new heap number each time, and a plain array emptied by pop() gives its storage back, so the next push
// allocates again: either would be an allocation per factory run.
const STAMP_WALL = 0; // when the run-queue wait was last read
const STAMP_WAITED = 1; // that reading (NaN: not available)
const LAST_END = 2; // the end of the latest timed factory run
const clock = new Float64Array([-Infinity, NaN, 0]);
const watch = {
  /** The resolver's stretch (see `resolverStretch` in observer.ts) the latest timed run ended in. */
  lastStretch: -1,
  /** Start time and run-queue wait of each timed run in progress, innermost last (a factory can resolve another). */
  starts: new Float64Array(64),
  waits: new Float64Array(64),
  depth: 0,
};

/**
 * Start timing a factory run. `adjacent`: no other factory run is executing (this one is not nested in another's
 * synchronous part). When the latest timed run ended in the same stretch of resolver code, nothing but the resolver
 * ran since, so its end is this run's start: one clock read per factory run instead of two. Each start is followed
 * by one {@link overBudget} or {@link dropWatch}. @internal
 */
export function startWatch(budgetMs: number, adjacent: boolean): void {
  const wall = adjacent && watch.lastStretch === resolverStretch.current ? clock[LAST_END]! : performance.now();
  if (wall - clock[STAMP_WALL]! > budgetMs / 2) readWaited(wall);
  if (watch.depth === watch.starts.length) grow();
  watch.starts[watch.depth] = wall;
  watch.waits[watch.depth++] = clock[STAMP_WAITED]!;
}

// Apart from startWatch() so that stays small enough to be inlined into every factory run.
function readWaited(wall: number): void {
  clock[STAMP_WAITED] = waitedMs() ?? NaN;
  clock[STAMP_WALL] = wall;
}

function grow(): void {
  const wider = (from: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
    const to = new Float64Array(from.length * 2);
    to.set(from);
    return to;
  };
  watch.starts = wider(watch.starts);
  watch.waits = wider(watch.waits);
}

/** The run ended without a reading (it threw): forget its start, and the next run reads its own. @internal */
export function dropWatch(): void {
  watch.depth--;
  watch.lastStretch = -1;
}

/** A factory ran untimed: the next timed run may not start from the latest end. @internal */
export function dropStamp(): void {
  watch.lastStretch = -1;
}

/**
 * End timing the innermost run: the block in ms when it is over budget, else `undefined`. `ms` is wall-clock time,
 * `ownMs` that minus the time the thread waited for a CPU (`undefined` where the OS does not report it). @internal
 */
export function overBudget(budgetMs: number): { ms: number; ownMs: number | undefined } | undefined {
  const end = performance.now();
  clock[LAST_END] = end;
  watch.lastStretch = resolverStretch.current;
  const ms = end - watch.starts[--watch.depth]!;
  return ms <= budgetMs ? undefined : ownTime(ms, watch.waits[watch.depth]!, budgetMs);
}

/** A run over budget by the wall clock: is it, once the time the thread waited for a CPU is taken out? */
function ownTime(ms: number, waited: number, budgetMs: number): { ms: number; ownMs: number | undefined } | undefined {
  const waitedNow = Number.isNaN(waited) ? undefined : waitedMs();
  if (waitedNow === undefined) return { ms, ownMs: undefined };
  const ownMs = Math.max(0, ms - (waitedNow - waited));
  return ownMs > budgetMs ? { ms, ownMs } : undefined;
}
