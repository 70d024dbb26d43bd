import type { Class, Key, KeyType } from '../tokens.js';
import type { Lifetime } from './lifetime.js';
import type { Facts, factsKey, FactsOf } from './graph-facts.js';
import { recordDeclaration } from '../graph/declared.js';
import { registeredAt, type CallStack } from './sites.js';

const optionalBrand = Symbol.for('loopsafe.optional');

/** A dependency that resolves to `undefined` when no provider is registered for it. */
export interface Optional<K extends Key = Key> {
  /** @internal */
  readonly [optionalBrand]: true;
  /** The key asked for. */
  readonly key: K;
}

/**
 * Mark a dependency optional: it resolves to `undefined` instead of failing the boot when nothing provides it.
 * The injected type becomes `T | undefined`.
 *
 * ```ts
 * provide(Mailer, {
 *   inject: [Config, optional(Metrics)],
 *   useFactory: (config, metrics) => new Mailer(config.smtp, metrics), // metrics: Metrics | undefined
 * });
 * ```
 */
export function optional<K extends Key>(key: K): Optional<K> {
  return { [optionalBrand]: true, key };
}

/** @internal */
export function isOptional(dep: unknown): dep is Optional {
  return typeof dep === 'object' && dep !== null && (dep as Record<symbol, unknown>)[optionalBrand] === true;
}

const lazyBrand = Symbol.for('loopsafe.lazy');

/** A dependency injected as a function that resolves the key when called. */
export interface Lazy<K extends Key = Key> {
  /** @internal */
  readonly [lazyBrand]: true;
  /** The key asked for. */
  readonly key: K;
}

/**
 * Ask for a dependency later: the factory (or handler) receives `() => Promise<T>`, which resolves the key on use,
 * in the same scope. It is checked at boot like any dependency (the key must be provided; a singleton's lazy
 * request-scoped key is still a captive dependency), but it does not close a cycle: this is how one side of a
 * cycle asks for the other.
 *
 * ```ts
 * provide(Orders, { inject: [lazy(Billing)], useFactory: (billing) => new Orders(billing) });
 * // later, inside Orders: const b = await this.billing();
 * ```
 */
export function lazy<K extends Key>(key: K): Lazy<K> {
  return { [lazyBrand]: true, key };
}

/** @internal */
export function isLazy(dep: unknown): dep is Lazy {
  return typeof dep === 'object' && dep !== null && (dep as Record<symbol, unknown>)[lazyBrand] === true;
}

/** A declared dependency: a key, an {@link optional} key or a {@link lazy} key. */
export type Dep = Key | Optional | Lazy;

/** The type one dependency resolves to. */
export type DepType<D> = D extends Lazy<infer K> ? () => Promise<KeyType<K>>
  : D extends Optional<infer K> ? KeyType<K> | undefined : KeyType<D>;

/** The tuple of types a list of dependencies resolves to, in order. */
export type DepTypes<D extends readonly Dep[]> = { -readonly [I in keyof D]: DepType<D[I]> };

/** Options every constructed provider (factory or class) accepts. `L` is the lifetime, kept literal for the compiler's captive check. */
export interface ConstructedOptions<T, L extends Lifetime = Lifetime> {
  /**
   * How long the instance lives.
   * @default 'singleton'
   */
  lifetime?: L;
  /**
   * Called with the instance when its scope (or the container) is disposed, in reverse creation order.
   * Without it, an instance's own `Symbol.asyncDispose` or `Symbol.dispose` method is used.
   */
  dispose?: (instance: T) => unknown;
  /**
   * Construct this singleton during `container.boot()`, so a broken connection fails the boot and the
   * first request does not pay for it.
   * @default false
   */
  eager?: boolean;
  /**
   * Milliseconds an async factory may take before it fails with `LOOPSAFE_ERR_PROVIDER_TIMEOUT`.
   * `0` turns the limit off for this provider.
   * @default the container's `timeout`
   */
  timeout?: number;
}

/** A provider built by an (optionally async) factory from its declared dependencies. */
export interface FactoryProvider<T, D extends readonly Dep[] = readonly Dep[], L extends Lifetime = Lifetime> extends ConstructedOptions<T, L> {
  /** Builds the instance. It may return the instance or a promise of it; a plain value costs no await. */
  useFactory: (...deps: DepTypes<D>) => T | PromiseLike<T>;
  /** The dependencies, passed to the factory in this order. */
  inject?: D;
  /** Not with `useFactory`: one way to provide a key. */
  useClass?: never;
}

/**
 * The constructor arguments an `inject` list gives: `never` (anything goes) when there is no list (or it is `any`), since the
 * dependencies then come from the class's metadata.
 */
export type InjectedArgs<D extends readonly Dep[]> = 0 extends 1 & D ? never : [D] extends [never] ? never : DepTypes<D>;

/**
 * A provider built with `new`. Without `inject`, dependencies come from the class's metadata (its decorated
 * constructor's parameter types, or inversify's `@inject()` with `loopsafe/inversify` imported); with it,
 * the class's constructor must accept the listed dependencies' types, in that order (checked at compile time).
 */
