/**
 * The batch timer: warm up, then time ~2 ms batches with `process.hrtime.bigint()`, yielding to the event loop
 * between batches (a loop that never yields lets WeakRef-held child containers pile up and inflates some peers
 * 2-3x). The figure is the median batch's nanoseconds per operation, over the batches the OS did not interrupt.
 */
import { readFileSync } from 'node:fs';

/** How long to warm up and measure, in milliseconds. */
export interface TimingOptions {
  readonly warmupMs: number;
  readonly measureMs: number;
  readonly batchMs: number;
}

/** What one process measured for one operation. */
export interface Timing {
  /** Median over batches of nanoseconds per operation. */
  readonly nsPerOp: number;
  readonly batches: number;
  /** Batches left out because the OS took the CPU away from this thread during them. */
  readonly preempted: number;
  readonly ops: number;
}

/**
 * Nanoseconds this thread has spent runnable but waiting for a CPU (the second field of Linux's
 * `/proc/thread-self/schedstat`), or undefined where that file does not exist. On a busy 2-core machine a large
 * share of 2 ms batches include such a wait, which would inflate the median.
 */
function runQueueWait(): number | undefined {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** Written by every timed operation so the optimiser cannot drop the work. */
export let sink: unknown;

const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function runSync(op: () => unknown, n: number): bigint {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sink = op();
  return process.hrtime.bigint() - start;
}

async function runAsync(op: () => unknown, n: number): Promise<bigint> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sink = await op();
  return process.hrtime.bigint() - start;
}

/**
 * Time `op`. An op that returns a promise is awaited before the next one starts (its idiomatic use); one that
 * returns a value runs in a plain loop, so a sync API is not charged for an await it does not need.
 */
export async function time(op: () => unknown, options: TimingOptions): Promise<Timing> {
  const probe = op();
  const isAsync = probe instanceof Promise;
  if (isAsync) await probe;
  const run = (n: number): bigint | Promise<bigint> => (isAsync ? runAsync(op, n) : runSync(op, n));
  const batchNs = options.batchMs * 1e6;

  // Warm up, recalibrating the batch size so a batch lasts about batchMs.
  let n = 1;
  const warmupEnd = process.hrtime.bigint() + BigInt(Math.round(options.warmupMs * 1e6));
  do {
    const elapsed = Number(await run(n));
    n = Math.max(1, Math.min(n * 4, Math.round((n * batchNs) / Math.max(elapsed, 1))));
    await yieldTurn();
  } while (process.hrtime.bigint() < warmupEnd);

  const all: number[] = [];
  const clean: number[] = [];
  let ops = 0;
  const measureEnd = process.hrtime.bigint() + BigInt(Math.round(options.measureMs * 1e6));
  do {
    const waitBefore = runQueueWait();
    const elapsed = Number(await run(n));
    const waited = waitBefore === undefined ? 0 : runQueueWait()! - waitBefore;
    all.push(elapsed / n);
    if (waited <= elapsed * 0.01) clean.push(elapsed / n);
    ops += n;
    await yieldTurn();
  } while (process.hrtime.bigint() < measureEnd || clean.length < 5 && all.length < 1000);

  // Should nearly every batch have been interrupted, the uninterrupted ones are too few to trust: use them all.
  const kept = clean.length >= Math.max(5, all.length / 10) ? clean : all;
  return { nsPerOp: median(kept), batches: kept.length, preempted: all.length - kept.length, ops };
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
