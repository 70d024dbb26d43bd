// A server for the shutdown comparison, chosen by argv[2]: /work?ms=N answers after N ms. Prints {"port": n}.
// TLS_KEY and TLS_CERT (file paths) make every setup HTTPS; SIGUSR2 blocks the event loop for 200 ms and until the
// file RELEASE exists (the accept-queue runs of shutdown-queued.ts).
import closeWithGrace from 'close-with-grace';
import fastify, { type FastifyInstance } from 'fastify';
import { pathToFileURL } from 'node:url';
import { createApp, route } from '../../src/fastify/index.js';
import { blockLoop } from '../../test/helpers/block.js';
import { tlsFromEnv } from './shutdown-tls.js';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ms = (query: unknown) => Number((query as { ms?: string }).ms ?? 0);

/** The setups compared, by the name shutdown.ts passes. */
export const setups: Record<string, () => Promise<FastifyInstance>> = {
  // fastify with no signal handler: SIGTERM kills the process.
  'fastify, no handler': async () => {
    const app = fastify(tlsFromEnv());
    app.get('/work', async (request) => (await wait(ms(request.query)), { ok: true }));
    return app;
  },
  // The usual hand-written handler: app.close() then exit.
  'fastify + app.close()': async () => {
    const app = fastify(tlsFromEnv());
    app.get('/work', async (request) => (await wait(ms(request.query)), { ok: true }));
    process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
    return app;
  },
  // The Fastify ecosystem's signal library around the same close.
  'fastify + close-with-grace': async () => {
    const app = fastify(tlsFromEnv());
    app.get('/work', async (request) => (await wait(ms(request.query)), { ok: true }));
    closeWithGrace({ delay: 10_000 }, async () => app.close());
    return app;
  },
  loopsafe: async () =>
    createApp({
      providers: [],
      routes: [route({ method: 'GET', url: '/work', handler: async (_deps, request) => (await wait(ms(request.query)), { ok: true }) })],
      fastify: tlsFromEnv(),
    }),
};

// Only when run as the server: shutdown.ts imports `setups` and has arguments of its own.
const name = import.meta.url === pathToFileURL(process.argv[1] ?? '').href ? process.argv[2] : undefined;
if (name !== undefined) {
  process.on('SIGUSR2', () => blockLoop(200, process.env['RELEASE']));
  const app = await setups[name]!();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address !== null ? address.port : 0 })}\n`);
}
