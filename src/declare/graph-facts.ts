import type { Lifetime } from './lifetime.js';

/** The key of a registration's type-only {@link Facts}. @internal */
export declare const factsKey: unique symbol;

/**
 * What the compiler's graph check knows of one registration: the dependencies its declaration lists and its
 * lifetime. It exists in types only. The wide default (any list, any lifetime) is what a widened
 * `Registration[]` carries, and it checks nothing.
 */
export interface Facts<D extends readonly unknown[] = readonly unknown[], L extends Lifetime = Lifetime> {
  /** The declared `inject` list; empty when there is none (a class's metadata is read at boot, not here). */
  readonly deps: D;
  /** The lifetime: literal when the declaration's is, `'request'` for a supplied key. */
  readonly lifetime: L;
}

/** The facts `provide()` records: no `inject` is no list, a supplied key is request-scoped. */
export type FactsOf<D extends readonly unknown[], L extends Lifetime, S> = Facts<[D] extends [never] ? readonly [] : D, [S] extends [never] ? L : 'request'>;
