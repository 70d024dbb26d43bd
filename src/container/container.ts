import { isMainThread, threadId } from 'node:worker_threads';
import {
  AsyncProviderError, ContainerFrozenError, DisposedError, DuplicateProviderError,
  MissingProviderError, WrongThreadError,
} from '../errors/container.js';
import { DisposalStack } from '../lifecycle/disposal.js';
import { compilePlans } from './compile.js';
import { disposeContainer } from './dispose.js';
import { ambientObserver, type ResolutionObserver } from '../resolution/observer.js';
import { tracingChannel, type TracingChannel } from 'node:diagnostics_channel';
import { loopsafeChannels } from '../channels.js';
import { containerObserver } from '../resolution/compose.js';
import { traced } from '../resolution/trace.js';
import * as planCodes from '../resolution/plan.js';
import { foreignPlan, type Plan } from '../resolution/plan.js';
import { get, getAtBoot } from '../resolution/resolve.js';
import type { RootSite } from '../resolution/site.js';
import { OpenScopes } from '../scopes/open-scopes.js';
import { RequestScope, type Scope, type ScopeHost } from '../scopes/scope.js';
import { exposeInternals } from './seam.js';
import { AbortSignalToken, keyName, type Key, type KeyType } from '../tokens.js';
import { attachInversify, type ForeignContainer, type InversifyContainerLike } from '../declare/foreign.js';
import { describeGraph } from '../graph/describe.js';
import type { AppGraph } from '../graph/model.js';
import { routesOf } from '../graph/roots.js';
import { validateContainerOptions, validateProviderDef } from './options.js';
import type { AnyProviderDef, CtorParams, Dep, ProviderDef, Registration } from '../declare/provider.js';
import type { Resolvable } from '../declare/graph-types.js';
import type { TypedContainerKeys, TypedContainerOptions } from './typed-options.js';

// resolveSync's constants as this module's own: see the note in resolution/resolve.ts.
const { EMPTY, KIND_CONSTRUCTED, SINGLETON } = planCodes;

/** Options of {@link createContainer}. */
export interface ContainerOptions {
  /** Providers to register right away, as made by `provide()`. */
  providers?: readonly Registration[];
  /** Replacements for some of `providers`, for tests: same key, another declaration. */
  overrides?: readonly Registration[];
  /**
   * Milliseconds an async factory may take before its resolution fails with `LOOPSAFE_ERR_PROVIDER_TIMEOUT`.
   * `0` turns the limit off. A provider's own `timeout` wins.
   * @default 10_000
   */
  timeout?: number;
  /**
   * An existing inversify `Container`. Keys loopsafe has no provider for are looked up there (and resolved with
   * `getAsync`), so an app can move to loopsafe one binding at a time. inversify keeps owning those instances.
   * Pass the `Container` itself; reading inversify's decorators on classes registered here is separate (import
   * `loopsafe/inversify`).
   */
  inversify?: InversifyContainerLike;
  /**
   * Watches every factory run: the thread monitor from `createThreadMonitor()` is one. Pass an array (or
   * `composeObservers()`) for several; the first is outermost. A container created without one inside a
   * `loopsafe/testing` leak-check block is watched by the helper's own monitor.
   */
  observer?: ResolutionObserver | readonly ResolutionObserver[];
  /**
   * Allow creating the container inside a worker thread. Off by default, because a worker importing the app
   * module would silently build a second copy of every singleton.
   * @default false
   */
  allowWorkerThread?: boolean;
}

/**
 * A dependency-injection container. Create one with {@link createContainer}. `Provided` is the keys the compiler
 * knows it provides (from a `providers` list it could read), so `resolve()` of another fails to compile; `unknown`
 * (the default) checks nothing.
 */
