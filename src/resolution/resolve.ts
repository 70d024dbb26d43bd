import { ResolutionPathError, LoopsafeError } from '../errors/base.js';
import {
  DisposedError, InversifyError, ProviderFailedError, ProviderTimeoutError, ScopeRequiredError, SuppliedValueMissingError,
} from '../errors/container.js';
import { DisposalStack, disposeNow, hasOwnDisposer } from '../lifecycle/disposal.js';
import { newStretch, OBSERVER_VERDICT, REJECTED_INSTANCE, type ResolutionObserver, type ResolutionTrail } from './observer.js';
import { resolveTracer, runObserved } from '../observe/resolve-tracer.js';
import * as planCodes from './plan.js';
import type { Plan } from './plan.js';
import * as slotCodes from './slots.js';
import { slotOf, stored, type SlotCounter } from './slots.js';

/**
 * The codes the resolver compares against on every resolve, as this module's own constants. V8 reads an imported
 * binding through its module cell on each use (a load and a hole check that optimised code keeps), while a
 * module's own `const` is folded into the code: cachegrind counted 549 -> 460 instructions per M2 resolve
 * (`bench/README.md`, "Counting instructions"). Hot modules take their constants this way.
 */
const { EMPTY, KIND_CONSTRUCTED, KIND_SIGNAL, KIND_SUPPLIED, REQUEST, SINGLETON } = planCodes;
const { UNDEFINED } = slotCodes;

/** Where a resolution happens: the container itself, or a request scope. */
export interface Site {
  /** Request-scoped instances by plan slot (see slots.ts); `null` at the container. */
  readonly slots: unknown[] | null;
  /** What this site disposes. */
  readonly stack: DisposalStack;
  /** The container's own site, which holds singletons. */
  readonly root: RootSite;
}

/** The container's site. */
export interface RootSite extends Site, SlotCounter {
  readonly observer: ResolutionObserver | undefined;
}

/** An in-flight construction in a request slot, so racing callers share it. */
class Pending {
  constructor(readonly promise: Promise<unknown>) {}
}

const noArgs: unknown[] = [];
const ignore = (): void => {};

/**
 * The instance for `plan` at `site`, or a promise of it when something on the way is async.
 * Plain values are returned as they are, so a graph of sync factories resolves with no await at all.
 */
export function get(plan: Plan, site: Site, trail: ResolutionTrail | undefined): unknown {
  if (plan.lt === SINGLETON) {
    const value = plan.value;
    if (value !== EMPTY) return value;
    return plan.pending ?? memoSingleton(plan, site.root, trail);
  }
  if (plan.lt === REQUEST) {
    const slots = site.slots;
    if (slots === null) throw new ScopeRequiredError([plan.name]);
    // A slot not numbered yet (-1) reads as absent too.
    const value = slots[plan.slot];
    if (value === undefined) return memoRequest(plan, site, slots, trail);
    if (value === UNDEFINED) return undefined;
    return value instanceof Pending ? value.promise : value;
  }
  return plan.pends ? build(plan, site, trail) : special(plan, site);
}

/**
 * True while `container.boot()` starts its eager singletons. Only the synchronous start is flagged: each trail
 * records it when it is created (synchronously, before any await), and dependencies inherit it from their parent.
 */
let booting = false;

/** {@link get} for an eager singleton that `container.boot()` builds: its trails say `boot: true`. */
export function getAtBoot(plan: Plan, site: Site): unknown {
  booting = true;
  try {
    return get(plan, site, undefined);
  } finally {
    booting = false;
  }
}

/** A built-in transient that is not constructed: the site's abort signal, or a lazy dependency's resolver. */
function special(plan: Plan, site: Site): unknown {
  if (plan.kind === KIND_SIGNAL) return site.stack.signal;
  return lazyResolver(plan.deps[0]!, site);
}

/** What `lazy(key)` injects: resolve the key on use, in the scope (or container) the holder was built in. */
function lazyResolver(target: Plan, site: Site): () => Promise<unknown> {
  return () => {
    try {
      if (site.stack.closed) throw new DisposedError(site.slots === null ? 'container' : 'scope', `resolve ${target.name}`);
      const value = get(target, site, undefined);
      return target.pends && value instanceof Promise ? value : Promise.resolve(value);
    } catch (error) {
      return Promise.reject(error as Error);
    }
  };
}

function memoSingleton(plan: Plan, root: RootSite, trail: ResolutionTrail | undefined): unknown {
  const result = build(plan, root, trail);
  if (!(result instanceof Promise)) {
    plan.value = result;
    return result;
  }
  const pending = result.then(
    (value) => {
      plan.value = value;
      plan.pending = undefined;
      return value;
    },
    (error: unknown) => {
      plan.pending = undefined; // not cached: the next resolve tries again
      throw error;
    },
  );
  pending.catch(ignore); // the callers see the rejection; nobody else should
  plan.pending = pending;
  return pending;
}

