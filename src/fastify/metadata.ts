import type { HTTPMethods, RouteShorthandOptions } from 'fastify';
import type { Dep } from '../declare/provider.js';
import type { Lifetime } from '../declare/lifetime.js';

/** What a handler parameter receives. */
export type ParamSource =
  | { readonly kind: 'inject'; readonly dep: Dep }
  | { readonly kind: 'params' | 'query' | 'headers'; readonly name: string | undefined }
  | { readonly kind: 'body' | 'request' | 'reply' };

/** One decorated handler method. */
export interface RouteMetadata {
  readonly method: HTTPMethods | readonly HTTPMethods[];
  readonly path: string;
  readonly options: RouteShorthandOptions;
  readonly property: string | symbol;
  /**
   * The handler's dependencies when it takes `(deps, request, reply)`, as a function route's handler does: always
   * with standard decorators (an empty list when none was given), and with legacy ones when `inject` was given.
   * `undefined`: the handler's parameters are described by parameter decorators (`@Inject()`, `@Params()`, ...).
   */
  readonly inject: readonly Dep[] | undefined;
}

/** Everything the decorators recorded about one controller class. */
export interface ControllerMetadata {
  prefix: string | undefined;
  lifetime: Lifetime | undefined;
  readonly routes: RouteMetadata[];
  /** Handler parameters by method name, then by index; a second decorator on one parameter is recorded too. */
  readonly params: Map<string | symbol, Map<number, ParamSource[]>>;
  /** Constructor parameters given with `@Inject()`, by index. */
  readonly ctor: Map<number, Dep>;
}

const store = new WeakMap<object, ControllerMetadata>();

/** The metadata of a class, created on first use by a decorator. */
export function metadataFor(cls: object): ControllerMetadata {
  let meta = store.get(cls);
  if (meta === undefined) {
    meta = { prefix: undefined, lifetime: undefined, routes: [], params: new Map(), ctor: new Map() };
    store.set(cls, meta);
  }
  return meta;
}

/** The metadata of a class, if any decorator touched it. */
export function readMetadata(cls: object): ControllerMetadata | undefined {
  return store.get(cls);
}
