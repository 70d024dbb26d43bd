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

/**
 * The instances a scope (or the container) created that need disposing, in creation order, and the constructions
 * still in flight there. `dispose()` first aborts the stack's signal, waits for those constructions (each settles,
 * fails or times out), then runs the disposers in reverse, one at a time, awaiting each, exactly once; a throwing
 * disposer does not stop the others, and all failures come back as one DisposalError.
 */
export class DisposalStack {
  // Flat triples (name, instance, disposer) keep a request scope to one small array.
  #items: unknown[] = [];
  #done: Promise<void> | undefined;
  #closed = false;
  #sealed = false;
  #inflight = 0;
  #drained: (() => void) | undefined;
  #controller: AbortController | undefined;
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

  /** Aborts when dispose() begins (or {@link DisposalStack.abort} is called). Made on first use. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#abortReason !== undefined) this.#controller.abort(this.#abortReason);
      else if (this.#closed) this.#controller.abort(this.#disposedReason());
    }
    return this.#controller.signal;
  }

  /** Abort the signal without disposing: the work of this scope is no longer wanted. The first reason wins. */
  abort(reason: unknown): void {
    if (this.#abortReason !== undefined) return;
    this.#abortReason = reason;
    this.#controller?.abort(reason);
  }

  /** Record an instance. The disposer `undefined` means the instance's own Symbol.asyncDispose / Symbol.dispose. */
  add(name: string, instance: unknown, disposer: Disposer): void {
    this.#items.push(name, instance, disposer);
  }

  /**
   * Record a construction in flight: dispose() waits until {@link DisposalStack.end} is called for it. A count, not
   * a set of promises: the caller calls end() from the callbacks it already has, so no promise is made for this.
   */
  begin(): void {
    this.#inflight++;
  }

  /** A construction recorded with {@link DisposalStack.begin} has settled (its instance, if any, already added). */
  end(): void {
    if (--this.#inflight === 0 && this.#drained !== undefined) {
      const drained = this.#drained;
      this.#drained = undefined;
      drained();
    }
  }

  /** Dispose everything recorded, newest first. Calling it again returns the same promise. */
  dispose(): Promise<void> {
    if (this.#done !== undefined) return this.#done;
    // Called again by a disposer before the first call returned: the same run, once it has a promise.
    if (this.#closed) return Promise.resolve().then(() => this.#done);
    // Closed before any disposer runs, so what a disposer resolves from this scope is refused rather than handed
    // an instance about to be disposed, or built only to be disposed at once.
    this.#closed = true;
    // The reason is made only when somebody holds the signal: a scope nobody asked it of pays nothing.
    if (this.#controller !== undefined) this.abort(this.#disposedReason());
    if (this.#inflight === 0) {
      this.#done = this.#run();
      return this.#done;
    }
    this.#done = new Promise<void>((resolve) => (this.#drained = resolve)).then(() => this.#run());
    return this.#done;
  }

  #disposedReason(): DisposedError {
    return new DisposedError(this.#what === 'container' ? 'container' : 'scope', 'keep building');
  }

  #run(): Promise<void> {
    this.#sealed = true;
    const items = this.#items;
    this.#items = [];
    return items.length === 0 ? settled : runDisposers(items, this.#what);
  }
}

/** Dispose one late instance right away (it finished building after its scope closed). */
export async function disposeNow(name: string, instance: unknown, disposer: Disposer, what: string): Promise<void> {
  return runDisposers([name, instance, disposer], what);
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
