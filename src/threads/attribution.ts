import { AsyncResource, createHook, executionAsyncResource } from 'node:async_hooks';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { runningRun, runStorage, type FactoryRun } from './context.js';
import { readThreadCount } from './count.js';
import type { OffloadFinding, SourceSite, WorkKind } from '../findings/types.js';
import { captureSite } from './site.js';
import { ON_LOOP, POOL_WORK, STARTS_POOL } from './work.js';

/** A pool job started inside a factory run, waiting for its `before` callback to prove it ran on the pool. */
interface PendingJob {
  readonly run: FactoryRun;
  readonly type: string;
  readonly kind: WorkKind;
  readonly site: SourceSite | undefined;
  readonly phase: 'during' | 'after';
  readonly by: string | undefined;
  /** OS threads when the job started, read only while the pool may still be cold. */
  readonly threads: number | undefined;
}

// Keyed by the resource object, so jobs whose `before` never fires (sync crypto and zlib) are simply collected.
const pending = new WeakMap<object, PendingJob>();
let users = 0;
let waiting = 0;
// The pool starts all its threads on its first job. Until a job has come back, a job's thread count is read before
// and after, so a finding can say "started the pool: 4 new OS threads" rather than "used the warm pool".
let poolWarm = false;

// The `before` hook runs for every callback in the process (sockets, ticks, timers), which is most of the cost of
// a hook. It is enabled only while a pool job started by a factory waits for its result: in an app whose factories
// never offload, that is never.
const collected = new FinalizationRegistry<undefined>(() => settleOne());

/**
 * Node 24 honours `trackPromises: false` by setting the hook's own `kNoPromiseHook` symbol; Node 22.20 ignores the
 * option but reads the same symbol (its inspector's hook sets it), so it is set here where the option was not
 * taken. Without it, Node 22 calls `init` for every promise in the process, and enabling the hook installs V8's
 * promise hooks (measured: 2.2x the time of an `await` loop). Found by its description on the hook itself; on a
 * Node where it is absent the hook simply tracks promises too, which `ON_LOOP` filters. Read on every hook call,
 * so it can be switched while the hook is enabled (see {@link contextEntering}).
 */
function noPromiseKey(hook: object): symbol | undefined {
  return Object.getOwnPropertySymbols(hook).find((symbol) => symbol.description === 'kNoPromiseHook');
}

function withoutPromises<T extends object>(hook: T): T {
  const key = noPromiseKey(hook);
  if (key !== undefined) (hook as Record<symbol, unknown>)[key] = true;
  return hook;
}

// A run without an async context of its own (mode warn's quiet path, only ever entered where no run's context is
// current) names its synchronous part by `runningRun()`, but what it creates (a callback-style file read, a timer)
// runs its callbacks in no run's context, so the next job started there would be counted to none. Such resources are
// remembered here, keyed by the resource object so they are collected with it; what runs in their callbacks while
// still in no run's context is the contextless run's, and what it creates is carried on in turn, as the run's own
// context would have been. Read only once a contextless run has created something (that provider then gets a
// context from its next run).
const carried = new WeakMap<object, FactoryRun>();
const carrying = { any: false };

/** The contextless run whose resource's callback is running, unless some run's context has been entered since. */
function carriedRun(): FactoryRun | undefined {
  if (!carrying.any) return undefined;
  const run = carried.get(executionAsyncResource());
  return run !== undefined && runStorage.getStore() === undefined ? run : undefined;
}

/** The run a resource just created belongs to, by its creator alone (`undefined`: read the async context). */
function creatorOf(resource: object): FactoryRun | undefined {
  const sync = runningRun();
  if (sync !== undefined) {
    // A factory run without an async context of its own learns here that it left something behind.
    sync.created = true;
    if (sync.contextless) {
      carried.set(resource, sync);
      carrying.any = true;
    }
    return sync;
  }
  const run = carriedRun();
  if (run !== undefined) carried.set(resource, run);
  return run;
}

const initHook = withoutPromises(createHook({
  // Promises are never pool work; Node 24 skips them entirely.
  trackPromises: false,
  init(_asyncId, type, _triggerAsyncId, resource) {
    const creator = creatorOf(resource);
    if (ON_LOOP[type] === true) return;
    const run = creator ?? runStorage.getStore();
    if (run === undefined) return;
    // A JavaScript AsyncResource (any type name) runs its callbacks on the loop; an addon's async work is a plain
    // object or its own class.
    if (resource instanceof AsyncResource) return;
    const kind = POOL_WORK[type] ?? 'native';
    const site = run.captureStacks ? captureSite() : undefined;
    const phase = run.settled ? 'after' : 'during';
    const by = phase === 'after' ? laterBy() : undefined;
    if (STARTS_POOL[type] === true) {
      run.owner.offload(run, { kind, type, path: run.path, site, phase, boot: run.boot, by, newThreads: undefined });
      return;
    }
    const threads = poolWarm ? undefined : readThreadCount();
    pending.set(resource, { run, type, kind, site, phase, by, threads });
    collected.register(resource, undefined, resource);
    if (waiting++ === 0) beforeHook.enable();
  },
}));

