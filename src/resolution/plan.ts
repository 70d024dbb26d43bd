import { InvalidProviderError } from '../errors/container.js';
import type { Lifetime } from '../declare/lifetime.js';
import { AbortSignalToken, keyName, type Key } from '../tokens.js';
import { injectProperties } from '../declare/class-info.js';
import { readClassInfo, readMemberInfo } from '../declare/class-metadata.js';
import type { ForeignContainer } from '../declare/foreign.js';
import { isLazy, isOptional, type AnyClass, type Dep, type AnyProviderDef } from '../declare/provider.js';
import { ProviderId, type ResolutionTrail } from './observer.js';

/** A plan the boot check's walk has not reached. */
export const UNSEEN = -1;
/** A plan the boot check's walk has finished. */
export const DONE = -2;

/** Marks an empty cache slot; `undefined` is a legitimate instance. */
export const EMPTY: unique symbol = Symbol('loopsafe.empty');

export const SINGLETON = 0;
export const REQUEST = 1;
export const TRANSIENT = 2;

export const KIND_CONSTRUCTED = 0;
export const KIND_VALUE = 1;
export const KIND_SUPPLIED = 2;
export const KIND_FOREIGN = 3;
/** The built-in AbortSignalToken: each construction that injects it gets its own signal. */
export const KIND_SIGNAL = 4;
/** A `lazy(key)` dependency: its value is a function that resolves `deps[0]` on use. */
export const KIND_LAZY = 5;

const lifetimeCodes: Record<Lifetime, number> = { singleton: SINGLETON, request: REQUEST, transient: TRANSIENT };

type Fn = (...args: unknown[]) => unknown;

/**
 * One provider, compiled at boot: its dependencies linked to their plans, its lifetime as a number,
 * its request-cache slot, and (for singletons) its cached instance. Every field is set in the constructor so
 * all plans share one hidden class.
 */
export class Plan {
  readonly name: string;
  readonly key: Key;
  readonly kind: number;
  readonly lifetime: Lifetime;
  readonly lt: number;
  /** True when get() may return a promise of loopsafe's own (a construction in flight): constructed or foreign. */
  readonly pends: boolean;
  /** Dependency plans in argument order; `undefined` for an optional dependency nobody provides. */
  deps: (Plan | undefined)[] = [];
  readonly depKeys: readonly Dep[];
  readonly fn: Fn | undefined;
  readonly isClass: boolean;
  readonly disposer: ((instance: unknown) => unknown) | undefined;
  readonly autoDispose: boolean;
  readonly eager: boolean;
  readonly timeout: number;
  slot = -1;
  /**
   * Set at boot when this is a factory or class whose dependencies (at most four) are all factory- or class-built
   * singletons: once those are built, resolve.ts constructs it without an argument array.
   */
  direct = false;
  /**
   * Set at boot: a dependency may be built (or resolved later, lazily) on this plan's behalf, so an observed
   * resolution needs this plan's trail for that dependency's path even when this plan's own run is not observed.
   */
  nests = true;
  value: unknown = EMPTY;
  /**
   * The settled instance of a constructed singleton, once `resolveSync()` has returned it: its fast path reads only
   * this. `undefined` until then (and for a singleton whose instance is `undefined`, which takes the normal path),
   * and again from the moment the container starts disposing. Compared with `undefined` rather than EMPTY: a
   * comparison with an imported binding measured ~3 ns more on this path, a third of its time.
   */
  fast: unknown = undefined;
  pending: Promise<unknown> | undefined = undefined;
  /** The boot check's mark: UNSEEN, DONE, or the plan's position on the walk's stack (see graph.ts). */
  walk = UNSEEN;
  /** This provider's `trail.id` for observers (see `ProviderId`). */
  readonly id = new ProviderId();
  /**
   * The trail the latest unobserved run of this plan passed to its dependencies (see resolve.ts, `skipTrailOf`):
   * reused while the parent is the same, so a sampled-out run that builds others allocates nothing either.
   */
  skipTrail: ResolutionTrail | undefined = undefined;

