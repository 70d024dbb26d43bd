import type { CheckedInject, Dep } from './provider.js';

/** Any class, abstract or not, whatever its constructor takes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyConstructor = abstract new (...args: any[]) => unknown;

/**
 * `unknown` when the `inject` list `D` fits the constructor parameters of `C` (or there is no list: `D` is `never`),
 * else `InjectMismatch` of those parameters, so the decorator fails to compile with them in the message.
 */
export type ConstructorCheck<D extends readonly Dep[], C extends AnyConstructor> = [D] extends [never] ? unknown
  : CheckedInject<D, ConstructorParameters<C>> extends D ? unknown : CheckedInject<D, ConstructorParameters<C>>;

/**
 * A class decorator whose `inject` list is checked against the decorated class's constructor. It is called the
 * standard way, `(value, context)`, or the legacy way, `(target)` with `experimentalDecorators`.
 */
export interface InjectingClassDecorator<D extends readonly Dep[]> {
  <C extends AnyConstructor>(value: C & ConstructorCheck<D, C>, context?: ClassDecoratorContext): void;
}
