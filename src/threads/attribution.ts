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

const hook = createHook({
  // Promises are never pool work; Node 24 skips them entirely, which is most of the hook's cost.
  trackPromises: false,
  init(_asyncId, type, _triggerAsyncId, resource) {
    const kind = POOL_WORK[type];
    if (kind === undefined) return;
    const run = runStorage.getStore();
    if (run === undefined) return;
    const site = run.captureStacks ? captureSite() : undefined;
    pending.set(resource, { run, type, kind, site, phase: run.settled ? 'after' : 'during' });
  },
  before() {
    const resource = executionAsyncResource();
    const job = pending.get(resource);
    if (job === undefined) return;
    pending.delete(resource);
    const { run } = job;
    run.owner.offload(run, { kind: job.kind, type: job.type, path: run.path, site: job.site, phase: job.phase });
  },
});

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
  hook.enable();
  subscribe('worker_threads', onWorker);
}

/** @internal */
export function releaseAttribution(): void {
  if (users === 0 || --users > 0) return;
  hook.disable();
  unsubscribe('worker_threads', onWorker);
}
