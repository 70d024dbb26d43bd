// The route of scenario H: GET /hello resolves E in the request's scope, disposed after the response.
import fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Scope } from '../../src/index.js';
import { routeAttributionOf } from '../../src/threads/routes.js';
import { buildGraph, E, RequestId, type Variant } from './graph.js';

export async function buildApp(variant: Variant): Promise<{ app: FastifyInstance; served: () => number; disposed: () => number }> {
  const { container, disposed, monitor } = buildGraph(variant);
  await container.boot();
  const scopes = new WeakMap<FastifyRequest, Scope>();
  let next = 0;
  let served = 0;
  const app = fastify();
  // Variant `routes`: the hook the loopsafe plugin adds for `createThreadMonitor({ routes: true })`, so its cost is
  // measured on the same app as the other variants.
  const routeRuns = routeAttributionOf(monitor);
  if (routeRuns !== undefined) {
    app.addHook('onRequest', function loopsafeAttributeRoute(request, _reply, done) {
      routeRuns.run(`${request.method} ${request.routeOptions.url ?? request.url}`, done);
    });
  }
  app.addHook('onRequest', async function openScope(request) {
    scopes.set(request, container.createScope().supply(RequestId, ++next));
  });
  app.addHook('onResponse', async function closeScope(request) {
    served++;
    await scopes.get(request)?.dispose();
  });
  app.addHook('onClose', async function closeContainer() {
    await container.dispose();
  });
  app.get('/hello', async (request) => {
    const e = await scopes.get(request)!.resolve(E);
    return { id: (e.c.a as { id: number }).id };
  });
  return { app, served: () => served, disposed };
}
