// The H scenario of BENCH.md as a cluster app built with createApp(): GET /hello resolves E (a five-service
// request-scoped diamond) in the request's scope and answers {"id": n}; the scope is disposed after the response.
// GET /slow?ms= waits before answering, for the shutdown comparison.
import type { FastifyInstance, FastifyRequest, FastifyServerOptions } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { defineClusterApp, provide, token } from '../../src/index.js';
import { createApp, route } from '../../src/fastify/index.js';
import { tlsFromEnv } from '../http/shutdown-tls.js';

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

let next = 0;
export const providers = [
  provide(Config, { useClass: Config, inject: [] }),
  provide(Logger, { useClass: Logger, inject: [] }),
  provide(Clock, { useClass: Clock, inject: [] }),
  provide(RequestId, { lifetime: 'request', useFactory: () => ++next }),
  provide(A, { lifetime: 'request', useClass: A, inject: [RequestId, Config] }),
  provide(B, { lifetime: 'request', useClass: B, inject: [RequestId, Logger] }),
  provide(C, { lifetime: 'request', useClass: C, inject: [A, Config] }),
  provide(D, { lifetime: 'request', useClass: D, inject: [A, B] }),
  provide(E, { lifetime: 'request', useClass: E, inject: [C, D, Logger], dispose: (e: E) => e.dispose() }),
];

const routes = [
  route({ method: 'GET', url: '/hello', inject: [E], handler: ([e]) => ({ id: e.c.a.id }) }),
  route({
    method: 'GET', url: '/slow', inject: [E],
    handler: async ([e], request: FastifyRequest<{ Querystring: { ms?: string } }>) => {
      await sleep(Number(request.query.ms ?? 500));
      return { id: e.c.a.id };
    },
  }),
];

/** The H app, ready, not listening. */
export function buildApp(fastify: FastifyServerOptions = {}): Promise<FastifyInstance> {
  return createApp({ providers, routes, fastify, shutdown: false });
}

export default defineClusterApp({ providers, build: () => buildApp(tlsFromEnv() as FastifyServerOptions) });
