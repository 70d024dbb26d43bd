import { DisposalError, DisposedError } from '../errors/container.js';

type Disposer = ((instance: unknown) => unknown) | undefined;

/** The promise a disposal that finished synchronously returns: callers may compare against it. */
export const settled = Promise.resolve();

/** Run an instance's own `Symbol.asyncDispose` or `Symbol.dispose`, if it has one. */
export function hasOwnDisposer(instance: unknown): boolean {
  if (instance === null || (typeof instance !== 'object' && typeof instance !== 'function')) return false;
  const o = instance as Partial<AsyncDisposable & Disposable>;
  return typeof o[Symbol.asyncDispose] === 'function' || typeof o[Symbol.dispose] === 'function';
}

function disposeOwn(instance: unknown): unknown {
  const o = instance as Partial<AsyncDisposable & Disposable>;
  return typeof o[Symbol.asyncDispose] === 'function' ? o[Symbol.asyncDispose]!() : o[Symbol.dispose]!();
}

/** What a stack calls, once, for each construction it still watches when it stops. */
export type Stop = (reason: unknown) => void;

const ignore = (): void => {};

/**
 * The instances a scope (or the container) created that need disposing, in creation order, and the constructions
 * still in flight there. `dispose()` aborts the stack's signal, rejects every construction it still watches with
 * `LOOPSAFE_ERR_DISPOSED` at once (it does not wait for a factory that ignores its signal: what such a factory
 * returns later is disposed on arrival, see {@link DisposalStack.disposeLate}), then runs the disposers of the
 * instances already built in reverse, one at a time, awaiting each, exactly once; a throwing disposer does not
 * stop the others, and all failures come back as one DisposalError.
 */
export class DisposalStack {
  // Flat triples (name, instance, disposer) keep a request scope to one small array, made by the first add(): as a
  // literal it is allocated at its size, where pushing onto an empty array grows it on every request.
  #items: unknown[] | undefined = undefined;
  #done: Promise<void> | undefined;
  #closed = false;
  #sealed = false;
  /** The constructions in flight here, each by the function that rejects its waiters. Made on first use. */
  #watched: Set<Stop> | undefined;
  #controller: AbortController | undefined;
  #stopReason: unknown;
  #abortReason: unknown;
  readonly #what: string;

  constructor(what: string) {
    this.#what = what;
  }

  /** True once dispose() has begun, including while its first disposers are still running synchronously. */
  get closed(): boolean {
    return this.#closed;
  }

  /** True once the disposers have started: an instance finishing now must be disposed on its own. */
  get sealed(): boolean {
    return this.#sealed;
  }

