import { CacheClosedError, CacheUnavailableError } from '../errors/cache.js';
import { cacheEvent } from '../observe/cache-events.js';
import type { Cache, CacheLoader, CacheOptions, CacheSetOptions } from './cache.js';
import { MemoryStore } from './memory.js';
import { resolveCacheOptions, ttlOption, type ResolvedCacheOptions } from './options.js';
import { RedisStore } from './redis.js';
import { decode, encode } from './serialize.js';
import type { Store } from './store.js';

/**
 * Create a cache. The backend is configuration only: the same code runs on `'memory'` in tests and one process,
 * and on `'redis'` across workers and machines.
 *
 * ```ts
 * const cache = createCache({ backend: 'redis', redis: { url: process.env.REDIS_URL }, ttl: 60_000 });
 * const user = await cache.getOrLoad(`user:${id}`, () => db.findUser(id));
 * ```
 *
 * Bad options throw `LOOPSAFE_ERR_OPTION_INVALID` at once. Nothing connects until the first operation (or
 * `ready()`), and ioredis is only imported then.
 */
export function createCache(options: CacheOptions = {}): Cache {
  return new SharedCache(resolveCacheOptions(options));
}

class SharedCache implements Cache {
  readonly #store: Store;
  readonly #options: ResolvedCacheOptions;
  readonly #bypass: boolean;
  // One in-process load per missing key; concurrent callers share it. Keyed state, never a shared stack.
  readonly #flights = new Map<string, Promise<string>>();
  #closing: Promise<void> | undefined;

  constructor(options: ResolvedCacheOptions) {
    this.#options = options;
    this.#bypass = options.onUnavailable === 'bypass';
    this.#store = options.backend === 'redis' ? new RedisStore(options) : new MemoryStore(options.maxEntries);
  }

  get<T = unknown>(key: string): Promise<T | undefined> {
    try {
      this.#assertOpen('get');
      return this.#store.get(key).then(
        (data) => {
          cacheEvent(data == null ? 'miss' : 'hit', 'get');
          return data == null ? undefined : (decode(this.#options.serializer, key, data) as T);
        },
        (error: unknown) => {
          cacheEvent('error', 'get');
          const failure = this.#store.failure(error, 'get', key);
          if (this.#bypass && failure instanceof CacheUnavailableError) return undefined;
          throw failure;
        },
      );
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  async set(key: string, value: unknown, options?: CacheSetOptions): Promise<void> {
    this.#assertOpen('set');
    const ttl = ttlOption(options, this.#options.ttl, 'cache.set');
    await this.#store.set(key, encode(this.#options.serializer, key, value), ttl);
  }

  delete(key: string): Promise<boolean> {
    this.#assertOpen('delete');
    return this.#store.delete(key);
  }

  getOrLoad<T>(key: string, loader: CacheLoader<T>, options?: CacheSetOptions): Promise<T> {
    try {
      this.#assertOpen('getOrLoad');
      const ttl = ttlOption(options, this.#options.ttl, 'cache.getOrLoad');
      // A hit costs the backend read and one reaction; everything else is on the miss path.
      return this.#store.get(key).then(
        (data) => {
          cacheEvent(data == null ? 'miss' : 'hit', 'getOrLoad');
          return data != null ? (decode(this.#options.serializer, key, data) as T) : this.#miss(key, loader, ttl, true);
        },
        (error: unknown) => {
          cacheEvent('error', 'getOrLoad');
          const failure = this.#store.failure(error, 'getOrLoad', key);
          if (!(this.#bypass && failure instanceof CacheUnavailableError)) throw failure;
          return this.#miss(key, loader, ttl, false);
        },
      );
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  async #miss<T>(key: string, loader: CacheLoader<T>, ttl: number, reachable: boolean): Promise<T> {
    let flight = this.#flights.get(key);
    if (flight === undefined) {
      flight = this.#load(key, loader, ttl, reachable);
      this.#flights.set(key, flight);
      const clear = (): void => {
        if (this.#flights.get(key) === flight) this.#flights.delete(key);
      };
      flight.then(clear, clear);
    }
    // Each caller decodes its own copy, so no two requests share a mutable object.
    return decode(this.#options.serializer, key, await flight) as T;
  }

  ready(): Promise<void> {
    this.#assertOpen('connect');
    return this.#store.ready();
  }

  close(): Promise<void> {
    this.#closing ??= this.#store.close();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #load(key: string, loader: CacheLoader<unknown>, ttl: number, reachable: boolean): Promise<string> {
    let produced: string | undefined;
    const produce = async (): Promise<string> => {
      cacheEvent('load', 'getOrLoad');
      return (produced = encode(this.#options.serializer, key, await loader()));
    };
    if (!reachable) return produce();
    try {
      if (this.#store.loadShared !== undefined) return await this.#store.loadShared(key, produce, ttl);
      const data = await produce();
      await this.#store.set(key, data, ttl);
      return data;
    } catch (error) {
      if (!(this.#bypass && error instanceof CacheUnavailableError)) throw error;
      // The backend went away mid-load: serve what the loader made, or make it now, without the cache.
      return produced ?? produce();
    }
  }

  #assertOpen(operation: string): void {
    if (this.#closing !== undefined) throw new CacheClosedError(operation);
  }
}
