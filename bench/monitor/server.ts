// The HTTP scenario H for one variant: GET /hello resolves E in the request's scope, disposed after the response.
import fastify, { type FastifyRequest } from 'fastify';
import { countThreads, type Scope } from '../../src/index.js';
import { buildGraph, E, RequestId, type Variant } from './graph.js';

const variant = (process.argv[2] ?? 'off') as Variant;
const { container, disposed } = buildGraph(variant);
await container.boot();
const scopes = new WeakMap<FastifyRequest, Scope>();
let next = 0;
let served = 0;
const app = fastify();
app.addHook('onRequest', async function openScope(request) {
  scopes.set(request, container.createScope().supply(RequestId, ++next));
});
app.addHook('onResponse', async function closeScope(request) {
  served++;
  await scopes.get(request)?.dispose();
});
app.get('/hello', async (request) => {
  const e = await scopes.get(request)!.resolve(E);
  return { id: (e.c.a as { id: number }).id };
});
await app.listen({ port: 0, host: '127.0.0.1' });
const threadsBefore = countThreads();
let threadsMax = threadsBefore;
const sampler = setInterval(() => (threadsMax = Math.max(threadsMax, countThreads())), 50);
sampler.unref();
process.stdout.write(`${(app.server.address() as { port: number }).port}\n`);
// CPU time per request is far less sensitive than req/s to other processes on a shared machine.
const cpu = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
process.on('SIGUSR2', () => process.stdout.write(`${JSON.stringify({ served, cpu: cpu() })}\n`));
process.on('SIGTERM', () => {
  const measured = { served, cpu: cpu() };
  void app.close().then(() => {
    process.stdout.write(`${JSON.stringify({ ...measured, disposed: disposed(), threadsBefore, threadsMax, threadsAfter: countThreads() })}\n`);
    process.exit(0);
  });
});
