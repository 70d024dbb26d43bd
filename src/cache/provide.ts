import { provide, type Registration } from '../container/provider.js';
import { CacheBackendMissingError } from '../errors/cache.js';
import { token, type Key, type Token } from '../tokens.js';
import type { Cache, CacheOptions } from './cache.js';
import { createCache } from './create.js';
import { resolveCacheOptions } from './options.js';

/** The default key `provideCache()` registers the cache under: `inject: [CacheToken]`. */
export const CacheToken: Token<Cache> = token<Cache>('Cache');

/**
 * Register a shared cache as an eager singleton that the container closes on dispose.
 *
 * ```ts
 * const container = createContainer({ providers: [provideCache({ backend: 'redis', redis: { url } }), ...] });
 * provide(UserRepo, { inject: [Db, CacheToken], useFactory: (db, cache) => new UserRepo(db, cache) });
 * ```
 *
 * Options are validated here, at registration. At boot the cache connects: a missing `ioredis` fails the boot;
 * Redis being down does not (the failure policy handles it per operation, and the client keeps reconnecting).
 * @param key The key to register under; {@link CacheToken} unless given.
 */
export function provideCache(options: CacheOptions = {}, key: Key<Cache> = CacheToken): Registration<Cache> {
  resolveCacheOptions(options, 'provideCache');
  return provide(key as Token<Cache>, {
    eager: true,
    useFactory: async () => {
      const cache = createCache(options);
      try {
        await cache.ready();
      } catch (error) {
        if (error instanceof CacheBackendMissingError) throw error;
      }
      return cache;
    },
    dispose: (cache) => cache.close(),
  });
}
