// Bare fastify: no container, the ceiling every peer is compared with.
import fastify, { type FastifyInstance } from 'fastify';
import { stats } from '../graph.js';

export async function build(): Promise<FastifyInstance> {
  const app = fastify();
  let next = 0;
  app.get('/hello', async () => {
    stats.served++;
    stats.disposed++; // nothing to dispose; keeps the served/disposed check uniform
    return { id: ++next };
  });
  app.get('/stats', async () => stats);
  return app;
}
