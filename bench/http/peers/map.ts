// A hand-written request scope, written as a user would with Fastify hooks (BENCH.md): a Map per request created in
// onRequest with the request id, services built by plain functions, the scope disposed in onResponse.
import fastify, { type FastifyInstance } from 'fastify';
import { A, B, C, Clock, Config, D, E, Logger, stats } from '../graph.js';

declare module 'fastify' {
  interface FastifyRequest {
    mapScope: Map<unknown, unknown> | null;
  }
}

export async function build(): Promise<FastifyInstance> {
  const config = new Config();
  const logger = new Logger();
  new Clock();
  let next = 0;
  const get = <T>(scope: Map<unknown, unknown>, key: unknown, make: () => T): T => {
    let value = scope.get(key) as T | undefined;
    if (value === undefined) scope.set(key, (value = make()));
    return value;
  };
  const a = (s: Map<unknown, unknown>) => get(s, A, () => new A(s.get('id') as number, config));
  const b = (s: Map<unknown, unknown>) => get(s, B, () => new B(s.get('id') as number, logger));
  const c = (s: Map<unknown, unknown>) => get(s, C, () => new C(a(s), config));
  const d = (s: Map<unknown, unknown>) => get(s, D, () => new D(a(s), b(s)));
  const e = (s: Map<unknown, unknown>) => get(s, E, () => new E(c(s), d(s), logger));

  const app = fastify();
  app.decorateRequest('mapScope', null);
  app.addHook('onRequest', async (request) => {
    request.mapScope = new Map<unknown, unknown>([['id', ++next]]);
  });
  app.addHook('onResponse', async (request) => {
    (request.mapScope?.get(E) as E | undefined)?.dispose();
  });
  app.get('/hello', async (request) => {
    stats.served++;
    return { id: e(request.mapScope!).id };
  });
  app.get('/stats', async () => stats);
  return app;
}
