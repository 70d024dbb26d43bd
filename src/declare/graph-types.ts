import type { Class, IsToken, Key, KeyType, Registry, Token } from '../tokens.js';
import type { Facts } from './graph-facts.js';
import type { Lazy, Optional, Registration } from './provider.js';

declare const suppliedByAdapter: unique symbol;

/**
 * A token an adapter supplies to every request scope at run time (Fastify's request and reply): the compiler
 * counts it as a request-scoped key every container provides, since the plugin registers it.
 */
export type AdapterToken<T, N extends string> = Token<T, N> & {
  /** For the compiler only; never present at run time. */
  readonly [suppliedByAdapter]: true;
};

/**
 * The compile error of a key that is injected or resolved but that no provider in the graph answers. `Name` is the
 * token's name when it has a literal one (`token<Clock, 'Clock'>('Clock')`), else the key's type.
 * Fix: add `provide(key, ...)` to `providers` (or to a module's), or mark the dependency `optional(key)`.
 */
export interface MissingProvider<Name> {
  /** Never present: a type no value has, so the offending key or registration fails to compile. */
  readonly 'loopsafe: no provider for': Name;
}

/**
 * The compile error of a singleton that injects a request-scoped key (directly, or through transients): it would
 * keep one request's instance for every request. Fix: make `Holder` `lifetime: 'request'`, or inject
 * `Dependency` where it is used (a route's `inject`, a handler method), not into the singleton.
 */
export interface CaptiveDependency<Holder, Dependency> {
  /** Never present: a type no value has, so the offending registration fails to compile. */
  readonly 'loopsafe: a singleton must not hold a request-scoped key': [holder: Holder, dependency: Dependency];
}

/** The name a compile error shows for a key: a token's literal name, a string key itself, else the key's type. */
export type KeyName<K> = K extends Token<unknown, infer N> ? (string extends N ? K : N) : K;

/** The key under a dependency: `lazy(key)` and `optional(key)` ask for `key`. */
export type DepKey<D> = D extends Lazy<infer K> ? K : D extends Optional<infer K> ? K : D;

/** The key a dependency needs provided: an `optional(key)` needs nothing. */
export type NeededKey<D> = D extends Optional ? never : DepKey<D>;

/**
 * True when the compiler can judge whether `K` is provided: a token or class with a known type, or a string named
 * in {@link Registry}. Plain strings and symbols, and keys typed `Key` or `Token<unknown>`, are left to the boot check.
 */
export type Judged<K> = K extends string ? (string extends K ? false : K extends keyof Registry ? true : false)
  : IsToken<K> extends true ? (unknown extends KeyType<K> ? false : true)
  : K extends Class<unknown> ? (unknown extends KeyType<K> ? false : true) : false;

/** True when a registration's key is one the compiler cannot pin down, so the set of provided keys is unknown. */
export type Widened<K> = K extends string ? (string extends K ? true : false)
  : IsToken<K> extends true ? (unknown extends KeyType<K> ? true : false)
  : K extends Class<unknown> ? (unknown extends KeyType<K> ? true : false)
  : symbol extends K ? true : false;

/** What the compiler knows of a graph: the registrations (a union) and the keys they provide. */
export interface GraphOf<R> {
  /** Every registration, as a union. */
  readonly regs: R;
  /** Every provided key, as a union. */
  readonly keys: R extends Registration<unknown, infer K> ? K : never;
}

/** The names of the keys `Deps` need that `Keys` does not hold. */
export type MissingNames<Deps, Keys> = NeededKey<Deps> extends infer K
  ? K extends unknown ? (Judged<K> extends true ? ([K] extends [Keys] ? never : K extends AdapterToken<unknown, string> ? never : KeyName<K>) : never) : never
  : never;

/** The lifetimes the registrations of `K` declare (a union when several match, `never` when none does). */
export type LifetimeOf<K, R> = R extends Registration<unknown, infer RK, infer F> ? ([K] extends [RK] ? F['lifetime'] : never) : never;

/** The dependencies the registrations of `K` declare. */
export type DepsOf<K, R> = R extends Registration<unknown, infer RK, infer F> ? ([K] extends [RK] ? F['deps'][number] : never) : never;

/**
 * The request-scoped keys `Deps` reach: directly, or through transients (which take the lifetime of what holds
 * them), up to a few transients deep. Lifetimes that are not literal reach nothing.
 */
