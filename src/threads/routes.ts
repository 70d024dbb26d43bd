import { contextEnded } from './attribution.js';
import { FactoryRun, runStorage, type RunOwner } from './context.js';

/**
 * Runs a request's hooks and handler as one attributed run named `METHOD /url`, so pool and Worker work a route
 * does itself (not through a factory) is reported. A monitor created with `routes: true` has one; the Fastify
 * plugin asks for it and, when present, wraps each request in an `onRequest` hook. @internal
 */
export interface RouteAttribution {
  run(name: string, next: () => void): void;
}

const kRoutes = Symbol('loopsafe.routeAttribution');

/** The route attribution of a container's observer, or `undefined` when it has none (the default). @internal */
export function routeAttributionOf(observer: unknown): RouteAttribution | undefined {
  return typeof observer === 'object' && observer !== null ? (observer as { [kRoutes]?: RouteAttribution })[kRoutes] : undefined;
}

/** Give a monitor its route attribution. @internal */
export function attachRouteAttribution(monitor: object, owner: RunOwner, captureStacks: boolean): void {
  const attribution: RouteAttribution = {
    run(name, next) {
      // Everything the rest of the request's hooks and the handler start, across awaits, belongs to this run;
      // a factory it calls enters a run of its own.
      contextEnded(true);
      runStorage.run(new FactoryRun({ name, parent: undefined }, owner, captureStacks), next);
    },
  };
  Object.defineProperty(monitor, kRoutes, { value: attribution });
}
