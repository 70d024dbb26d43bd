/**
 * How routes declared by standard method decorators reach their class. A standard method decorator runs before
 * its class exists and sees only the method: `context.metadata`, the one object shared with the class decorator,
 * is undefined under tsc 5.9 on Node 22 and 24 (they have no `Symbol.metadata`, and tsc adds no polyfill). So the
 * route waits here, keyed by the method function, until @Controller finds that function on the class's prototype.
 */
import { DecoratorMisplacedError } from '../errors/decorators.js';
import type { ControllerMetadata, RouteMetadata } from './metadata.js';

const waiting = new WeakMap<object, Omit<RouteMetadata, 'property'>[]>();

// Where `context.metadata` exists (esbuild always, tsc when the app defines Symbol.metadata), the names of the
// routed methods, so @Controller can tell a route whose method another decorator replaced from no route at all.
const routedNames = Symbol('loopsafe.routedMethods');

/** Keep a route declared by a standard method decorator until the class decorator collects it. */
export function awaitController(method: object, context: ClassMethodDecoratorContext, route: Omit<RouteMetadata, 'property'>): void {
  const routes = waiting.get(method);
  if (routes === undefined) waiting.set(method, [route]);
  else routes.push(route);
  const metadata = context.metadata as Record<PropertyKey, unknown> | undefined;
  if (typeof metadata !== 'object' || metadata === null) return;
  // Own property only: a subclass's metadata object inherits from its base's.
  if (!Object.hasOwn(metadata, routedNames)) metadata[routedNames] = [];
  (metadata[routedNames] as (string | symbol)[]).push(context.name);
}

/**
 * Move the routes that standard method decorators declared on `cls`'s own methods into its metadata. Throws when
 * `context.metadata` shows a routed method whose function is no longer on the prototype: a decorator written above
 * the route decorator replaced it, and the route would silently not exist.
 */
export function collectRoutes(cls: { readonly prototype: object }, context: ClassDecoratorContext, meta: ControllerMetadata, label: string): void {
  const proto = cls.prototype;
  const found = new Set<string | symbol>();
  for (const property of Reflect.ownKeys(proto)) {
    const method = Object.getOwnPropertyDescriptor(proto, property)?.value as unknown;
    if (typeof method !== 'function') continue;
    const routes = waiting.get(method);
    if (routes === undefined) continue;
    found.add(property);
    for (const route of routes) meta.routes.push({ ...route, property });
  }
  const metadata = context.metadata as Record<PropertyKey, unknown> | undefined;
  if (typeof metadata !== 'object' || metadata === null || !Object.hasOwn(metadata, routedNames)) return;
  const lost = (metadata[routedNames] as (string | symbol)[]).find((name) => !found.has(name));
  if (lost !== undefined) {
    throw new DecoratorMisplacedError(
      label,
      `the class ${(cls as { name?: string }).name || '(anonymous class)'}, whose method ${String(lost)} was replaced by a decorator written above its route decorator`,
      'Write the route decorator above (outside) any decorator that replaces the method, so the route serves the replacement.',
    );
  }
}
