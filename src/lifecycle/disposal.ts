import { DisposalError } from '../errors/container.js';

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
 * The instances a scope (or the container) created that need disposing, in creation order.
 * `dispose()` runs them in reverse, one at a time, awaiting each, exactly once; a throwing disposer does not stop
 * the others, and all failures come back as one DisposalError.
 */
export class DisposalStack {
  // Flat triples (name, instance, disposer) keep a request scope to one small array.
  #items: unknown[] = [];
  #done: Promise<void> | undefined;
  #closed = false;
  readonly #what: string;

  constructor(what: string) {
    this.#what = what;
  }

  /** True once dispose() has begun, including while its first disposers are still running synchronously. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Record an instance. The disposer `undefined` means the instance's own Symbol.asyncDispose / Symbol.dispose. */
  add(name: string, instance: unknown, disposer: Disposer): void {
    this.#items.push(name, instance, disposer);
  }

  /** Dispose everything recorded, newest first. Calling it again returns the same promise. */
  dispose(): Promise<void> {
    if (this.#done !== undefined) return this.#done;
    // Called again by a disposer before the first call returned: the same run, once it has a promise.
    if (this.#closed) return Promise.resolve().then(() => this.#done);
    // Closed before any disposer runs, so what a disposer resolves from this scope is refused, and an instance
    // it would build is disposed at once instead of landing in a list nobody disposes.
    this.#closed = true;
    const items = this.#items;
    this.#items = [];
    this.#done = items.length === 0 ? settled : runDisposers(items, this.#what);
    return this.#done;
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
