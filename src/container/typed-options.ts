import type { BuiltIn, CheckedList, FallbackKeys, GraphOf, ProvidedKeys, Surviving } from '../declare/graph-types.js';
import type { InversifyContainerLike } from '../declare/foreign.js';
import type { Registration } from '../declare/provider.js';
import type { AbortSignalToken } from '../tokens.js';
import type { ContainerOptions } from './types.js';

/**
 * The graph the compiler sees in `createContainer()`'s options: the providers not overridden, the overrides, the
 * built-ins, and (when `I`, an inversify fallback, is given) keys it cannot know, which turn the check off.
 */
export type ContainerGraph<P extends readonly Registration[], O extends readonly Registration[], I = undefined> =
  GraphOf<Surviving<P[number], O[number]['key']> | O[number] | BuiltIn<typeof AbortSignalToken> | FallbackKeys<I>>;

/** {@link ContainerOptions} with the lists the compiler reads kept as they are written. */
export interface ContainerOptionsOf<P extends readonly Registration[], O extends readonly Registration[], I = undefined>
  extends Omit<ContainerOptions, 'providers' | 'overrides' | 'inversify'> {
  /** Providers to register right away, as made by `provide()`. */
  providers?: P;
  /** Replacements for some of `providers`, for tests: same key, another declaration. */
  overrides?: O;
  /** An existing inversify `Container` to fall back to (see {@link ContainerOptions}); it turns the compile-time check off. */
  inversify?: I;
}

/**
 * {@link ContainerOptions} with `providers` and `overrides` checked by the compiler: an item that injects an
 * unprovided key, or a singleton that injects a request-scoped one, fails to compile at that item.
 */
export type TypedContainerOptions<P extends readonly Registration[], O extends readonly Registration[], I extends InversifyContainerLike | undefined = undefined> =
  [CheckedList<P, ContainerGraph<P, O, I>, 'registration'>, CheckedList<O, ContainerGraph<P, O, I>, 'registration'>] extends [P, O]
    ? ContainerOptionsOf<P, O, I>
    : NoInfer<Omit<ContainerOptionsOf<P, O, I>, 'providers' | 'overrides'> & {
      /** The providers, each replaced by the compile error it earns. */
      providers?: CheckedList<P, ContainerGraph<P, O, I>, 'registration'>;
      /** The overrides, each replaced by the compile error it earns. */
      overrides?: CheckedList<O, ContainerGraph<P, O, I>, 'registration'>;
    }>;

/** The keys a container made from these options provides, for `resolve()`; `unknown` when they are not all known. */
export type TypedContainerKeys<P extends readonly Registration[], O extends readonly Registration[], I = undefined> = ProvidedKeys<ContainerGraph<P, O, I>>;