  constructor(init: {
    name: string;
    key: Key;
    kind: number;
    lifetime: Lifetime;
    depKeys?: readonly Dep[];
    fn?: Fn;
    isClass?: boolean;
    disposer?: ((instance: unknown) => unknown) | undefined;
    eager?: boolean;
    timeout?: number;
    value?: unknown;
  }) {
    this.name = init.name;
    this.key = init.key;
    this.kind = init.kind;
    this.lifetime = init.lifetime;
    this.lt = lifetimeCodes[init.lifetime];
    this.pends = init.kind === KIND_CONSTRUCTED || init.kind === KIND_FOREIGN;
    this.depKeys = init.depKeys ?? [];
    this.fn = init.fn;
    this.isClass = init.isClass ?? false;
    this.disposer = init.disposer;
    this.autoDispose = init.kind === KIND_CONSTRUCTED && init.disposer === undefined;
    this.eager = init.eager ?? false;
    this.timeout = init.timeout ?? 0;
    if (init.kind === KIND_VALUE) this.value = init.value;
  }
}

/**
 * The built-in AbortSignalToken's plan. It holds no per-container state (a transient is never cached, it has no
 * dependencies, and the boot check resets its walk mark), so every container shares this one.
 */
export const signalPlan = new Plan({ name: 'AbortSignal', key: AbortSignalToken, kind: KIND_SIGNAL, lifetime: 'transient' });

/** Turn one declaration into a plan (dependencies not yet linked). Throws InvalidProviderError. */
export function planFor(key: Key, def: AnyProviderDef | undefined, defaultTimeout: number, name = keyName(key)): Plan {
  const invalid = (detail: string, fix: string) => new InvalidProviderError([name], detail, fix);
  if (def === undefined) {
    if (typeof key !== 'function') {
      throw invalid(`${name} was registered without a declaration`, 'Pass { useFactory }, { useClass }, { useValue } or { supplied: true }.');
    }
    def = {};
  }
  if (typeof def !== 'object' || def === null) {
    throw invalid(`The declaration of ${name} is ${def === null ? 'null' : typeof def}, not an object`, 'Pass { useFactory }, { useClass }, { useValue } or { supplied: true }.');
  }
  const d = def as Record<string, unknown>;
  // Tested one by one, not by filtering a list of names: this runs for every provider of every container.
  if (+('useFactory' in d) + +('useClass' in d) + +('useValue' in d) + +('supplied' in d) > 1) {
    const kinds = ['useFactory', 'useClass', 'useValue', 'supplied'].filter((k) => k in d);
    throw invalid(`The declaration of ${name} has ${kinds.join(' and ')}`, 'Choose one way to provide it.');
  }
  if ('useValue' in d) return new Plan({ name, key, kind: KIND_VALUE, lifetime: 'singleton', value: d['useValue'] });
  if ('supplied' in d) {
    if (d['supplied'] !== true) throw invalid(`supplied must be true for ${name}`, 'Declare it as { supplied: true }.');
    return new Plan({ name, key, kind: KIND_SUPPLIED, lifetime: 'request' });
  }

  // register() validated each option's type and bounds (validateProviderDef); what is left is how they combine.
  const lifetime = d['lifetime'];
  const dispose = d['dispose'];
  const timeout = (d['timeout'] as number | undefined) ?? defaultTimeout;
  const inject = d['inject'];
  if (inject !== undefined && !Array.isArray(inject)) {
    throw invalid(`inject of ${name} is not an array`, 'Pass inject: [TokenA, ClassB, optional(TokenC)].');
  }
  if (Array.isArray(inject)) {
    const bad = inject.findIndex((k: unknown) => typeof k !== 'function' && typeof k !== 'symbol' && typeof k !== 'string' && !isOptional(k) && !isLazy(k));
    if (bad !== -1) {
      throw invalid(`inject[${bad}] of ${name} is ${String(inject[bad])}`, 'Each dependency is a token, a class, a string or symbol key, optional(key) or lazy(key); check for a circular import that left it undefined.');
    }
  }

  if ('useFactory' in d) {
    const fn = d['useFactory'];
    if (typeof fn !== 'function') throw invalid(`useFactory of ${name} is not a function`, 'Pass useFactory: (...deps) => instance.');
    return checkEager(new Plan({
      name, key, kind: KIND_CONSTRUCTED, lifetime: (lifetime as Lifetime | undefined) ?? 'singleton',
      depKeys: (inject as Dep[] | undefined) ?? [], fn: fn as Fn, disposer: dispose as Plan['disposer'],
      eager: d['eager'] === true, timeout,
    }));
  }

  const cls = 'useClass' in d ? d['useClass'] : key;
  if (typeof cls !== 'function') {
    throw invalid(`useClass of ${name} is not a class`, 'Pass useClass: SomeClass.');
  }
  return checkEager(classPlan(name, key, cls as AnyClass, inject as Dep[] | undefined, lifetime as Lifetime | undefined, dispose as Plan['disposer'], d['eager'] === true, timeout));
}

