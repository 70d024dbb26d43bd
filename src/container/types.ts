// The container's public shapes, below the implementation so its options validator and typed options can name
// them without importing the container (no cycle: docs/architecture.md).
import type { Registration, Dep, ProviderDef, CtorParams } from '../declare/provider.js';
import type { InversifyContainerLike } from '../declare/foreign.js';
import type { Resolvable } from '../declare/graph-types.js';
import type { AppGraph } from '../graph/model.js';
import type { ResolutionObserver } from '../resolution/observer.js';
import type { Scope } from '../scopes/scope.js';
import type { Key, KeyType } from '../tokens.js';

/** Options of {@link createContainer}. */
export interface ContainerOptions {
  /**
   * Providers to register right away, as made by `provide()`. A bad declaration among them is reported by the boot,
   * at its key's first `provide()` call (or at this `createContainer()` call for a later one).
   */
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
  /**
   * Register a provider. A class key with no declaration provides itself (its metadata names its dependencies).
   * A bad declaration (an unknown or ill-typed option, a key registered twice) does not throw here: it is noted with
   * this call's `file:line:column` and reported by the boot, in one `BootError` with every other problem. Throws
   * at once only on a booted (`LOOPSAFE_ERR_CONTAINER_FROZEN`) or disposed (`LOOPSAFE_ERR_DISPOSED`) container.
   */
  register<K extends Key, const D extends readonly Dep[] = never>(key: K, def?: ProviderDef<KeyType<K>, D, CtorParams<K>>): Container<Provided | K>;
  /**
   * Replace a provider (or add one) before boot, for tests; app code stays untouched. A bad declaration is reported
   * by the boot, as for `register()`.
   */
  override<K extends Key, const D extends readonly Dep[] = never>(key: K, def?: ProviderDef<KeyType<K>, D, CtorParams<K>>): Container<Provided | K>;
  /** True when a provider is registered (or an attached inversify container binds the key). */
  has(key: Key): boolean;
  /**
   * Check the whole graph and compile the resolution plans, without constructing anything. Throws one
   * `BootError` listing every problem (declarations refused at registration, missing providers, cycles, captive
   * dependencies, invalid declarations), in declaration order, each with where it was registered. After it
   * succeeds, registration is closed.
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