export interface Container<Provided = unknown> extends AsyncDisposable {
  /** Register a provider. A class key with no declaration provides itself (its metadata names its dependencies). */
  register<K extends Key, const D extends readonly Dep[] = never>(key: K, def?: ProviderDef<KeyType<K>, D, CtorParams<K>>): this;
  /** Replace a provider (or add one) before boot, for tests; app code stays untouched. */
  override<K extends Key, const D extends readonly Dep[] = never>(key: K, def?: ProviderDef<KeyType<K>, D, CtorParams<K>>): this;
  /** True when a provider is registered (or an attached inversify container binds the key). */
  has(key: Key): boolean;
  /**
   * Check the whole graph and compile the resolution plans, without constructing anything. Throws one
   * `BootError` listing every problem (missing providers, cycles, captive dependencies, invalid declarations).
   * After it succeeds, registration is closed.
   */
  check(): void;
  /** `check()`, then construct every `eager` singleton, concurrently. Calling it again returns the same promise. */
  boot(): Promise<void>;
  /** Resolve a singleton or transient. Request-scoped providers need a scope: {@link Container.createScope}. */
  resolve<K extends Key>(key: K & NoInfer<Resolvable<K, Provided>>): Promise<KeyType<K>>;
  /** Resolve without a promise; fails with `LOOPSAFE_ERR_ASYNC_PROVIDER` if an async factory would have to run. */
  resolveSync<K extends Key>(key: K & NoInfer<Resolvable<K, Provided>>): KeyType<K>;
  /** Open a request scope. */
  createScope(): Scope<Provided>;
  /**
   * Dispose open scopes, then every singleton and transient the container created, newest first, exactly once.
   * Constructions still in flight are told to stop (their `AbortSignalToken` aborts) and their resolves reject
   * with `LOOPSAFE_ERR_DISPOSED` at once; dispose() does not wait for them. An instance that still arrives is
   * disposed on arrival, exactly once. Values given with `useValue` are not disposed.
   */
  dispose(): Promise<void>;
  /** True once `dispose()` has been called. */
  readonly disposed: boolean;
  /**
   * Describe every provider, dependency and (in a Fastify app) route, as data to render with `graphToDot()`,
   * `graphToMermaid()`, `graphToJson()` or `graphToHtml()`. Checks the graph first, as `check()` does.
   */
  graph(): AppGraph;
}

/** The context of a `boot` or `containerDispose` trace. */
export interface BootContext {
  /** The container. */
  readonly container: Container;
  /** Set when the operation failed. */
  error?: unknown;
}

// Published by the container, so declared beside it (the layer that calls a seam owns it).
const bootChannel: TracingChannel<unknown, BootContext> = tracingChannel(loopsafeChannels.boot);
const containerDisposeChannel: TracingChannel<unknown, BootContext> = tracingChannel(loopsafeChannels.containerDispose);

/**
 * Create a container.
 *
 * ```ts
 * const container = createContainer({ providers });
 * await container.boot();           // every problem in the graph, found now
 * await using scope = container.createScope();
 * const repo = await scope.resolve(UserRepo);
 * ```
 *
 * When the compiler can read `providers` (a list of `provide()` calls), a provider that injects a key nobody
 * provides, a singleton that injects a request-scoped key, and a `resolve()` of an unprovided key fail to compile
 * (`MissingProvider<"Clock">`, `CaptiveDependency<"Cache", "RequestId">`); see docs/typed-graph.md.
 */
export function createContainer<const P extends readonly Registration[] = readonly Registration[], const O extends readonly Registration[] = readonly []>(
  options?: TypedContainerOptions<P, O>,
): Container<TypedContainerKeys<P, O>>;
export function createContainer(options: ContainerOptions = {}): Container {
  return new LoopsafeContainer(options);
}

class LoopsafeContainer implements Container, RootSite, ScopeHost {
  readonly slots = null;
  nextSlot = 0;
  readonly stack = new DisposalStack('container');
  readonly root = this;
  // Not readonly: adoptObserver() may set it once, before anything is built.
  observer: ResolutionObserver | undefined;
  readonly #registrations = new Map<Key, AnyProviderDef | undefined>();
  readonly #timeout: number;
  readonly #foreign: ForeignContainer | undefined;
  readonly #scopes = new OpenScopes<RequestScope>();
  #plans: Map<Key, Plan> | undefined;
  #booting: Promise<void> | undefined;
  #disposing: Promise<void> | undefined;

  constructor(options: ContainerOptions) {
    validateContainerOptions(options);
    if (!isMainThread && options.allowWorkerThread !== true) throw new WrongThreadError(threadId);
    this.#timeout = options.timeout ?? 10_000;
    // Without an observer of its own, a container takes the ambient one (set only inside a testing-helper block).
    this.observer = containerObserver(options.observer, ambientObserver(this));
    this.#foreign = options.inversify === undefined ? undefined : attachInversify(options.inversify);
    for (const r of options.providers ?? []) this.register(r.key, r.def);
    for (const r of options.overrides ?? []) this.override(r.key, r.def);
    exposeInternals(this, this);
  }