  /** Aborts when dispose() begins (or {@link DisposalStack.stop} or {@link DisposalStack.abort} is called). Made on first use. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#abortReason !== undefined) this.#controller.abort(this.#abortReason);
      else if (this.#stopped()) this.#controller.abort(this.stopReason);
    }
    return this.#controller.signal;
  }

  /**
   * Abort the signal only: the factories running for this stack should stop, and its waiters keep waiting for
   * them (a request whose client went away). The first reason wins.
   */
  abort(reason: unknown): void {
    if (this.#abortReason !== undefined) return;
    this.#abortReason = reason;
    this.#controller?.abort(reason);
  }

  /**
   * The work of this stack is no longer wanted: abort its signal and reject, with `reason`, every construction it
   * watches, now. Nothing is disposed yet. The first reason wins; a later call does nothing.
   */
  stop(reason: unknown): void {
    if (this.#stopReason !== undefined) return;
    this.#stopReason = reason;
    this.abort(reason);
    const watched = this.#watched;
    if (watched === undefined) return;
    this.#watched = undefined;
    for (const stop of watched) stop(reason);
  }

  /** Why this stack stopped (a DisposedError when dispose() stopped it); read it only once it has. */
  get stopReason(): unknown {
    return (this.#stopReason ??= this.#disposedReason());
  }

  #stopped(): boolean {
    return this.#stopReason !== undefined || this.#closed;
  }

  /** Record an instance. The disposer `undefined` means the instance's own Symbol.asyncDispose / Symbol.dispose. */
  add(name: string, instance: unknown, disposer: Disposer): void {
    const items = this.#items;
    if (items === undefined) this.#items = [name, instance, disposer];
    else items.push(name, instance, disposer);
  }

  /**
   * Watch a construction in flight: `stop` is called once if this stack stops before {@link DisposalStack.unwatch}.
   * Returns false, without watching, when the stack has already stopped (the caller then stops it itself).
   */
  watch(stop: Stop): boolean {
    if (this.#stopped()) return false;
    (this.#watched ??= new Set()).add(stop);
    return true;
  }

  /** The construction watched with `stop` has settled. */
  unwatch(stop: Stop): void {
    this.#watched?.delete(stop);
  }

  /** `promise`, rejected with the stop reason as soon as this stack stops, if it has not settled by then. */
  guard<T>(promise: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (!this.watch(reject)) {
        promise.then(ignore, ignore); // whatever it settles with later, nobody waits for it
        reject(this.stopReason);
        return;
      }
      promise.then(
        (value) => {
          this.unwatch(reject);
          resolve(value); // ignored if the stack stopped first
        },
        (error: unknown) => {
          this.unwatch(reject);
          reject(error);
        },
      );
    });
  }

  /** Dispose everything recorded, newest first. Calling it again returns the same promise. */
  dispose(): Promise<void> {
    if (this.#done !== undefined) return this.#done;
    // Called again by a disposer before the first call returned: the same run, once it has a promise.
    if (this.#closed) return Promise.resolve().then(() => this.#done);
    // Closed before any disposer runs, so what a disposer resolves from this scope is refused rather than handed
    // an instance about to be disposed, or built only to be disposed at once.
    this.#closed = true;
    // The reason is made only when somebody holds the signal or waits for a construction: a scope nobody asked
    // either of pays nothing.
    if (this.#controller !== undefined || this.#watched !== undefined) this.stop(this.#disposedReason());
    this.#done = this.#run();
    return this.#done;
  }

  /** Dispose an instance that finished building after this stack's disposers ran, now: see {@link disposeAlone}. */
  disposeLate(name: string, instance: unknown, disposer: Disposer): void {
    disposeAlone(name, instance, disposer, `${this.#what} (an instance that arrived after it was disposed)`);
  }

  #disposedReason(): DisposedError {
    return new DisposedError(this.#what === 'container' ? 'container' : 'scope', 'keep building');
  }

  #run(): Promise<void> {
    this.#sealed = true;
    const items = this.#items;
    this.#items = undefined;
    return items === undefined ? settled : runDisposers(items, this.#what);
  }
}

function reportLate(error: unknown): void {
  process.emitWarning(error as Error);
}

/**
 * Dispose one instance no stack holds (it arrived after its stack's disposers ran, or an observer refused it),
 * right away. Nobody is left to reject: a failure is emitted as a process warning (`process.on('warning')`, a
 * DisposalError with code LOOPSAFE_ERR_DISPOSAL_FAILED), never left unhandled.
 */
export function disposeAlone(name: string, instance: unknown, disposer: Disposer, what: string): void {
  runDisposers([name, instance, disposer], what).catch(reportLate);
}

type Failures = { name: string; error: unknown }[] | undefined;

/**
 * Run the disposers newest first. It stays synchronous while every disposer does, so a request scope whose
 * disposers are all sync pays for no async function; at the first returned promise it continues in
 * {@link runRest}, which awaits each one. Same order, same error collection, either way.
 */
function runDisposers(items: unknown[], what: string): Promise<void> {
  let failures: Failures;
  for (let i = items.length - 3; i >= 0; i -= 3) {
    try {
      const result = runOne(items, i);
      if (result instanceof Promise) return runRest(items, what, i, result, failures);
    } catch (error) {
      (failures ??= []).push({ name: items[i] as string, error });
    }
  }
  return failures === undefined ? settled : Promise.reject(new DisposalError(what, failures));
}

function runOne(items: unknown[], i: number): unknown {
  const instance = items[i + 1];
  const disposer = items[i + 2] as Disposer;
  return disposer === undefined ? disposeOwn(instance) : disposer(instance);
}

/** The rest of {@link runDisposers} once item `at` returned `pending`: await it, then each remaining one. */
async function runRest(items: unknown[], what: string, at: number, pending: Promise<unknown>, failures: Failures): Promise<void> {
  try {
    await pending;
  } catch (error) {
    (failures ??= []).push({ name: items[at] as string, error });
  }
  for (let i = at - 3; i >= 0; i -= 3) {
    try {
      const result = runOne(items, i);
      if (result instanceof Promise) await result;
    } catch (error) {
      (failures ??= []).push({ name: items[i] as string, error });
    }
  }
  if (failures !== undefined) throw new DisposalError(what, failures);
}
