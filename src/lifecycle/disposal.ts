import { DisposalError } from '../errors/container.js';

type Disposer = ((instance: unknown) => unknown) | undefined;

const resolved = Promise.resolve();

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
  readonly #what: string;

  constructor(what: string) {
    this.#what = what;
  }

  /** True once dispose() has begun. */
  get closed(): boolean {
    return this.#done !== undefined;
  }

  /** Record an instance. The disposer `undefined` means the instance's own Symbol.asyncDispose / Symbol.dispose. */
  add(name: string, instance: unknown, disposer: Disposer): void {
    this.#items.push(name, instance, disposer);
  }

  /** Dispose everything recorded, newest first. Calling it again returns the same promise. */
  dispose(): Promise<void> {
    if (this.#done !== undefined) return this.#done;
    const items = this.#items;
    this.#items = [];
    this.#done = items.length === 0 ? resolved : runDisposers(items, this.#what);
    return this.#done;
  }
}

/** Dispose one late instance right away (it finished building after its scope closed). */
export async function disposeNow(name: string, instance: unknown, disposer: Disposer, what: string): Promise<void> {
  return runDisposers([name, instance, disposer], what);
}

async function runDisposers(items: unknown[], what: string): Promise<void> {
  let failures: { name: string; error: unknown }[] | undefined;
  for (let i = items.length - 3; i >= 0; i -= 3) {
    const instance = items[i + 1];
    const disposer = items[i + 2] as Disposer;
    try {
      const result = disposer === undefined ? disposeOwn(instance) : disposer(instance);
      if (result instanceof Promise) await result;
    } catch (error) {
      (failures ??= []).push({ name: items[i] as string, error });
    }
  }
  if (failures !== undefined) throw new DisposalError(what, failures);
}
