declare const tokenType: unique symbol;
declare const tokenName: unique symbol;

/**
 * A typed service identifier. It is a real `symbol`, so it also works as an inversify service identifier:
 * `@inject(Db)` in an inversify-decorated class resolves the same provider as `inject: [Db]` here.
 * `N` is its name as a literal type when the token was made with one (`token<Pool, 'Db'>('Db')`), so the
 * compiler can tell two tokens of one type apart and name a missing one (`MissingProvider<"Db">`).
 */
export type Token<T, N extends string = string> = symbol & {
  /** Carries `T` for type inference only; never present at run time. */
  readonly [tokenType]?: T;
  /** Carries the name for the compiler's graph check only; never present at run time. */
  readonly [tokenName]?: N;
};

/**
 * String keys, typed once by declaration merging (as Fastify types its decorators), so an awilix-style
 * `inject: ['factory']` is typed and checked instead of `unknown`:
 *
 * ```ts
 * declare module 'loopsafe' {
 *   interface Registry {
 *     factory: Factory;
 *   }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface Registry {}

/** True when `K` is a {@link Token} (a plain `symbol` is not, though it is assignable to one). @internal */
export type IsToken<K> = K extends symbol ? (typeof tokenType extends keyof K ? true : false) : false;

/** A class usable as its own key; abstract classes work too. */
export type Class<T> = abstract new (...args: never[]) => T;

/** A concrete class that can be constructed with `new`. */
export type Newable<T> = new (...args: never[]) => T;

/** Anything a provider can be registered under: a {@link Token}, a class, or a plain string or symbol. */
export type Key<T = unknown> = Token<T> | Class<T> | string | symbol;

/** The type a key resolves to. Strings named in {@link Registry} resolve to their entry; other strings and plain symbols to `unknown`. */
export type KeyType<K> = K extends string ? (K extends keyof Registry ? Registry[K] : unknown)
  : K extends Token<infer T> ? T : K extends Class<infer T> ? T : unknown;

/**
 * Create a typed token.
 *
 * ```ts
 * const Db = token<Pool>('Db');                 // Token<Pool>: to the compiler, its name is a string
 * const Clock = token<Clock, 'Clock'>('Clock'); // Token<Clock, 'Clock'>: named in compile errors
 * container.register(Db, { useFactory: () => createPool() });
 * const db = await container.resolve(Db); // Pool
 * ```
 *
 * Give the name twice (as a type and as the argument) to have the compiler tell this token from others of the same
 * type and name it when it is missing: `MissingProvider<"Clock">`.
 *
 * @param name Shown in error paths such as `UserService -> Db`.
 */
export function token<T = unknown, N extends string = string>(name: N): Token<T, N> {
  return Symbol(name) as Token<T, N>;
}

/** The name a key shows in error paths. */
export function keyName(key: unknown): string {
  if (typeof key === 'symbol') return key.description ?? key.toString();
  if (typeof key === 'function') return key.name || '(anonymous class)';
  if (typeof key === 'string') return key;
  if (typeof key === 'object' && key !== null && 'optional' in key && 'key' in key) return keyName((key as { key: unknown }).key);
  return String(key);
}

/**
 * The names keys show in error paths, told apart: the second key whose name is already taken (two modules'
 * `token('Db')`) shows as `Db#2`, the third as `Db#3`, in the order keys are named. @internal
 */
export class DisplayNames {
  readonly #taken = new Map<string, number>();

  /** The next key's name. */
  of(key: Key): string {
    const base = keyName(key);
    const n = (this.#taken.get(base) ?? 0) + 1;
    this.#taken.set(base, n);
    return n === 1 ? base : `${base}#${n}`;
  }
}

/**
 * Inject it to be told when to stop: a factory that lists `AbortSignalToken` in `inject` receives an `AbortSignal`
 * of its own, which aborts when the factory's timeout fires, when its request scope is disposed (in Fastify: the
 * client went away) and when the container is disposed. Pass it on to `fetch`, a Worker's termination, a query.
 * For a singleton it follows the container; resolved directly, it is the scope's (or container's) signal.
 *
 * ```ts
 * provide(Report, {
 *   lifetime: 'request',
 *   inject: [Input, AbortSignalToken],
 *   useFactory: (input, signal) => renderInWorker(input, signal), // terminate the worker on abort
 * });
 * ```
 */
export const AbortSignalToken: Token<AbortSignal, 'AbortSignal'> = token<AbortSignal, 'AbortSignal'>('AbortSignal');
