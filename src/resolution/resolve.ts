import { ResolutionPathError, LoopsafeError } from '../errors/base.js';
import {
  DisposedError, InversifyError, ProviderFailedError, ProviderTimeoutError, ScopeRequiredError, SuppliedValueMissingError,
} from '../errors/container.js';
import { DisposalStack, disposeNow, hasOwnDisposer } from '../lifecycle/disposal.js';
import { OBSERVER_VERDICT, type ResolutionObserver, type ResolutionTrail } from './observer.js';
import { resolveTracer, runObserved } from '../observe/resolve-tracer.js';
import { EMPTY, KIND_CONSTRUCTED, KIND_SUPPLIED, REQUEST, SINGLETON, type Plan } from './plan.js';

/** Where a resolution happens: the container itself, or a request scope. */
export interface Site {
  /** Request-scoped instances by plan slot; `null` at the container. */
  readonly slots: unknown[] | null;
  /** What this site disposes. */
  readonly stack: DisposalStack;
  /** The container's own site, which holds singletons. */
  readonly root: RootSite;
}

/** The container's site. */
export interface RootSite extends Site {
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
    const value = slots[plan.slot];
    if (value === EMPTY) return memoRequest(plan, site, slots, trail);
    return value instanceof Pending ? value.promise : value;
  }
  return build(plan, site, trail);
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
  const result = build(plan, site, trail);
  if (!(result instanceof Promise)) {
    slots[plan.slot] = result;
    return result;
  }
  const pending = result.then(
    (value) => {
      slots[plan.slot] = value;
      return value;
    },
    (error: unknown) => {
      slots[plan.slot] = EMPTY;
      throw error;
    },
  );
  pending.catch(ignore);
  slots[plan.slot] = new Pending(pending);
  return pending;
}

/** Build a new instance: resolve the dependencies (concurrently when any is async), then construct. */
function build(plan: Plan, site: Site, trail: ResolutionTrail | undefined): unknown {
  const observer = site.root.observer;
  // An observer that is installed but inactive costs one property read: no trail, and construct() skips it.
  const here = (observer === undefined || observer.active === false) && !resolveTracer.active ? undefined : { name: plan.name, parent: trail };
  if (plan.direct && here === undefined) {
    const made = constructDirect(plan, site);
    if (made !== EMPTY) return made;
  }
  const deps = plan.deps;
  const n = deps.length;
  let args = noArgs;
  let waiting = false;
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
        try {
          value = get(dep, site, here);
        } catch (error) {
          abandon(args, i);
          throw unwind(plan, error);
        }
        if (value instanceof Promise) waiting = true;
      }
      args[i] = value;
    }
  }
  if (waiting) {
    return Promise.all(args).then(
      (values) => construct(plan, site, values, here),
      (error: unknown) => {
        throw unwind(plan, error);
      },
    );
  }
  return construct(plan, site, args, here);
}

function construct(plan: Plan, site: Site, args: unknown[], trail: ResolutionTrail | undefined): unknown {
  let result: unknown;
  try {
    result = trail === undefined ? invoke(plan, args) : runObserved(site.root.observer, trail, () => invoke(plan, args));
  } catch (error) {
    throw failed(plan, error);
  }
  // isThenable() covers native promises too, without instanceof walking the instance's prototype chain.
  if (isThenable(result)) return settle(plan, site, Promise.resolve(result));
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
  if (isThenable(result)) return settle(plan, site, Promise.resolve(result));
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

function settle(plan: Plan, site: Site, promise: Promise<unknown>): Promise<unknown> {
  const timed = plan.timeout > 0 ? withTimeout(plan, promise) : promise;
  return timed.then(
    (value) => {
      track(plan, site, value);
      return value;
    },
    (error: unknown) => {
      throw failed(plan, error);
    },
  );
}

function withTimeout(plan: Plan, promise: Promise<unknown>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new ProviderTimeoutError([plan.name], plan.timeout)), plan.timeout);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Record the instance where it will be disposed: singletons with the container, the rest with their site. */
function track(plan: Plan, site: Site, instance: unknown): void {
  if (plan.disposer === undefined && !(plan.autoDispose && hasOwnDisposer(instance))) return;
  const stack = plan.lt === SINGLETON ? site.root.stack : site.stack;
  if (!stack.closed) {
    stack.add(plan.name, instance, plan.disposer);
    return;
  }
  // It finished building after its scope began disposing: dispose it now rather than leak it.
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
  if (isVerdict(plan, error)) return error;
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

/** A dependency's failure seen from `plan`: the same error, its path one provider longer. */
function unwind(plan: Plan, error: unknown): unknown {
  return error instanceof ResolutionPathError ? error.withParent(plan.name) : error;
}

/** Dependencies already started before one failed synchronously must not turn into unhandled rejections. */
function abandon(args: unknown[], upTo: number): void {
  for (let i = 0; i < upTo; i++) {
    const value = args[i];
    if (value instanceof Promise) value.catch(ignore);
  }
}