export type RequestKeys<Deps, R, Depth extends unknown[] = []> = DepKey<Deps> extends infer K
  ? K extends unknown
    ? [LifetimeOf<K, R>] extends [never] ? (K extends AdapterToken<unknown, string> ? KeyName<K> : never)
      : [LifetimeOf<K, R>] extends ['request'] ? KeyName<K>
      : [LifetimeOf<K, R>] extends ['transient'] ? (Depth['length'] extends 4 ? never : RequestKeys<DepsOf<K, R>, R, [...Depth, K]>)
      : never
    : never
  : never;

/** The compile error one registration earns in graph `G`, or `never` when it is fine. */
export type RegistrationError<Reg, G extends GraphOf<unknown>> = Reg extends Registration<unknown, infer K, infer F>
  ? MissingNames<F['deps'][number], G['keys']> extends infer M
    ? [M] extends [never]
      ? [F['lifetime']] extends ['singleton']
        ? (RequestKeys<F['deps'][number], G['regs']> extends infer Q ? ([Q] extends [never] ? never : CaptiveDependency<KeyName<K>, Q>) : never)
        : never
      : MissingProvider<M>
    : never
  : never;

/** True when the graph's set of keys is not known (a widened `Registration[]`, a `string` key). */
export type IsOpen<G extends GraphOf<unknown>> = true extends Widened<G['keys']> ? true : false;

/**
 * A list, checked item by item against graph `G`: each item that earns an error is replaced by it, so the compiler
 * reports `MissingProvider<"Clock">` at that item. `E` finds an item's error. A list whose length is not known is
 * checked as a whole.
 */
export type CheckedList<P extends readonly unknown[], G extends GraphOf<unknown>, E extends 'registration' | 'route'> =
  IsOpen<G> extends true ? P
  : number extends P['length'] ? ([ItemError<P[number], G, E>] extends [never] ? P : readonly ItemError<P[number], G, E>[])
  : { [I in keyof P]: [ItemError<P[I], G, E>] extends [never] ? P[I] : ItemError<P[I], G, E> };

/** The compile error one item of a checked list earns. */
export type ItemError<Item, G extends GraphOf<unknown>, E> = E extends 'route' ? RouteError<Item, G> : RegistrationError<Item, G>;

/** The compile error a route (a function route's `inject`) earns in graph `G`, or `never`. */
export type RouteError<Route, G extends GraphOf<unknown>> = Route extends {
  /** The route's dependencies. */
  readonly inject?: infer D;
}
  ? D extends readonly unknown[] ? (MissingNames<D[number], G['keys']> extends infer M ? ([M] extends [never] ? never : MissingProvider<M>) : never) : never
  : never;

/**
 * What a container knows it provides, for `resolve()`: the keys of a graph whose keys are all known, else
 * `unknown` (anything may be provided; the boot check decides).
 */
export type ProvidedKeys<G extends GraphOf<unknown>> = IsOpen<G> extends true ? unknown : G['keys'];

/** `unknown` when `resolve(key)` may be called on a container providing `Provided`, else the error naming the key. */
export type Resolvable<K, Provided> = unknown extends Provided ? unknown
  : Judged<K> extends true ? ([K] extends [Provided] ? unknown : K extends AdapterToken<unknown, string> ? unknown : MissingProvider<KeyName<K>>)
  : unknown;

/** The registrations the built-in keys stand for: `AbortSignalToken` is in every container. */
export type BuiltIn<K extends Key> = Registration<unknown, K, Facts<readonly [], 'transient'>>;

/**
 * What an inversify fallback `I` adds to a graph: nothing when there is none (`undefined`), else a registration
 * of any key, which opens the graph (inversify's bindings are known only at run time).
 */
export type FallbackKeys<I> = [I] extends [never] ? Registration : [I] extends [undefined] ? never : Registration;

/** Registrations whose keys `Replaced` overrides drop out: the override's declaration is the one that runs. */
export type Surviving<R, Replaced> = R extends Registration<unknown, infer K> ? ([K] extends [Replaced] ? never : R) : never;


/**
 * Nothing when the checked list `Checked` is the list `P` as written; else an option `Name` of the checked type, so
 * the compiler reports the error at the item in the caller's list.
 */
export type Verdict<Name extends string, P, Checked> = [Checked] extends [P] ? unknown : { readonly [N in Name]?: Checked };
