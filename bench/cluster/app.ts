// The H scenario of BENCH.md as a cluster app: GET /hello resolves E (a five-service request-scoped diamond) in
// the request's scope and answers {"id": n}; the scope is disposed after the response. Wired by hand on plain
// Fastify, so this bench measures the cluster, not a particular Fastify integration.
import fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { createContainer, defineClusterApp, provide, token, type Scope } from '../../src/index.js';

class Config { readonly name = 'bench'; }
class Logger { log(_m: string): void {} }
class Clock { now(): number { return 0; } }
const RequestId = token<number>('RequestId');
class A { constructor(readonly id: number, readonly config: Config) {} }
class B { constructor(readonly id: number, readonly logger: Logger) {} }
class C { constructor(readonly a: A, readonly config: Config) {} }
class D { constructor(readonly a: A, readonly b: B) {} }
class E {
  static disposed = 0;
  constructor(readonly c: C, readonly d: D, readonly logger: Logger) {}
  dispose(): void { E.disposed++; }
}
class Handler { constructor(readonly config: Config, readonly logger: Logger, readonly clock: Clock) {} }

export const providers = [
  provide(Config, { useClass: Config, inject: [] }),
  provide(Logger, { useClass: Logger, inject: [] }),
  provide(Clock, { useClass: Clock, inject: [] }),
  provide(RequestId, { supplied: true }),
  provide(A, { lifetime: 'request', useClass: A, inject: [RequestId, Config] }),
  provide(B, { lifetime: 'request', useClass: B, inject: [RequestId, Logger] }),
  provide(C, { lifetime: 'request', useClass: C, inject: [A, Config] }),
  provide(D, { lifetime: 'request', useClass: D, inject: [A, B] }),
  provide(E, { lifetime: 'request', useClass: E, inject: [C, D, Logger], dispose: (e: E) => e.dispose() }),
  provide(Handler, { lifetime: 'transient', useClass: Handler, inject: [Config, Logger, Clock] }),
];

declare module 'fastify' {
  interface FastifyRequest {
    scope: Scope | null;
  }
}

/** The H app, not listening; `/slow?ms=` waits before answering, for the shutdown comparison. */
export function buildApp(options: FastifyServerOptions = {}): FastifyInstance {
  const container = createContainer({ providers });
  const app = fastify(options);
  let ids = 0;
  app.decorateRequest('scope', null);
  app.addHook('onRequest', async (request) => {
    request.scope = container.createScope().supply(RequestId, ++ids);
  });
  app.addHook('onResponse', async (request) => {
    await request.scope?.dispose();
  });
  app.addHook('onClose', () => container.dispose());
  app.get('/hello', async (request) => ({ id: (await request.scope!.resolve(E)).c.a.id }));
  app.get<{ Querystring: { ms?: string } }>('/slow', async (request) => {
    await sleep(Number(request.query.ms ?? 500));
    return { id: (await request.scope!.resolve(E)).c.a.id };
  });
  return app;
}

export default defineClusterApp({ providers, build: () => buildApp({ return503OnClosing: false }) });
