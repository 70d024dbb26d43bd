import type { Lifetime } from '../declare/lifetime.js';

/**
 * How a provider makes its instance: a `factory`, a `class` constructor, a `value` given with `useValue`, a
 * `supplied` per-request value, or a key an attached inversify container binds (`foreign`).
 */
export type ProviderKind = 'factory' | 'class' | 'value' | 'supplied' | 'foreign';

/**
 * Whether building the instance waits for a promise. `async` for an `async function` factory, `sync` for values,
 * supplied values and classes without async hooks, `unknown` for a plain function (it may return a promise).
 */
export type Synchrony = 'sync' | 'async' | 'unknown';

/** How one provider depends on another: injected as it is, `optional(key)`, or `lazy(key)` (resolved on use). */
export type EdgeKind = 'plain' | 'optional' | 'lazy';

/** One provider of the graph. */
export interface GraphProvider {
  /** A stable id within this graph (`p0`, `p1`, …), used by edges and renderers. */
  readonly id: string;
  /** The key's display name: the token's or class's name. */
  readonly name: string;
  /** How long its instance lives. */
  readonly lifetime: Lifetime;
  /** How it makes its instance. */
  readonly kind: ProviderKind;
  /** Whether building it waits for a promise, when that can be known without running it. */
  readonly synchrony: Synchrony;
  /** Built during `boot()`. */
  readonly eager: boolean;
  /** Has a `dispose` function (or `@preDestroy()` methods); an instance's own `Symbol.asyncDispose` is found only at run time. */
  readonly hasDisposer: boolean;
  /** Where it was declared with `provide()` (`file:line:column`), when that was recorded. */
  readonly declaredAt: string | undefined;
}

/** One dependency: `from` needs `to`. */
export interface GraphEdge {
  /** The id of the provider (or route) that depends. */
  readonly from: string;
  /** The id of the provider depended on; `undefined` for an optional dependency nobody provides. */
  readonly to: string | undefined;
  /** The name of the key depended on (also when nothing provides it). */
  readonly toName: string;
  /** How it is injected. */
  readonly kind: EdgeKind;
}

/** A route of a Fastify app: an entry point of the graph. */
export interface GraphRoute {
  /** A stable id within this graph (`r0`, `r1`, …). */
  readonly id: string;
  /** The HTTP method, or several joined by `,`. */
  readonly method: string;
  /** The URL pattern, as registered (`/users/:id`). */
  readonly url: string;
  /** The ids of every provider the route reaches, directly or through others (lazy edges included). */
  readonly reaches: readonly string[];
}

/**
 * The whole graph of a container (and of the app around it), as data: what `container.graph()` returns, and what
 * the JSON, Mermaid, DOT and HTML renderers draw.
 */
export interface AppGraph {
  /** Every provider, in registration order. Routes' own synthetic providers are not listed; see `routes`. */
  readonly providers: readonly GraphProvider[];
  /** Every dependency, from providers and from routes. */
  readonly edges: readonly GraphEdge[];
  /** Every route registered through the loopsafe Fastify plugin, in registration order. */
  readonly routes: readonly GraphRoute[];
}
