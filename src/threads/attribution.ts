import { createHook, executionAsyncResource } from 'node:async_hooks';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { runStorage, type FactoryRun } from './context.js';
import type { OffloadFinding } from './findings.js';
import { captureSite, type SourceSite } from './site.js';
import { POOL_WORK, type WorkKind } from './work.js';

/** A pool job started inside a factory run, waiting for its `before` callback to prove it ran on the pool. */
interface PendingJob {
  readonly run: FactoryRun;
  readonly type: string;
  readonly kind: WorkKind;
  readonly site: SourceSite | undefined;
  readonly phase: 'during' | 'after';
}

// Keyed by the resource object, so jobs whose `before` never fires (sync crypto and zlib) are simply collected.
const pending = new WeakMap<object, PendingJob>();
let users = 0;
let waiting = 0;

// The `before` hook runs for every callback in the process (sockets, ticks, timers), which is most of the cost of
// a hook. It is enabled only while a pool job started by a factory waits for its result: in an app whose factories
// never offload, that is never.
const collected = new FinalizationRegistry<undefined>(() => settleOne());

const initHook = createHook({
  // Promises are never pool work; Node 24 skips them entirely.
  trackPromises: false,
  init(_asyncId, type, _triggerAsyncId, resource) {
    const kind = POOL_WORK[type];
    if (kind === undefined) return;
    const run = runStorage.getStore();
    if (run === undefined) return;
    const site = run.captureStacks ? captureSite() : undefined;
    pending.set(resource, { run, type, kind, site, phase: run.settled ? 'after' : 'during' });
    collected.register(resource, undefined, resource);
    if (waiting++ === 0) beforeHook.enable();
  },
});

const beforeHook = createHook({
  trackPromises: false,
  before() {
    const resource = executionAsyncResource();
    const job = pending.get(resource);
    if (job === undefined) return;
    pending.delete(resource);
    collected.unregister(resource);
    settleOne();
    const { run } = job;
    run.owner.offload(run, { kind: job.kind, type: job.type, path: run.path, site: job.site, phase: job.phase });
  },
});

function settleOne(): void {
  if (waiting > 0 && --waiting === 0) beforeHook.disable();
}

/** Workers are invisible to handle lists; the `worker_threads` channel publishes in the creator's async context. */
function onWorker(): void {
  const run = runStorage.getStore();
  if (run === undefined) return;
  const finding: OffloadFinding = {
    kind: 'worker',
    type: 'Worker',
    path: run.path,
    site: run.captureStacks ? captureSite() : undefined,
    phase: run.settled ? 'after' : 'during',
  };
  run.owner.offload(run, finding);
}

/** Start attributing pool work and Workers to factory runs; each call needs one {@link releaseAttribution}. @internal */
export function acquireAttribution(): void {
  if (users++ > 0) return;
  initHook.enable();
  if (waiting > 0) beforeHook.enable();
  subscribe('worker_threads', onWorker);
}

/** @internal */
export function releaseAttribution(): void {
  if (users === 0 || --users > 0) return;
  initHook.disable();
  beforeHook.disable();
  unsubscribe('worker_threads', onWorker);
}
