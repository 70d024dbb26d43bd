// The app every worker runs. It must do nothing at import time: the primary imports it too, to check the graph.
// Set CACHE_URL=redis://... to share the cache between workers (and machines); without it each worker has its own
// memory cache. Only configuration changes; the code below does not.
import type { FastifyRequest } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { CacheToken, defineClusterApp, provide, provideCache, token, type Cache } from '../../src/index.js';
import { createApp, route } from '../../src/fastify/index.js';

interface Prices {
  /** The price of a SKU: expensive to compute, so it is cached for everyone. */
  priceOf(sku: string): Promise<{ sku: string; cents: number; computedBy: number }>;
}

const Worker = token<number>('Worker');
const Prices = token<Prices>('Prices');
const cacheUrl = process.env.CACHE_URL;

export const providers = [
  provideCache(cacheUrl === undefined ? { ttl: 60_000 } : { backend: 'redis', redis: { url: cacheUrl }, prefix: 'example:', ttl: 60_000 }),
  provide(Worker, { useValue: 0 }),
  provide(Prices, {
    inject: [CacheToken, Worker],
    useFactory: (cache: Cache, worker: number): Prices => ({
      priceOf: (sku) => cache.getOrLoad(`price:${sku}`, async () => {
        await sleep(200); // stands in for a slow pricing engine
        return { sku, cents: 100 * sku.length + 99, computedBy: worker };
      }),
    }),
  }),
];

/** `GET /price/:sku`: the price, from the shared cache when any worker computed it before. */
const price = route({
  method: 'GET',
  url: '/price/:sku',
  inject: [Prices, Worker],
  handler: async ([prices, worker], request: FastifyRequest<{ Params: { sku: string } }>) => ({
    servedBy: worker,
    ...(await prices.priceOf(request.params.sku)),
  }),
});

export default defineClusterApp({
  providers,
  // Each worker has its own container (a process has its own memory); the cache is what they share. The cluster
  // owns the signals, so the app installs none (shutdown: false); app.close() still drains and disposes.
  build: ({ worker }) => createApp({ providers, overrides: [provide(Worker, { useValue: worker })], routes: [price], shutdown: false }),
});
