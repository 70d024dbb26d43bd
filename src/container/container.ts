import { isMainThread, threadId } from 'node:worker_threads';
import { AsyncProviderError, ContainerFrozenError, DisposedError, MissingProviderError, WrongThreadError } from '../errors/container.js';
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
import { RequestScope, type ScopeHost } from '../scopes/scope.js';
import { exposeInternals } from './seam.js';
import { AbortSignalToken, keyName, type Key, type KeyType } from '../tokens.js';
import { attachInversify, type ForeignContainer, type InversifyContainerLike } from '../declare/foreign.js';
import { describeGraph } from '../graph/describe.js';
import type { AppGraph } from '../graph/model.js';
import { routesOf } from '../graph/roots.js';
import { validateContainerOptions } from './options.js';
import { Declarations } from './declarations.js';
import { captureCall, type CallStack } from '../declare/sites.js';
import { registrationStack, type AnyProviderDef, type Registration } from '../declare/provider.js';
import type { TypedContainerKeys, TypedContainerOptions } from './typed-options.js';

// resolveSync's constants as this module's own: see the note in resolution/resolve.ts.
const { EMPTY, KIND_CONSTRUCTED, SINGLETON } = planCodes;

export type { ContainerOptions, Container, BootContext } from './types.js';
import type { ContainerOptions, Container, BootContext } from './types.js';

// Frames kept of a register() or override() call (captureCall, register, then its caller and one more, for a
// wrapper), and of a createContainer() call (captureCall, the constructor, createContainer, createApp, the caller...).
const CALLER_FRAMES = 4;
const CREATE_FRAMES = 7;

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
 * (`MissingProvider<"Clock">`, `CaptiveDependency<"Cache", "RequestId">`); see docs/typed-graph.md. A container
 * that falls back to an inversify container (`inversify`) is not checked at compile time, neither its providers'
 * `inject` lists nor its `resolve()`: the keys inversify binds are known only at run time (the boot check sees them).
 */
export function createContainer<
  const P extends readonly Registration[] = readonly Registration[],
  const O extends readonly Registration[] = readonly [],
  I extends InversifyContainerLike | undefined = undefined,
>(options?: TypedContainerOptions<P, O, I>): Container<TypedContainerKeys<P, O, I>>;
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
  readonly #declarations = new Declarations();
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
    // A registration a key's first provide() made says where that was; any other is placed at this call, whose
    // stack is captured once, when first needed.
    let here: CallStack | undefined;
    for (const r of options.providers ?? []) this.#declarations.add(r.key, r.def, registrationStack(r) ?? (here ??= captureCall(CREATE_FRAMES)));
    for (const r of options.overrides ?? []) this.#declarations.replace(r.key, r.def, registrationStack(r) ?? (here ??= captureCall(CREATE_FRAMES)));
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

  // A bad declaration is not thrown here: boot() reports it with every other problem, at the site captured now.
  register(key: Key, def?: AnyProviderDef): this {
    this.#assertOpen(key, 'register');
    this.#declarations.add(key, def, captureCall(CALLER_FRAMES));
    return this;
  }

  override(key: Key, def?: AnyProviderDef): this {
    this.#assertOpen(key, 'override');
    this.#declarations.replace(key, def, captureCall(CALLER_FRAMES));
    return this;
  }

  has(key: Key): boolean {
    return key === AbortSignalToken || this.#declarations.has(key) || this.#foreign?.has(key) === true;
  }

  check(): void {
    if (this.#plans === undefined) this.#plans = compilePlans(this.#declarations, this.#timeout, this.#foreign);
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