function memoRequest(plan: Plan, site: Site, slots: unknown[], trail: ResolutionTrail | undefined): unknown {
  if (plan.kind === KIND_SUPPLIED) throw new SuppliedValueMissingError([plan.name]);
  const slot = slotOf(plan, site.root);
  const result = build(plan, site, trail);
  if (!(result instanceof Promise)) {
    slots[slot] = stored(result);
    return result;
  }
  const pending = result.then(
    (value) => {
      slots[slot] = stored(value);
      return value;
    },
    (error: unknown) => {
      slots[slot] = undefined;
      throw error;
    },
  );
  pending.catch(ignore);
  slots[slot] = new Pending(pending);
  return pending;
}

/** Build a new instance: resolve the dependencies (concurrently when any is async), then construct. */
function build(plan: Plan, site: Site, trail: ResolutionTrail | undefined): unknown {
  const observer = site.root.observer;
  // An observer that is installed but inactive costs one property read: no trail, and construct() skips it.
  const here = (observer === undefined || observer.active === false) && !resolveTracer.active
    ? undefined
    : { name: plan.name, parent: trail, boot: trail === undefined ? booting : trail.boot === true, id: plan };
  // Entered from outside the resolver (a caller, a microtask): whatever ran before was not the resolver's own code.
  if (here !== undefined && chain.depth === 0) newStretch();
  if (plan.direct && here === undefined) {
    const made = constructDirect(plan, site);
    if (made !== EMPTY) return made;
  }
  const deps = plan.deps;
  const n = deps.length;
  let args = noArgs;
  let pendingAt: number[] | undefined;
  let timer: AbortController | undefined;
  if (n !== 0) {
    args = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const dep = deps[i];
      if (dep === undefined) {
        args[i] = undefined;
        continue;
      }
      // The common dependency is a singleton a factory or class already built. It is stored only once settled, so
      // it is never a promise: take it as it is, without a call to get() or an instanceof walk. (Only singletons
      // have a value; a useValue may be a promise, so it takes the general path.)
      let value = dep.value;
      if (value === EMPTY || dep.kind !== KIND_CONSTRUCTED) {
        if (dep.kind === KIND_SIGNAL) {
          // This construction's own signal: it aborts on its timeout and when its owner is disposed.
          const owner = ownerOf(plan, site).signal;
          if (plan.timeout > 0) {
            timer ??= new AbortController();
            value = AbortSignal.any([timer.signal, owner]);
          } else {
            value = owner;
          }
        } else {
          try {
            if (!dep.pends) {
              // A value, a supplied value or a lazy resolver: nothing is built, so the chain goes no deeper.
              value = get(dep, site, here);
            } else if (chain.depth < MAX_SYNC_DEPTH) {
              chain.depth++;
              try {
                value = get(dep, site, here);
              } finally {
                chain.depth--;
              }
              // Only a construction loopsafe runs is awaited; a value (a useValue, a supplied reply) is injected as
              // it is, even when it is a promise or a thenable.
              if (value instanceof Promise) (pendingAt ??= []).push(i);
            } else {
              value = resume(dep, site, here);
              (pendingAt ??= []).push(i);
            }
          } catch (error) {
            abandon(args, pendingAt);
            throw unwind(plan, error);
          }
        }
      }
      args[i] = value;
    }
  }
  if (pendingAt !== undefined) {
    return awaitPending(args, pendingAt).then(
      (values) => {
        // Its dependencies finished after its owner began disposing: do not start what nobody will keep.
        if (ownerOf(plan, site).closed) throw new DisposedError(site.slots === null ? 'container' : 'scope', `build ${plan.name}`);
        if (here !== undefined) newStretch(); // resumed after an await: other code ran meanwhile
        return construct(plan, site, values, here, timer);
      },
      (error: unknown) => {
        throw unwind(plan, error);
      },
    );
  }
  return construct(plan, site, args, here, timer);
}

/**
 * How many dependencies deep one synchronous resolution goes before it continues on a fresh stack. Each level is
 * a few frames of get() and build(); past this depth the rest of the chain resolves from a microtask, so a chain
 * 100,000 providers deep resolves (as a promise) instead of overflowing the call stack.
 */
const MAX_SYNC_DEPTH = 500;

