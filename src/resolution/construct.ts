/**
 * Running one construction: calling the factory or constructor (under the container's observer), waiting for an
 * async result within its timeout, recording the instance where it will be disposed, and turning a failure into a
 * coded error whose path is the provider. resolve.ts decides what to construct and when.
 */
import { ResolutionPathError, type LoopsafeError } from '../errors/base.js';
import { DisposedError, InversifyError, ProviderFailedError, ProviderTimeoutError } from '../errors/container.js';
import { disposeAlone, hasOwnDisposer, type DisposalStack } from '../lifecycle/disposal.js';
import { OBSERVER_VERDICT, REJECTED_INSTANCE, type ResolutionTrail } from './observer.js';
import * as tracing from './tracer.js';
import * as thenable from './thenable.js';
import * as planCodes from './plan.js';
import type { Plan } from './plan.js';
import type { Site } from './site.js';

// Read on every construction, so this module's own constants: see the note in resolve.ts.
const { isThenable } = thenable;
const { EMPTY, SINGLETON } = planCodes;
const { runObserved } = tracing;

/** The stack that owns `plan`'s instances built at `site`: the container's for singletons, else the site's. */
export function ownerOf(plan: Plan, site: Site): DisposalStack {
  return plan.lt === SINGLETON ? site.root.stack : site.stack;
}

export function construct(plan: Plan, site: Site, args: unknown[], trail: ResolutionTrail | undefined, timer: AbortController | undefined): unknown {
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
export function constructDirect(plan: Plan, site: Site): unknown {
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
 * Wait for a factory's promise, within its timeout, unless its owner stops first. The construction is watched by
 * its owner: when the owner is disposed, its waiters reject with LOOPSAFE_ERR_DISPOSED at once, without waiting for
 * a factory that ignores its signal. Whatever the factory delivers is kept exactly once: tracked with its owner on
 * time, tracked too when it arrives after its timeout (the owner disposes it later), or disposed on arrival when
 * the owner's disposers have already run. A late rejection has nobody waiting and is dropped.
 */
function settle(
  plan: Plan, site: Site, promise: Promise<unknown>, timer: AbortController | undefined, trail?: ResolutionTrail,
): Promise<unknown> {
  const owner = ownerOf(plan, site);
  const waited = new Promise((resolve, reject) => {
    let open = true;
    let timeout: ReturnType<typeof setTimeout> | undefined;
    const stop = (reason: unknown): void => {
      if (!open) return;
      open = false;
      if (timeout !== undefined) clearTimeout(timeout);
      owner.unwatch(stop);
      reject(reason);
    };
    if (!owner.watch(stop)) stop(owner.stopReason);
    else if (plan.timeout > 0) {
      timeout = setTimeout(() => {
        const error = new ProviderTimeoutError([plan.name], plan.timeout);
        timer?.abort(error);
        stop(error);
      }, plan.timeout);
    }
    promise.then(
      (value) => {
        if (!open) return keepLate(plan, site, value);
        open = false;
        if (timeout !== undefined) clearTimeout(timeout);
        owner.unwatch(stop);
        try {
          track(plan, site, value);
          resolve(value);
        } catch (error) {
          reject(error);
        }
      },
      (error: unknown) => stop(error),
    );
  });
  return waited.then(undefined, (error: unknown) => {
    // The observer may add what it saw during the run to an error it did not raise (a timeout).
    const observer = trail === undefined ? undefined : site.root.observer;
    throw failed(plan, observer?.runFailed === undefined ? error : observer.runFailed(trail!, error));
  });
}

/** An instance that arrived after its waiters were let go: disposed with its owner, or at once if the owner is gone. */
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
  stack.disposeLate(plan.name, instance, plan.disposer);
  throw new DisposedError(site.slots === null ? 'container' : 'scope', `keep ${plan.name}`);
}

/** A factory's own failure, as a coded error whose path is this provider. */
export function failed(plan: Plan, error: unknown): LoopsafeError {
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
  disposeAlone(plan.name, instance, plan.disposer, 'rejected instance');
}

export { isThenable };