export interface ClassProvider<T, D extends readonly Dep[] = readonly Dep[], L extends Lifetime = Lifetime> extends ConstructedOptions<T, L> {
  /** The class to construct. */
  useClass: ClassOf<T, D>;
  /** The constructor's dependencies, in order; read from the class's metadata when left out. */
  inject?: D;
  /** Not with `useClass`: one way to provide a key. */
  useFactory?: never;
}

/** A value made outside the container. It is never disposed by loopsafe. */
export interface ValueProvider<T> {
  /** The value itself. */
  useValue: T;
}

/**
 * A per-request value that each scope is given with `scope.supply(key, value)`: the request id, the request
 * itself. It is request-scoped and never disposed by loopsafe. (`S` lets `provide()` see that a declaration is
 * one, for the compiler's captive check; it is always `true`.)
 */
export interface SuppliedProvider<S extends true = true> {
  /** Marks the key as supplied per scope. */
  supplied: S;
}

/**
 * `D` when its types fit the constructor parameters `P` of a class registered under itself; otherwise a type no
 * list matches, so a swapped or too-short `inject` fails to compile. Keys that are not classes, and classes whose
 * parameters are not a fixed list, are not checked.
 */
export type CheckedInject<D extends readonly Dep[], P> = [P] extends [never] ? D
  : P extends readonly unknown[] ? number extends P['length'] ? D : DepTypes<D> extends P ? D
  : InjectMismatch<P> : D;

/** What a mismatched `inject` list is compared with, so the compiler's message shows the constructor's parameters. */
export interface InjectMismatch<P> {
  /** The constructor's parameters the list should have given, in order. */
  readonly 'inject does not match the constructor parameters': P;
}

/** A class whose constructor accepts the dependencies `D` lists (any class when there is no list). */
export type ClassOf<T, D extends readonly Dep[]> = new (...args: NoInfer<InjectedArgs<D>>) => T;

/** For a class registered under itself: only options, and optionally the constructor's dependencies. */
export interface SelfProvider<T, D extends readonly Dep[] = readonly Dep[], P = never, L extends Lifetime = Lifetime> extends ConstructedOptions<T, L> {
  /** The constructor's dependencies, in order; read from the class's metadata when left out. */
  inject?: CheckedInject<D, P>;
  /** Not in a self declaration. */
  useClass?: never;
  /** Not in a self declaration. */
  useFactory?: never;
}

/** The constructor parameters of a class key; `never` for other keys. */
export type CtorParams<K> = K extends abstract new (...args: infer P) => unknown ? P : never;

/**
 * Any provider declaration. `P` is the constructor parameters of a class key, to check a self declaration's
 * `inject`; `L` and `S` carry the lifetime and the supplied flag to `provide()`'s result type.
 */
export type ProviderDef<T, D extends readonly Dep[] = readonly Dep[], P = never, L extends Lifetime = Lifetime, S extends true = true> =
  | FactoryProvider<T, D, L>
  | ClassProvider<T, D, L>
  | ValueProvider<T>
  | SuppliedProvider<S>
  | SelfProvider<T, D, P, L>;

/** A provider declaration of any type, as a {@link Registration} stores it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyProviderDef = ProviderDef<any, any>;

/**
 * A key with its provider declaration, as passed to `createContainer({ providers })`. `K` is the key's own type and
 * `F` what the compiler's graph check knows of it (its dependencies and lifetime); a `Registration` without them
 * (a widened `Registration[]`) turns that check off, and the boot check alone decides.
 */
export interface Registration<T = unknown, K extends Key = Key<T>, F extends Facts = Facts> {
  /** The key the provider answers. */
  readonly key: K;
  /** The declaration. `undefined` means the key is a class that provides itself. */
  readonly def: AnyProviderDef | undefined;
  /** For the compiler only; never present at run time. */
  readonly [factsKey]?: F;
}

/**
 * Declare a provider without a container, for modules and test overrides.
 *
 * ```ts
 * export const providers = [
 *   provide(Config, { useValue: config }),
 *   provide(Db, { inject: [Config], useFactory: (c) => connect(c.url), dispose: (db) => db.end() }),
 *   provide(UserRepo, { lifetime: 'request' }), // a decorated class: its class-typed parameters are injected
 * ];
 * ```
 */
export function provide<K extends Key, const D extends readonly Dep[] = never, L extends Lifetime = 'singleton', S extends true = never>(
  key: K,
  def?: ProviderDef<KeyType<K>, D, CtorParams<K>, L, S>,
): Registration<KeyType<K>, K, NoInfer<FactsOf<D, L, S>>> {
  // Only a key's first provide() captures a stack (see recordDeclaration): a later one is placed by the
  // createContainer() call that registers it.
  const site = recordDeclaration(key);
  return site === undefined ? { key, def } : ({ key, def, [registeredAt]: site } as Registration<KeyType<K>, K, NoInfer<FactsOf<D, L, S>>>);
}

/** The stack `provide()` captured for this registration, if it captured one. @internal */
export function registrationStack(r: Registration): CallStack | undefined {
  return (r as { [registeredAt]?: CallStack })[registeredAt];
}

/** @internal */
export type AnyClass = Class<unknown>;