/**
 * The depth of the synchronous resolution running now (`chain.depth`). It counts frames of one synchronous call
 * chain only and is back to 0 whenever that chain returns or throws, so no resolution ever sees another's count
 * across an await. A field of a module constant rather than a module `let`: V8 checks a `let` for its temporal dead
 * zone on every use, and this is read and written for every dependency (cachegrind, one request scope resolving
 * M3's graph: 7,974 -> 7,646 instructions).
 */
const chain = { depth: 0 };

/** Resolve `plan` from a microtask, on an empty stack. */
function resume(plan: Plan, site: Site, trail: ResolutionTrail | undefined): Promise<unknown> {
  return Promise.resolve().then(() => get(plan, site, trail));
}

/** The stack that owns `plan`'s instances built at `site`: the container's for singletons, else the site's. */
function ownerOf(plan: Plan, site: Site): DisposalStack {
  return plan.lt === SINGLETON ? site.root.stack : site.stack;
}

/** `args` once the constructions at `pendingAt` have settled, each replaced by its instance. */
export function awaitPending(args: unknown[], pendingAt: readonly number[]): Promise<unknown[]> {
  if (pendingAt.length === 1) {
    const at = pendingAt[0]!;
    return (args[at] as Promise<unknown>).then((value) => {
      args[at] = value;
      return args;
    });
  }
  return Promise.all(pendingAt.map((at) => args[at])).then((values) => {
    for (let k = 0; k < pendingAt.length; k++) args[pendingAt[k]!] = values[k];
    return args;
  });
}

function construct(plan: Plan, site: Site, args: unknown[], trail: ResolutionTrail | undefined, timer: AbortController | undefined): unknown {
  let result: unknown;
  try {
    result = trail === undefined ? invoke(plan, args) : runObserved(site.root.observer, trail, () => invoke(plan, args));
  } catch (error) {
    throw failed(plan, error);
  }
  // isThenable() covers native promises too, without instanceof walking the instance's prototype chain.
  if (isThenable(result)) return settle(plan, site, Promise.resolve(result), timer, trail);
  track(plan, site, result);
  return result;
}

/**
 * Build a plan whose dependencies are all singletons built by a factory or class (`plan.direct`, set at boot),
 * passing their values straight from their plans: no argument array, no loop, no promise test. Such values are
 * stored only once settled, so none is a promise. Returns EMPTY when one is not built yet; build() then takes the
 * general path. Unobserved resolutions only.
 */
function constructDirect(plan: Plan, site: Site): unknown {
  const d = plan.deps as readonly Plan[];
  const n = d.length;
  const a = n > 0 ? d[0]!.value : undefined;
  const b = n > 1 ? d[1]!.value : undefined;
  const c = n > 2 ? d[2]!.value : undefined;
  const e = n > 3 ? d[3]!.value : undefined;
  if (a === EMPTY || b === EMPTY || c === EMPTY || e === EMPTY) return EMPTY;
  const fn = plan.fn!;
  let result: unknown;
  try {
    if (plan.isClass) {
      const Ctor = fn as unknown as new (...args: unknown[]) => unknown;
      result = n === 0 ? new Ctor() : n === 1 ? new Ctor(a) : n === 2 ? new Ctor(a, b) : n === 3 ? new Ctor(a, b, c) : new Ctor(a, b, c, e);
    } else {
      result = n === 0 ? fn() : n === 1 ? fn(a) : n === 2 ? fn(a, b) : n === 3 ? fn(a, b, c) : fn(a, b, c, e);
    }
  } catch (error) {
    throw failed(plan, error);
  }
  if (isThenable(result)) return settle(plan, site, Promise.resolve(result), undefined);
  track(plan, site, result);
  return result;
}

/** Call the factory or constructor. Spelling out small arities avoids a spread call on the hot path. */
function invoke(plan: Plan, a: unknown[]): unknown {
  const fn = plan.fn!;
  if (plan.isClass) {
    const Ctor = fn as unknown as new (...args: unknown[]) => unknown;
    switch (a.length) {
      case 0: return new Ctor();
      case 1: return new Ctor(a[0]);
      case 2: return new Ctor(a[0], a[1]);
      case 3: return new Ctor(a[0], a[1], a[2]);
      case 4: return new Ctor(a[0], a[1], a[2], a[3]);
      default: return new Ctor(...a);
    }
  }
  switch (a.length) {
    case 0: return fn();
    case 1: return fn(a[0]);
    case 2: return fn(a[0], a[1]);
    case 3: return fn(a[0], a[1], a[2]);
    case 4: return fn(a[0], a[1], a[2], a[3]);
    default: return fn(...a);
  }
}

/**
 * Wait for a factory's promise, within its timeout. The construction is recorded as in flight with its owner, so
 * disposing the owner waits for it; an instance that arrives after the timeout is still tracked (or disposed at
 * once when its owner is gone), never dropped.
 */
