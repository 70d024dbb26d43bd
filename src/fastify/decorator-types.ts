import type { RouteShorthandOptions } from 'fastify';
import type { Dep, DepTypes } from '../declare/provider.js';

/** Any handler method. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyHandler = (...args: any[]) => unknown;

/** What a mismatched route `inject` list is compared with, so the compiler's message shows both lists. */
export interface HandlerInjectMismatch<Given, Expected> {
  /** The types the `inject` list resolves to, and the handler's first parameter, which should accept them. */
  readonly 'inject does not match the handler deps parameter': {
    /** What the `inject` list resolves to. */
    readonly inject: Given;
    /** What the handler's first parameter takes. */
    readonly deps: Expected;
  };
}

/**
 * `unknown` when a handler `M` taking `(deps, request, reply)` accepts the types the list `D` resolves to as its
 * first parameter (or takes no parameter at all), else {@link HandlerInjectMismatch}.
 */
export type HandlerCheck<D extends readonly Dep[], M extends AnyHandler> = Parameters<M> extends [] ? unknown
  : DepTypes<D> extends Parameters<M>[0] ? unknown : HandlerInjectMismatch<DepTypes<D>, Parameters<M>[0]>;

/**
 * A route decorator. Called the standard way, `(method, context)`, the handler receives `(deps, request, reply)`,
 * `deps` being the resolved `inject` list (`[]` without one), and its first parameter is checked against the list.
 * Called the legacy way (`experimentalDecorators`), it does the same when `inject` is given; without `inject`,
 * each handler parameter takes a parameter decorator (`@Inject()`, `@Params()`, ...) and nothing is checked here.
 */
export interface RouteDecorator<D extends readonly Dep[]> {
  <M extends AnyHandler>(
    value: M & HandlerCheck<[D] extends [never] ? [] : D, M>,
    context: ClassMethodDecoratorContext & { readonly static: false; readonly private: false },
  ): void;
  <M extends AnyHandler>(
    target: object, property: string | symbol, descriptor: TypedPropertyDescriptor<M & ([D] extends [never] ? unknown : HandlerCheck<D, M>)>,
  ): void;
}

/** A route decorator's options: fastify's route options, and the handler's dependencies. */
export interface RouteOptions<D extends readonly Dep[] = readonly Dep[]> extends RouteShorthandOptions {
  /**
   * The providers the handler needs, resolved in the request's scope and passed as its first argument, in this
   * order: the handler is then `(deps, request, reply)`, as a function route's is. Checked at compile time against
   * the handler's first parameter.
   * @default [] with standard decorators; parameter decorators describe the handler with legacy ones
   */
  inject?: D;
}