function checkEager(plan: Plan): Plan {
  if (plan.eager && plan.lifetime !== 'singleton') {
    throw new InvalidProviderError([plan.name], `${plan.name} is eager but ${plan.lifetime}`, 'Only singletons can be built at boot; drop eager or make it a singleton.');
  }
  return plan;
}

function classPlan(
  name: string, key: Key, cls: AnyClass, inject: Dep[] | undefined, lifetime: Lifetime | undefined,
  dispose: Plan['disposer'], eager: boolean, timeout: number,
): Plan {
  // An inject list gives the constructor's arguments; the class's properties, hooks and scope still apply.
  if (inject !== undefined) checkArity(name, cls, inject);
  const info = inject === undefined ? readClassInfo(cls, name) : { ...readMemberInfo(cls, name), ctor: inject };
  const resolvedLifetime = lifetime ?? info.lifetime ?? 'singleton';
  const disposer = dispose ?? preDestroyDisposer(info.preDestroy);
  if (info.props.length === 0 && info.postConstruct.length === 0) {
    return new Plan({ name, key, kind: KIND_CONSTRUCTED, lifetime: resolvedLifetime, depKeys: info.ctor, fn: cls as unknown as Fn, isClass: true, disposer, eager, timeout });
  }
  // Property injection and @postConstruct(): construct, assign, then run the hooks (awaiting async ones).
  const arity = info.ctor.length;
  const Ctor = cls as unknown as new (...args: unknown[]) => Record<string | symbol, unknown>;
  const fn: Fn = (...args) => {
    const instance = new Ctor(...args.slice(0, arity));
    injectProperties(instance, info.props, args, arity);
    return runHooks(instance, info.postConstruct);
  };
  return new Plan({ name, key, kind: KIND_CONSTRUCTED, lifetime: resolvedLifetime, depKeys: [...info.ctor, ...info.props.map(([, dep]) => dep)], fn, disposer, eager, timeout });
}

/**
 * An `inject` list must give the constructor every parameter it requires. `Class.length` counts the parameters
 * before the first one with a default (so a default may be left out); with decorator metadata, the declared
 * parameter count also bounds the list from above.
 */
function checkArity(name: string, cls: AnyClass, inject: readonly Dep[]): void {
  const required = cls.length;
  const declared = (Reflect.getMetadata('design:paramtypes', cls) as unknown[] | undefined)?.length;
  if (inject.length >= required && (declared === undefined || inject.length <= declared)) return;
  const wanted = declared !== undefined && inject.length > declared ? `${declared}` : `${required}`;
  throw new InvalidProviderError(
    [name],
    `inject of ${name} lists ${inject.length} dependencies for a constructor of ${cls.name || '(anonymous class)'} that takes ${wanted}`,
    `List one dependency per constructor parameter, in order.`,
  );
}

function runHooks(instance: Record<string | symbol, unknown>, names: readonly (string | symbol)[], from = 0): unknown {
  for (let i = from; i < names.length; i++) {
    const result = (instance[names[i]!] as () => unknown)();
    if (result instanceof Promise) return result.then(() => runHooks(instance, names, i + 1));
  }
  return instance;
}

function preDestroyDisposer(names: readonly (string | symbol)[]): Plan['disposer'] {
  if (names.length === 0) return undefined;
  return async (instance) => {
    for (const name of names) await (instance as Record<string | symbol, () => unknown>)[name]!();
  };
}

/** A plan for a key that an attached inversify container binds. inversify caches and disposes it. */
export function foreignPlan(key: Key, foreign: ForeignContainer): Plan {
  const name = keyName(key);
  return new Plan({ name, key, kind: KIND_FOREIGN, lifetime: 'transient', fn: () => foreign.resolve(key, [name]) });
}
