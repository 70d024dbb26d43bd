// @fastify/awilix: a scope per request from its onRequest hook, disposed by its onResponse hook.
import { diContainer, fastifyAwilixPlugin } from '@fastify/awilix';
import { asClass, asFunction, asValue, Lifetime } from 'awilix';
import fastify, { type FastifyInstance } from 'fastify';
import { A, B, C, Clock, Config, D, E, Logger, stats } from '../graph.js';

interface Cradle {
  requestId: number;
  config: Config;
  logger: Logger;
  clock: Clock;
  a: A;
  b: B;
  c: C;
  d: D;
  e: E;
}

export async function build(): Promise<FastifyInstance> {
  const app = fastify();
  await app.register(fastifyAwilixPlugin, { disposeOnClose: true, disposeOnResponse: true, strictBooleanEnforced: true });
  const scoped = { lifetime: Lifetime.SCOPED };
  diContainer.register({
    config: asClass(Config, { lifetime: Lifetime.SINGLETON }),
    logger: asClass(Logger, { lifetime: Lifetime.SINGLETON }),
    clock: asClass(Clock, { lifetime: Lifetime.SINGLETON }),
    a: asFunction((c: Cradle) => new A(c.requestId, c.config), scoped),
    b: asFunction((c: Cradle) => new B(c.requestId, c.logger), scoped),
    c: asFunction((c: Cradle) => new C(c.a, c.config), scoped),
    d: asFunction((c: Cradle) => new D(c.a, c.b), scoped),
    e: asFunction((c: Cradle) => new E(c.c, c.d, c.logger), { ...scoped, dispose: (e: E) => e.dispose() }),
  });
  let next = 0;
  app.get('/hello', async (request) => {
    request.diScope.register({ requestId: asValue(++next) });
    stats.served++;
    return { id: request.diScope.resolve<E>('e').id };
  });
  app.get('/stats', async () => stats);
  return app;
}