const beforeHook = withoutPromises(createHook({
  trackPromises: false,
  before() {
    const resource = executionAsyncResource();
    const job = pending.get(resource);
    if (job === undefined) return;
    pending.delete(resource);
    collected.unregister(resource);
    settleOne();
    let newThreads = 0;
    if (job.threads !== undefined) {
      const now = readThreadCount();
      newThreads = now === undefined ? 0 : Math.max(0, now - job.threads);
    }
    poolWarm = true;
    const { run } = job;
    run.owner.offload(run, {
      kind: job.kind, type: job.type, path: run.path, site: job.site, phase: job.phase, boot: run.boot, by: job.by, newThreads,
    });
  },
}));

function settleOne(): void {
  if (waiting > 0 && --waiting === 0) beforeHook.disable();
}

/**
 * What is running now, when work starts after its factory settled: a timer, a server's request or a socket the
 * factory created carries its async context forever, so the work is theirs, not the factory's.
 */
function laterBy(): string {
  const current = executionAsyncResource() as { constructor?: { name?: string } } | undefined;
  const name = current?.constructor?.name;
  return name === undefined || name === 'Object' ? 'a callback' : name;
}

/** Workers are invisible to handle lists; the `worker_threads` channel publishes in the creator's async context. */
function onWorker(): void {
  const run = runningRun() ?? carriedRun() ?? runStorage.getStore();
  if (run === undefined) return;
  const phase = run.settled ? 'after' : 'during';
  const finding: OffloadFinding = {
    kind: 'worker',
    type: 'Worker',
    path: run.path,
    site: run.captureStacks ? captureSite() : undefined,
    phase,
    boot: run.boot,
    by: phase === 'after' ? laterBy() : undefined,
    newThreads: 1,
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

// Node 22's AsyncLocalStorage carries its store through async_hooks: while any store is enabled, a promise hook runs
// for every promise in the process (about half of mode warn's M3 cost there, measured with cachegrind). Node 24's
// runs on AsyncContextFrame and costs nothing while idle. So on Node 22 the store is disabled again once every
// context entered so far ended with its run: mode warn enters one for a provider's first run, and a provider whose
// first run was a plain synchronous value runs without one from then on. While such a context is in use, `init`
// sees promises again, so a run that created one (a callback on a promise that settles later, by anyone) counts as
// having created something and makes the store last, as it did before the store could rest. `_propagate` is the
// hook-based class's own method (checked, not called); where it is absent there is nothing to disable.
/** The store is Node 22's hook-based AsyncLocalStorage, the one that rests. @internal */
export const storeRests = typeof (runStorage as unknown as { _propagate?: unknown })._propagate === 'function';
const store = { lasting: !storeRests, resting: false };
const initPromiseKey = noPromiseKey(initHook);

/** Whether `init` is called for promises; only where the store rests, and only until it lasts. */
function seePromises(on: boolean): void {
  if (initPromiseKey !== undefined) (initHook as unknown as Record<symbol, unknown>)[initPromiseKey] = !on;
}

/**
 * A context is about to be entered with {@link runStorage} for a run of mode warn's that may end with it: `init`
 * sees promises for as long as the store may rest, so {@link contextEnded} knows whether the run created one. @internal
 */
export function contextEntering(): void {
  if (!store.lasting) seePromises(true);
}

/**
 * Say how a context entered with {@link runStorage} ended: `lasting` when something may still run in it (the run
 * returned a promise or created an async resource or a promise, work was found after a run settled, a route's run,
 * every run of a proof). Once one may last, the store stays enabled for good (and `init` skips promises again);
 * until then it is disabled after the current macrotask, so nothing a run on the stack below still needs is taken
 * away. @internal
 */
export function contextEnded(lasting: boolean): void {
  if (store.lasting) return;
  if (lasting) {
    store.lasting = true;
    seePromises(false);
    return;
  }
  if (store.resting) return;
  store.resting = true;
  setImmediate(rest).unref();
}

function rest(): void {
  store.resting = false;
  if (store.lasting) return;
  seePromises(false);
  runStorage.disable();
  // Node 22 leaves V8's promise hooks installed while any hook is enabled, even one that tracks no promises: take
  // ours off and on again, so that with no other hook in the process the promise hooks go (a microtask later).
  if (users > 0) {
    const before = waiting > 0;
    if (before) beforeHook.disable();
    initHook.disable();
    initHook.enable();
    if (before) beforeHook.enable();
  }
}
