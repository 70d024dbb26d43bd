/**
 * The chain of providers being resolved, from the one that was asked for down to the current one.
 * It is a value passed down the resolution, never a shared stack, so concurrent resolutions cannot mix paths.
 */
export interface ResolutionTrail {
  /** The provider's display name. */
  readonly name: string;
  /** The provider that depends on this one, or `undefined` at the top. */
  readonly parent: ResolutionTrail | undefined;
  /**
   * `true` when `container.boot()` started this resolution: an eager singleton, or what it depends on, built while
   * the container boots (the Fastify plugin and `createApp()` boot it before the server listens). A singleton first
   * built later, by a request or a lazy resolve, and every request-scoped or transient construction after boot, is
   * not boot. Inherited from `parent`; the resolver always sets it.
   */
  readonly boot?: boolean;
  /**
   * The same object for every construction of this provider in this container, and for no other: an observer
   * keys per-provider state on it (in a `WeakMap`). Opaque. The resolver always sets it.
   */
  readonly id?: object;
}

/**
 * Watches provider factories run. The thread monitor is one; tracing is another. When no observer is
 * installed the container takes a path that allocates no trail and makes no extra call.
 */
export interface ResolutionObserver {
  /**
   * Run one provider's factory (or constructor). Call `invoke` exactly once, synchronously, and return what it
   * returns, which may be a promise for async factories.
   */
  runFactory<R>(trail: ResolutionTrail, invoke: () => R): R;
  /**
   * `false` while the observer has nothing to watch (the thread monitor in mode `off`): the container then builds
   * no trail and makes no call, as if no observer were installed. Read once per construction.
   * @default true
   */
  readonly active?: boolean;
  /**
   * A factory run ended in an error the observer did not raise (its timeout): return the error to throw instead,
   * for one that carries what the observer saw during the run, or `error` itself. Optional.
   */
  runFailed?(trail: ResolutionTrail, error: unknown): unknown;
}

/**
 * Which synchronous stretch of resolver code is running: bumped by the resolver wherever code other than its own
 * may have run since the last factory run (a new top-level build, a build resumed after an await, a tracer's
 * subscribers). Between two factory runs of one stretch only loopsafe's resolver ran, so an observer may take the
 * end of the one as the start of the next (the thread monitor's loop-block clock does). @internal
 */
export const resolverStretch = { current: 0 };

/** Start a new stretch (see {@link resolverStretch}). @internal */
export function newStretch(): void {
  resolverStretch.current++;
}

/** Where an observer counts the runs it let the resolver skip. @internal */
export interface SkipTally {
  skipped: number;
}

const noTally: SkipTally = { skipped: 0 };

/**
 * One provider's `trail.id` (one per provider per container): the identity observers key their state on, and the
 * one place an observer can tell the resolver to skip it. While `holder` is the container's own observer and
 * {@link skipGate} is open, the resolver runs the next `skip` factory runs of this provider without calling the
 * observer at all (no closure, no call: the cost of sampling is a field read), counting each in `tally`. Only the
 * thread monitor's mode `warn` sets it, for the runs its sample leaves out. @internal
 */
export class ProviderId {
  /** The observer that set `skip`; nobody else's runs are skipped (a composed observer is not its parts). */
  holder: ResolutionObserver | undefined = undefined;
  /** How many of this provider's coming runs the holder need not see. */
  skip = 0;
  /** The holder's count of the runs it checked, up to its own limit (its bookkeeping, not the resolver's). */
  runs = 0;
  /** Where the skipped runs are counted. */
  tally: SkipTally = noTally;
}

/**
 * Closed while something needs every factory run seen (a `loopsafe/testing` block listens): the resolver then
 * ignores every `ProviderId.skip`. @internal
 */
export const skipGate = { open: true };

// The brand of an observer's verdict is defined with the errors that carry it (errors/ imports nothing above it).
export { OBSERVER_VERDICT } from '../errors/base.js';

/**
 * Where an observer's verdict keeps the instance its factory built before the verdict rejected it: the container
 * disposes it as its scope would have, so a Worker or connection it holds does not keep running. @internal
 */
export const REJECTED_INSTANCE: unique symbol = Symbol.for('loopsafe.rejectedInstance');

/** What the testing helpers set for every copy of loopsafe in the process. */
interface AmbientState {
  /** The observer containers created without one get (set only inside a testing-helper block). */
  observer: ResolutionObserver | undefined;
  /** True once loopsafe/testing is loaded: containers created without an observer are then listed. */
  track: boolean;
  /** Those containers, weakly. */
  unobserved: Set<WeakRef<object>> | undefined;
}

// One object per process, shared by every copy of loopsafe and found once, at load: reading symbol-keyed properties
// of the global object (a dictionary) on every createContainer() cost more than the rest of creating one.
const ambient: AmbientState = ((globalThis as Record<symbol, AmbientState | undefined>)[Symbol.for('loopsafe.ambient')] ??= {
  observer: undefined, track: false, unobserved: undefined,
});

/**
 * The observer a container created without one gets: set by the testing helper for the length of a block, so
 * containers an app builds inside it are watched too. Read once, when a container is created. @internal
 */
export function ambientObserver(owner?: object): ResolutionObserver | undefined {
  const observer = ambient.observer;
  if (observer === undefined && owner !== undefined && ambient.track) remember(owner);
  return observer;
}

// Containers without an observer are listed only once loopsafe/testing is loaded (its leak check reports them): a
// WeakRef per container is a cost an app that never runs a leak check should not pay.
/** Start listing containers created without an observer, for the leak check's report. @internal */
export function trackUnobserved(): void {
  ambient.track = true;
}

// The list is pruned when it doubles, so an app that keeps creating containers (a rebuild loop, a benchmark) holds
// references for the live ones only, at an amortised constant cost per container; countUnobserved() prunes too.
let pruneAt = 64;

function remember(owner: object): void {
  const set = (ambient.unobserved ??= new Set());
  set.add(new WeakRef(owner));
  if (set.size < pruneAt) return;
  prune(set);
  pruneAt = Math.max(64, set.size * 2);
}

/** Drop the containers that were collected or disposed; return how many are left. */
function prune(set: Set<WeakRef<object>>): number {
  for (const ref of set) {
    const container = ref.deref() as { disposed?: boolean } | undefined;
    if (container === undefined || container.disposed === true) set.delete(ref);
  }
  return set.size;
}

/**
 * How many containers created without an observer (and outside a testing block) are still alive: their
 * resolutions cannot be watched, so a leak check says so. @internal
 */
export function countUnobserved(): number {
  return ambient.unobserved === undefined ? 0 : prune(ambient.unobserved);
}

/** Set (or clear, with `undefined`) the ambient observer; returns the previous one. @internal */
export function setAmbientObserver(observer: ResolutionObserver | undefined): ResolutionObserver | undefined {
  const previous = ambient.observer;
  ambient.observer = observer;
  return previous;
}

/** The provider names of a trail, from the top (the one asked for) down. */
export function trailPath(trail: ResolutionTrail | undefined): string[] {
  const names: string[] = [];
  for (let t = trail; t !== undefined; t = t.parent) names.push(t.name);
  return names.reverse();
}
