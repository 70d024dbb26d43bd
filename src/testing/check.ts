import { stat } from 'node:fs';
import { isMainThread, threadId } from 'node:worker_threads';
import { InvalidOptionError } from '../errors/container.js';
import { OverlappingCheckError, SharedProcessError, ThreadLeakError } from '../errors/testing.js';
import { validateOptions } from '../options/validate.js';
import { countUnobserved, setAmbientObserver, trackUnobserved } from '../resolution/observer.js';
import { acquireAttribution, releaseAttribution } from '../threads/attribution.js';
import { readThreadCount, readThreadNames } from '../threads/count.js';
import type { LeakReport, LoopBlockFinding, OffloadFinding } from '../findings/types.js';
import { createThreadMonitor } from '../threads/monitor.js';
import { addSink, removeSink, type FindingSink } from '../threads/sinks.js';
import { HandleTracker } from './handles.js';
import { leakCheckSchema, type LeakCheckOptions } from './options.js';
import { formatLeakReport } from './report.js';
import { WorkerTracker } from './workers.js';

// The leak check reports containers that ran without a monitor; from here on, containers are listed for it.
trackUnobserved();

const activeKey = Symbol.for('loopsafe.testing.activeCheck');

/**
 * Run `block` and report what it left behind: more OS threads than before, thread-pool work or Workers attributed
 * to a provider's factory, handles it opened that are still open. Never throws for leaks (see
 * {@link assertNoThreadLeaks}); throws `LOOPSAFE_ERR_TESTING_SHARED_PROCESS` in a worker thread and
 * `LOOPSAFE_ERR_TESTING_OVERLAP` when another check is running, since neither place allows a true answer.
 *
 * ```ts
 * const report = await checkThreadLeaks(async () => {
 *   const app = await createApp({ providers, controllers });
 *   await app.inject({ method: 'GET', url: '/users' });
 *   await app.close();
 * });
 * if (!report.ok) console.error(report.threads, report.offloads, report.handles);
 * ```
 */
export async function checkThreadLeaks(block: () => unknown, options: LeakCheckOptions = {}): Promise<LeakReport> {
  if (typeof block !== 'function') throw new InvalidOptionError('checkThreadLeaks', 'block', 'a function', block);
  validateOptions(leakCheckSchema, options, 'checkThreadLeaks');
  const settleMs = options.settleMs ?? 1000;
  const failOnUnref = options.failOnUnrefHandles ?? false;
  if (!isMainThread) throw new SharedProcessError(threadId);
  const slot = globalThis as Record<symbol, string | undefined>;
  if (slot[activeKey] !== undefined) throw new OverlappingCheckError(slot[activeKey]);
  slot[activeKey] = options.title ?? '(untitled)';
  try {
    return await run(block, options.title, settleMs, failOnUnref);
  } finally {
    slot[activeKey] = undefined;
  }
}

/**
 * {@link checkThreadLeaks}, throwing `LOOPSAFE_ERR_THREAD_LEAK` (a `ThreadLeakError` whose message is the readable
 * report and whose `report` is the data) when something leaked. Works in any test runner.
 *
 * ```ts
 * await assertNoThreadLeaks(async () => {
 *   const app = await buildApp();
 *   await app.inject('/users/1');
 *   await app.close();
 * });
 * ```
 */
export async function assertNoThreadLeaks(block: () => unknown, options: LeakCheckOptions = {}): Promise<LeakReport> {
  const report = await checkThreadLeaks(block, options);
  if (!report.ok) throw new ThreadLeakError(report, formatLeakReport(report));
  return report;
}

async function run(block: () => unknown, title: string | undefined, settleMs: number, failOnUnref: boolean): Promise<LeakReport> {
  // The pool starts lazily, all threads at once: start it now so pool work by test code cannot move the count.
  await new Promise((resolve) => stat(process.execPath, resolve));
  // process.stdout and stderr are created on first access (a Worker touches them): create them outside the block.
  void process.stdout;
  void process.stderr;
  const offloads: OffloadFinding[] = [];
  const earlier: OffloadFinding[] = [];
  const loopBlocks: LoopBlockFinding[] = [];
  let blockEpoch = Infinity;
  // Work done in the block by something a factory created before it (a singleton's server) is not the block's.
  const sink: FindingSink = {
    offload: (f, epoch) => (epoch < blockEpoch ? earlier : offloads).push(f),
    loopBlock: (f) => loopBlocks.push(f),
  };
  const handles = new HandleTracker();
  const workers = new WorkerTracker();
  const namesBefore = readThreadNames();
  const before = readThreadCount();
  blockEpoch = addSink(sink);
  acquireAttribution();
  const previous = setAmbientObserver(createThreadMonitor({ mode: 'off' }));
  handles.start(blockEpoch);
  workers.start();
  let settledMs = 0;
  let after: number | undefined;
  try {
    try {
      await block();
      // Callbacks the block queued (listen(port, host) opens its socket from a nextTick) still belong to it.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      setAmbientObserver(previous);
      handles.stopRecording();
      workers.stopRecording();
    }
    // Bounded settle: threads and handles that are closing get their chance, a leak does not get forever.
    const start = Date.now();
    for (;;) {
      after = readThreadCount();
      const clean = handles.open().refed.length === 0 && workers.running() === 0 && (before === undefined || after === undefined || after <= before);
      settledMs = Date.now() - start;
      if (clean || settledMs >= settleMs) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const open = handles.open();
    const threads = before === undefined || after === undefined ? undefined : { before, after, added: added(namesBefore, readThreadNames()) };
    const workerFindings = workers.findings();
    const unmonitored = countUnobserved();
    const ok =
      offloads.length === 0 &&
      open.refed.length === 0 &&
      (!failOnUnref || open.unrefed.length === 0) &&
      workerFindings.every((w) => w.exited && w.path === undefined) &&
      (threads === undefined || threads.after <= threads.before);
    return {
      title,
      ok,
      threads,
      offloads,
      earlierOffloads: earlier,
      workers: workerFindings,
      handles: failOnUnref ? [...open.refed, ...open.unrefed] : open.refed,
      unrefHandles: failOnUnref ? [] : open.unrefed,
      loopBlocks,
      notChecked: notChecked(before, unmonitored),
      unmonitoredContainers: unmonitored,
      settledMs,
      environment: { node: process.version, platform: process.platform, threadNames: namesBefore !== undefined },
    };
  } finally {
    handles.stop();
    workers.stop();
    releaseAttribution();
    removeSink(sink);
  }
}

function added(before: string[] | undefined, after: string[] | undefined): string[] | undefined {
  if (before === undefined || after === undefined) return undefined;
  const left = [...before];
  const extra: string[] = [];
  for (const name of after) {
    const i = left.indexOf(name);
    if (i === -1) extra.push(name);
    else left.splice(i, 1);
  }
  return extra;
}

function notChecked(before: number | undefined, unobserved: number): string[] {
  const list = [
    unobserved === 0
      ? 'resolutions of containers created before the block without a thread monitor (none was alive)'
      : `resolutions of ${unobserved} container(s) created before the block without a thread monitor, alive during it ` +
        '(createContainer({ observer: createThreadMonitor() }) makes them visible)',
    'thread-pool work started by test code outside any resolution (allowed)',
    'threads and handles that existed before the block',
  ];
  if (before === undefined) list.unshift(`the OS thread count (no /proc/self/task on ${process.platform})`);
  return list;
}
