// Compile-time tests for the cache and cluster APIs: `npm test` type-checks this file; nothing here runs.
import fastify from 'fastify';
import {
  CacheToken, createCache, createContainer, defineClusterApp, provide, provideCache, serveCluster, token, type Cache,
} from '../../src/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | undefined {
  return undefined;
}

export async function typeTests(): Promise<void> {
  const cache = createCache();
  // getOrLoad returns what the loader returns, sync or async.
  const n = await cache.getOrLoad('n', () => 1);
  expectType<Equal<typeof n, number>>();
  const user = await cache.getOrLoad('u', async () => ({ id: 1, name: 'Ada' }));
  expectType<Equal<typeof user, { id: number; name: string }>>();
  // get is a miss-aware read: the caller names the type, undefined is always possible.
  const read = await cache.get<{ id: number }>('u');
  expectType<Equal<typeof read, { id: number } | undefined>>();
  // @ts-expect-error ttl is a number of milliseconds
  await cache.set('k', 1, { ttl: '1m' });
  // @ts-expect-error the backend is one of two names
  createCache({ backend: 'memcached' });

  // CacheToken resolves to a Cache, so factories get a typed cache.
  const Prices = token<{ price(sku: string): Promise<number> }>('Prices');
  createContainer({
    providers: [
      provideCache({ backend: 'redis', redis: { url: 'redis://127.0.0.1:6379' } }),
      provide(Prices, {
        inject: [CacheToken],
        useFactory: (c) => {
          expectType<Equal<typeof c, Cache>>();
          return { price: (sku: string) => c.getOrLoad(`price:${sku}`, () => sku.length) };
        },
      }),
    ],
  });

  // A Fastify instance is what build() returns.
  defineClusterApp({ providers: [], build: ({ worker }) => fastify().get('/', async () => ({ worker })) });
  // @ts-expect-error build must return an app with server, ready() and close()
  defineClusterApp({ providers: [], build: () => ({ listen() {} }) });
  const server = await serveCluster({ app: new URL('./app.js', import.meta.url), workers: 2 });
  const counts = await server.threadCounts();
  expectType<Equal<(typeof counts)[number]['threads'], number>>();
}
