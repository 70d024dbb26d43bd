// inversify 8: a child container per request holding the request id and the request-scoped diamond.
import fastify, { type FastifyInstance } from 'fastify';
import { Container } from 'inversify';
import { A, B, C, Clock, Config, D, E, Logger, RequestId, stats } from '../graph.js';

export async function build(): Promise<FastifyInstance> {
  const root = new Container();
  root.bind(Config).toSelf().inSingletonScope();
  root.bind(Logger).toSelf().inSingletonScope();
  root.bind(Clock).toSelf().inSingletonScope();
  let next = 0;
  const app = fastify();
  app.get('/hello', async (_request, reply) => {
    const child = new Container({ parent: root });
    child.bind(RequestId).toConstantValue(++next);
    child.bind(A).toSelf().inSingletonScope();
    child.bind(B).toSelf().inSingletonScope();
    child.bind(C).toSelf().inSingletonScope();
    child.bind(D).toSelf().inSingletonScope();
    child.bind(E).toSelf().inSingletonScope();
    const e = child.get(E);
    reply.raw.once('close', () => e.dispose());
    stats.served++;
    return { id: e.id };
  });
  app.get('/stats', async () => stats);
  return app;
}
