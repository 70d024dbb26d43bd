import type { BuiltIn, CheckedList, GraphOf, ProvidedKeys, Surviving } from '../declare/graph-types.js';
import type { Registration } from '../declare/provider.js';
import type { AbortSignalToken } from '../tokens.js';
import type { ContainerOptions } from './types.js';

/** The graph the compiler sees in `createContainer()`'s options: the providers not overridden, the overrides, the built-ins. */
export type ContainerGraph<P extends readonly Registration[], O extends readonly Registration[]> =
  GraphOf<Surviving<P[number], O[number]['key']> | O[number] | BuiltIn<typeof AbortSignalToken>>;

/** {@link ContainerOptions} with the lists the compiler reads kept as they are written. */
export interface ContainerOptionsOf<P extends readonly Registration[], O extends readonly Registration[]>
  extends Omit<ContainerOptions, 'providers' | 'overrides'> {
  /** Providers to register right away, as made by `provide()`. */
  providers?: P;
  /** Replacements for some of `providers`, for tests: same key, another declaration. */
  overrides?: O;
}

/**
 * {@link ContainerOptions} with `providers` and `overrides` checked by the compiler: an item that injects an
 * unprovided key, or a singleton that injects a request-scoped one, fails to compile at that item.
 */
export type TypedContainerOptions<P extends readonly Registration[], O extends readonly Registration[]> =
  [CheckedList<P, ContainerGraph<P, O>, 'registration'>, CheckedList<O, ContainerGraph<P, O>, 'registration'>] extends [P, O]
    ? ContainerOptionsOf<P, O>
    : NoInfer<Omit<ContainerOptionsOf<P, O>, 'providers' | 'overrides'> & {
      /** The providers, each replaced by the compile error it earns. */
      providers?: CheckedList<P, ContainerGraph<P, O>, 'registration'>;
      /** The overrides, each replaced by the compile error it earns. */
      overrides?: CheckedList<O, ContainerGraph<P, O>, 'registration'>;
    }>;

/** The keys a container made from these options provides, for `resolve()`; `unknown` when they are not all known. */
export type TypedContainerKeys<P extends readonly Registration[], O extends readonly Registration[]> = ProvidedKeys<ContainerGraph<P, O>>;