function settle(
  plan: Plan, site: Site, promise: Promise<unknown>, timer: AbortController | undefined, trail?: ResolutionTrail,
): Promise<unknown> {
  const timed = plan.timeout > 0 ? withTimeout(plan, site, promise, timer) : promise;
  const owner = ownerOf(plan, site);
  owner.begin();
  return timed.then(
    (value) => {
      try {
        track(plan, site, value);
      } finally {
        owner.end(); // after track(): a dispose() waiting for this construction then disposes its instance too
      }
      return value;
    },
    (error: unknown) => {
      owner.end();
      // The observer may add what it saw during the run to an error it did not raise (a timeout).
      const observer = trail === undefined ? undefined : site.root.observer;
      throw failed(plan, observer?.runFailed === undefined ? error : observer.runFailed(trail!, error));
    },
  );
}

function withTimeout(plan: Plan, site: Site, promise: Promise<unknown>, timer: AbortController | undefined): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let late = false;
    const fire = (): void => {
      late = true;
      const error = new ProviderTimeoutError([plan.name], plan.timeout);
      timer?.abort(error);
      reject(error);
    };
    const timeout = setTimeout(fire, plan.timeout);
    promise.then(
      (value) => {
        clearTimeout(timeout);
        if (!late) resolve(value);
        else keepLate(plan, site, value);
      },
      (error: unknown) => {
        clearTimeout(timeout);
        reject(error); // ignored by the settled promise once the timeout has fired
      },
    );
  });
}

/** An instance that arrived after its timeout: disposed with its owner, or at once if the owner is gone. */
function keepLate(plan: Plan, site: Site, instance: unknown): void {
  try {
    track(plan, site, instance);
  } catch {
    // track() disposed it at once and reported the closed owner; nobody is waiting for this instance.
  }
}

/** Record the instance where it will be disposed: singletons with the container, the rest with their site. */
function track(plan: Plan, site: Site, instance: unknown): void {
  if (plan.disposer === undefined && !(plan.autoDispose && hasOwnDisposer(instance))) return;
  const stack = ownerOf(plan, site);
  if (!stack.sealed) {
    stack.add(plan.name, instance, plan.disposer);
    return;
  }
  // It finished building after its owner's disposers ran: dispose it now rather than leak it.
  const late = disposeNow(plan.name, instance, plan.disposer, 'late instance');
  late.catch(ignore);
  throw new DisposedError(site.slots === null ? 'container' : 'scope', `keep ${plan.name}`);
}

/** Whether a factory's result is pending: native promises and other thenables alike. Observers use it too. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}

/** A factory's own failure, as a coded error whose path is this provider. */
function failed(plan: Plan, error: unknown): LoopsafeError {
  if ((error instanceof ProviderTimeoutError || error instanceof InversifyError) && error.path.length === 1) return error;
  if (error instanceof DisposedError) return error;
  if (isVerdict(plan, error)) {
    discardRejected(plan, error);
    return error;
  }
  return new ProviderFailedError([plan.name], error);
}

/** An observer's verdict about this very factory run keeps its own code (see `OBSERVER_VERDICT`). */
function isVerdict(plan: Plan, error: unknown): error is ResolutionPathError {
  return (
    error instanceof ResolutionPathError &&
    (error as unknown as Record<symbol, unknown>)[OBSERVER_VERDICT] === true &&
    error.path.length === 1 &&
    error.path[0] === plan.name
  );
}

/** An observer rejected an instance its factory built: dispose it as its scope would have, so nothing it runs leaks. */
function discardRejected(plan: Plan, verdict: ResolutionPathError): void {
  const holder = verdict as unknown as Record<symbol, unknown>;
  const instance = holder[REJECTED_INSTANCE];
  delete holder[REJECTED_INSTANCE]; // the error may be kept (logged, cached by a caller); the instance must not be
  if (instance === undefined || (plan.disposer === undefined && !(plan.autoDispose && hasOwnDisposer(instance)))) return;
  disposeNow(plan.name, instance, plan.disposer, 'rejected instance').catch(ignore);
}

/** A dependency's failure seen from `plan`: the same error, its path one provider longer. */
function unwind(plan: Plan, error: unknown): unknown {
  return error instanceof ResolutionPathError ? error.withParent(plan.name) : error;
}

/** Dependencies already started before one failed synchronously must not turn into unhandled rejections. */
export function abandon(args: unknown[], pendingAt: readonly number[] | undefined): void {
  if (pendingAt === undefined) return;
  for (const at of pendingAt) (args[at] as Promise<unknown>).catch(ignore);
}
