import { AsyncProviderError, DisposedError, SupplyError } from '../errors/container.js';
import * as disposal from '../lifecycle/disposal.js';
import { DisposalStack } from '../lifecycle/disposal.js';
import { get } from '../resolution/resolve.js';
import type { RootSite, Site } from '../resolution/site.js';
import * as planCodes from '../resolution/plan.js';
import type { Plan } from '../resolution/plan.js';
import { PRESIZED_SLOTS, slotOf, stored } from '../resolution/slots.js';
import { channel, tracingChannel, type TracingChannel } from 'node:diagnostics_channel';
import { loopsafeChannels } from '../channels.js';
import { watchSubscribers } from '../resolution/watch.js';
import { traced } from '../resolution/trace.js';
import type { Key, KeyType } from '../tokens.js';
import type { Resolvable } from '../declare/graph-types.js';

// What every request reads, as this module's own constants: see the note in resolution/resolve.ts.
const { KIND_SUPPLIED, SINGLETON } = planCodes;
const { settled } = disposal;

/**
 * One request's view of the container: request-scoped providers resolve once per scope, singletons are shared.
 * Open one with `container.createScope()`; close it with `await scope.dispose()` or `await using`.
 */
export interface Scope<Provided = unknown> extends AsyncDisposable {
  /** Resolve a provider in this scope. Concurrent first calls for one request-scoped provider build one instance. */
  resolve<K extends Key>(key: K & NoInfer<Resolvable<K, Provided>>): Promise<KeyType<K>>;
  /**
   * Resolve without a promise. Fails with `LOOPSAFE_ERR_ASYNC_PROVIDER` when a provider on the way would have to
   * wait for an async factory; everything already built, or built by sync factories, resolves.
   */
  resolveSync<K extends Key>(key: K & NoInfer<Resolvable<K, Provided>>): KeyType<K>;
  /** Give this scope its value for a key declared `{ supplied: true }` (the request id, the request). */
  supply<K extends Key>(key: K, value: KeyType<K>): this;
  /**
   * Dispose what this scope created, newest first, exactly once, awaiting each disposer. Resolves still pending
   * reject with `LOOPSAFE_ERR_DISPOSED` at once and their `AbortSignalToken` aborts; dispose() does not wait for
   * their factories, and an instance that arrives later is disposed on arrival. Later calls return the same promise.
   */
  dispose(): Promise<void>;
  /** True once `dispose()` has been called. */
  readonly disposed: boolean;
}

/** The message of `scopeOpen` and the context of a `scopeDispose` trace: the same object for one scope's open and dispose. */
export interface ScopeContext {
  /** The scope. */
  readonly scope: Scope;
  /** Set when a disposer failed. */
  error?: unknown;
}

// The scope's channels are published here, so they are declared here (the layer that calls a seam owns it).
const scopeOpenChannel = channel(loopsafeChannels.scopeOpen);
const scopeDisposeChannel: TracingChannel<unknown, ScopeContext> = tracingChannel(loopsafeChannels.scopeDispose);
/** Whether each per-scope trace has a subscriber, as plain fields read per scope (a trace runs when its `start` channel has one). */
const tracing = {
  scopeOpen: watchSubscribers(scopeOpenChannel, { active: false }),
  scopeDispose: watchSubscribers(scopeDisposeChannel.start, { active: false }),
};

/** What a scope needs from its container. @internal */
export interface ScopeHost {
  readonly root: RootSite;
  planOf(key: Key): Plan;
  released(scope: RequestScope): void;
}

/** @internal */
export class RequestScope implements Scope, Site {
  readonly slots: unknown[];
  readonly stack = new DisposalStack('request scope');
  readonly root: RootSite;
  /** Links in the container's list of open scopes. */
  prevOpen: RequestScope | undefined = undefined;
  nextOpen: RequestScope | undefined = undefined;
  readonly #host: ScopeHost;
  /** The context published when the scope opened, reused for its disposal so subscribers can pair them. */
  #trace: ScopeContext | undefined = undefined;

  constructor(host: ScopeHost) {
    this.#host = host;
    this.root = host.root;
    // Sized to the slots numbered so far, up to a bound; beyond it, grows to the slots this request uses (see slots.ts).
    this.slots = new Array(Math.min(this.root.nextSlot, PRESIZED_SLOTS));
    if (tracing.scopeOpen.active) {
      this.#trace = { scope: this };
      scopeOpenChannel.publish(this.#trace);
    }
  }

  get disposed(): boolean {
    return this.stack.closed;
  }

  resolve<K extends Key>(key: K): Promise<KeyType<K>> {
    try {
      const plan = this.#host.planOf(key);
      const value = this.resolveRaw(plan);
      if (!(value instanceof Promise)) return Promise.resolve(value) as Promise<KeyType<K>>;
      // A singleton still building belongs to the container, which keeps building it; this scope's caller is let
      // go when the scope is disposed, as it would be for anything the scope builds itself.
      return (plan.lt === SINGLETON && plan.pends ? this.stack.guard(value) : value) as Promise<KeyType<K>>;
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  resolveSync<K extends Key>(key: K): KeyType<K> {
    const plan = this.#host.planOf(key);
    const value = this.resolveRaw(plan);
    if (plan.pends && value instanceof Promise) {
      value.catch(() => {});
      throw new AsyncProviderError([plan.name]);
    }
    return value as KeyType<K>;
  }

  /** The instance, or a promise of it only when something async is on the way. @internal */
  resolveRaw(plan: Plan): unknown {
    if (this.stack.closed) throw new DisposedError('scope', `resolve ${plan.name}`);
    return get(plan, this, undefined);
  }

  supply<K extends Key>(key: K, value: KeyType<K>): this {
    const plan = this.#host.planOf(key);
    if (plan.kind !== KIND_SUPPLIED) throw new SupplyError(plan.name, 'it is not declared with { supplied: true }.');
    if (this.stack.closed) throw new DisposedError('scope', `supply ${plan.name}`);
    const slot = slotOf(plan, this.root);
    if (this.slots[slot] !== undefined) throw new SupplyError(plan.name, 'this scope already has a value for it; supply each value once, before anything resolves it.');
    this.slots[slot] = stored(value);
    return this;
  }

  dispose(): Promise<void> {
    if (this.stack.closed) return this.stack.dispose();
    const done = tracing.scopeDispose.active
      ? traced(scopeDisposeChannel, this.#trace ?? { scope: this }, () => this.stack.dispose())
      : this.stack.dispose();
    // The container keeps a scope listed until its disposers have finished, so container.dispose() waits for a
    // scope that is still disposing before it disposes the singletons that scope's instances use.
    if (done === settled) this.#host.released(this);
    else done.then(() => this.#host.released(this), () => this.#host.released(this));
    return done;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}
