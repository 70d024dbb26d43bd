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

// A standard method decorator runs before its class exists and sees only the method (`context.metadata` is
// undefined under tsc 5.9 on Node 22 and 24, which have no `Symbol.metadata`): the route waits here, keyed by the
// method function, until @Controller finds that function on the class's prototype.
const waiting = new WeakMap<object, Omit<RouteMetadata, 'property'>[]>();

/** Keep a route declared by a standard method decorator until the class decorator collects it. */
export function awaitController(method: object, route: Omit<RouteMetadata, 'property'>): void {
  const routes = waiting.get(method);
  if (routes === undefined) waiting.set(method, [route]);
  else routes.push(route);
}

/** Move the routes that standard method decorators declared on `cls`'s own methods into its metadata. */
export function collectRoutes(cls: { readonly prototype: object }, meta: ControllerMetadata): void {
  const proto = cls.prototype;
  for (const property of Reflect.ownKeys(proto)) {
    const method = Object.getOwnPropertyDescriptor(proto, property)?.value as unknown;
    if (typeof method !== 'function') continue;
    const routes = waiting.get(method);
    if (routes === undefined) continue;
    for (const route of routes) meta.routes.push({ ...route, property });
  }
}
