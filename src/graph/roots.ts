import type { Key } from '../tokens.js';

/** A route as the Fastify plugin registered it: the key of its synthetic provider, and how it is reached. @internal */
export interface RouteRoot {
  readonly key: Key;
  readonly method: string;
  readonly url: string;
}

// Keyed by the container, weakly, so nothing outlives the app. Filled by the Fastify plugin, read by graph().
const roots = new WeakMap<object, RouteRoot[]>();

/** Record that `root.key` is a route's provider in `container`. @internal */
export function recordRoute(container: object, root: RouteRoot): void {
  const list = roots.get(container);
  if (list === undefined) roots.set(container, [root]);
  else list.push(root);
}

/** The routes recorded for `container`, in registration order. @internal */
export function routesOf(container: object): readonly RouteRoot[] {
  return roots.get(container) ?? [];
}
