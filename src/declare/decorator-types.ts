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

/** What a standard class decorator without an `inject` list is compared with when the constructor takes parameters. */
export interface InjectListRequired<P> {
  /** The constructor's parameters, which standard decorators cannot see: list them in `inject`. */
  readonly 'standard decorators need an inject list for the constructor parameters': P;
}

/**
 * {@link ConstructorCheck} for a standard decorator call, where a missing list is a mistake too when the
 * constructor requires parameters: standard decorators emit no parameter types to read them from.
 */
export type StandardConstructorCheck<D extends readonly Dep[], C extends AnyConstructor> = [D] extends [never]
  ? [] extends ConstructorParameters<C> ? unknown : InjectListRequired<ConstructorParameters<C>>
  : ConstructorCheck<D, C>;

/**
 * A class decorator whose `inject` list is checked against the decorated class's constructor. It is called the
 * standard way, `(value, context)`, or the legacy way, `(target)` with `experimentalDecorators`, where a class
 * without a list may still be read from its parameter types (`X` is the context's type: `undefined` when legacy).
 */
export interface InjectingClassDecorator<D extends readonly Dep[]> {
  <C extends AnyConstructor, X extends ClassDecoratorContext | undefined = undefined>(
    value: C & (X extends ClassDecoratorContext ? StandardConstructorCheck<D, C> : ConstructorCheck<D, C>), context?: X,
  ): void;
}