  /** @internal See `ContainerInternals.adoptObserver`. */
  adoptObserver(observer: ResolutionObserver): boolean {
    if (this.observer !== undefined || this.#booting !== undefined || this.disposed) return false;
    this.observer = observer;
    return true;
  }

  get disposed(): boolean {
    return this.#disposing !== undefined;
  }

  register(key: Key, def?: AnyProviderDef): this {
    this.#assertOpen(key, 'register');
    if (this.#registrations.has(key)) throw new DuplicateProviderError(keyName(key));
    validateProviderDef(key, def);
    this.#registrations.set(key, def);
    return this;
  }

  override(key: Key, def?: AnyProviderDef): this {
    this.#assertOpen(key, 'override');
    validateProviderDef(key, def);
    this.#registrations.set(key, def);
    return this;
  }

  has(key: Key): boolean {
    return key === AbortSignalToken || this.#registrations.has(key) || this.#foreign?.has(key) === true;
  }

  check(): void {
    if (this.#plans === undefined) this.#plans = compilePlans(this.#registrations, this.#timeout, this.#foreign);
  }

  boot(): Promise<void> {
    if (this.#booting !== undefined) return this.#booting;
    return bootChannel.start.hasSubscribers ? traced(bootChannel, { container: this }, () => this.#boot()) : this.#boot();
  }

  #boot(): Promise<void> {
    let eager: unknown[];
    try {
      this.#assertAlive('boot');
      this.check();
      eager = [...this.#plans!.values()].filter((plan) => plan.eager).map((plan) => getAtBoot(plan, this));
    } catch (error) {
      return Promise.reject(error as Error);
    }
    const booting = Promise.all(eager).then(
      () => undefined,
      (error: unknown) => {
        this.#booting = undefined; // a failed boot may be retried: failed factories are not cached
        throw error;
      },
    );
    this.#booting = booting;
    return booting;
  }

  resolve<K extends Key>(key: K): Promise<KeyType<K>> {
    try {
      // The message is only built on failure: this runs on every resolve.
      if (this.#disposing !== undefined) throw new DisposedError('container', `resolve ${keyName(key)}`);
      const value = get(this.planOf(key), this, undefined);
      return (value instanceof Promise ? value : Promise.resolve(value)) as Promise<KeyType<K>>;
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  resolveSync<K extends Key>(key: K): KeyType<K> {
    // The hot path: a singleton this method returned before is one map lookup and one field away, as in a
    // hand-written container; anything else continues with the plan already found (no second lookup).
    let plan = this.#plans?.get(key);
    if (plan !== undefined) {
      const fast = plan.fast;
      if (fast !== undefined) return fast as KeyType<K>;
    }
    if (this.#disposing !== undefined) throw new DisposedError('container', `resolve ${keyName(key)}`);
    plan ??= this.planOf(key);
    // A built singleton from a factory or class is stored only once settled, so it is never a promise: return it
    // without the instanceof walk below. (A `useValue` may be a promise, hence the kind test.)
    const built = plan.value;
    if (built !== EMPTY && plan.kind === KIND_CONSTRUCTED) {
      // Registration is closed once plans exist, so this never goes stale; dispose() resets it first.
      if (plan.lt === SINGLETON) plan.fast = built;
      return built as KeyType<K>;
    }
    const value = get(plan, this, undefined);
    if (plan.pends && value instanceof Promise) {
      value.catch(() => {});
      throw new AsyncProviderError([plan.name]);
    }
    return value as KeyType<K>;
  }

  createScope(): RequestScope {
    this.#assertAlive('create a scope');
    if (this.#plans === undefined) this.check();
    const scope = new RequestScope(this);
    this.#scopes.add(scope);
    return scope;
  }

  graph(): AppGraph {
    this.check();
    return describeGraph(this.#plans!.values(), routesOf(this));
  }

  /** @internal */
  planOf(key: Key): Plan {
    // Kept this small so V8 inlines it into every resolve; the rare cases live in #planOfSlow.
    const plan = this.#plans?.get(key);
    return plan !== undefined ? plan : this.#planOfSlow(key);
  }

  #planOfSlow(key: Key): Plan {
    if (this.#plans === undefined) this.check();
    const plans = this.#plans!;
    const plan = plans.get(key);
    if (plan !== undefined) return plan;
    if (this.#foreign?.has(key) === true) {
      const plan = foreignPlan(key, this.#foreign);
      plans.set(key, plan);
      return plan;
    }
    throw new MissingProviderError([keyName(key)]);
  }

  /** @internal */
  released(scope: RequestScope): void {
    this.#scopes.delete(scope);
  }

  dispose(): Promise<void> {
    // From now on resolveSync takes the path that refuses.
    if (this.#plans !== undefined) for (const plan of this.#plans.values()) plan.fast = undefined;
    this.#disposing ??= containerDisposeChannel.start.hasSubscribers
      ? traced(containerDisposeChannel, { container: this }, () => this.#dispose())
      : this.#dispose();
    return this.#disposing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  #dispose(): Promise<void> {
    return disposeContainer(this.stack, this.#scopes.toArray());
  }

  #assertOpen(key: Key, action: string): void {
    if (this.#plans !== undefined) throw new ContainerFrozenError(keyName(key), action);
    this.#assertAlive(`${action} ${keyName(key)}`);
  }

  #assertAlive(action: string): void {
    if (this.#disposing !== undefined) throw new DisposedError('container', action);
  }
}
