/**
 * How long a provider's instance lives.
 * - `singleton`: one per container, disposed with the container.
 * - `request`: one per request scope, disposed with the scope.
 * - `transient`: a new one for every dependent; disposed with the scope (or container) that resolved it.
 */
export type Lifetime = 'singleton' | 'request' | 'transient';

/** Every lifetime, for validating declarations. */
export const lifetimes: readonly Lifetime[] = ['singleton', 'request', 'transient'];

/**
 * The captive rule, asked once per edge at boot: would `holder` keep `dependency` alive past its lifetime?
 * A transient takes the lifetime of whatever holds it, so it is never the captor; a singleton holding a
 * request-scoped instance is.
 */
export function isCaptive(holder: Lifetime, dependency: Lifetime): boolean {
  return holder === 'singleton' && dependency === 'request';
}
