import type { CacheSerializer } from './serialize.js';

/** Options of one write. */
export interface CacheSetOptions {
  /**
   * Milliseconds until the entry expires. `0` keeps it until it is deleted (or evicted by Redis).
   * @default the cache's `ttl`
   */
  ttl?: number;
}

/** Turns a missing key into a value; runs once per key across every process sharing the cache. */
export type CacheLoader<T> = () => T | PromiseLike<T>;

/**
 * A cache shared by every request, and, with the Redis backend, by every worker process and machine.
 * Create one with `createCache()`, or register it as a singleton with `provideCache()`.
 *
 * Values are serialized on `set` (strict JSON by default), so every read returns a fresh copy and what cannot be
 * stored fails at once with `LOOPSAFE_ERR_CACHE_UNSERIALIZABLE`.
 */
export interface Cache extends AsyncDisposable {
  /** The cached value, or `undefined` on a miss (or, with `onUnavailable: 'bypass'`, when the backend is down). */
  get<T = unknown>(key: string): Promise<T | undefined>;
  /**
   * Store a value. The promise resolves once the backend acknowledged the write; it rejects with a coded error
   * when the value cannot be serialized or the backend is unavailable (writes are never dropped silently).
   */
  set(key: string, value: unknown, options?: CacheSetOptions): Promise<void>;
  /** Remove a key. Resolves `true` when something was removed. Rejects when the backend is unavailable. */
  delete(key: string): Promise<boolean>;
  /**
   * The cached value, or the result of `loader`, which is then cached. For one missing key, the loader runs once:
   * concurrent callers in this process share that run, and with Redis, callers in other processes wait for it
   * (a lock plus a notification) instead of computing it again. A loader that fails is not cached.
   */
  getOrLoad<T>(key: string, loader: CacheLoader<T>, options?: CacheSetOptions): Promise<T>;
  /**
   * Resolves once the backend is connected. Rejects with `LOOPSAFE_ERR_CACHE_BACKEND_MISSING` when ioredis is not
   * installed, or `LOOPSAFE_ERR_CACHE_UNAVAILABLE` when Redis does not answer within `timeout`.
   */
  ready(): Promise<void>;
  /** Close the backend connections. Later calls return the same promise. */
  close(): Promise<void>;
}

/** Where a cache keeps its entries. */
export type CacheBackend = 'memory' | 'redis';

/** What the cache does when its backend is down or too slow. */
export type CacheUnavailablePolicy = 'bypass' | 'fail';

/** Connection settings of the Redis backend. */
export interface RedisCacheOptions {
  /**
   * A `redis://` URL. Ignored when `client` is given.
   * @default 'redis://127.0.0.1:6379'
   */
  url?: string;
  /**
   * `redis://` URLs of some nodes of a Redis Cluster (any few; the client discovers the rest). When given, the cache
   * uses ioredis's `Cluster` client instead of one server at `url`. Each key's value, load lock and notification
   * stay in one hash slot (the key is wrapped in a `{hash tag}`), so single flight holds across the cluster; `prefix`
   * must not contain braces. TLS and credentials go in `options` (`tls`, `username`, `password`), which every node
   * connection uses.
   */
  cluster?: string[];
  /**
   * Any other ioredis `Cluster` options (`natMap`, `dnsLookup`, `scaleReads`), used with `cluster`. loopsafe sets
   * `enableOfflineQueue: false`, a reconnect strategy and `slotsRefreshInterval: 1000` on top.
   */
  clusterOptions?: Record<string, unknown>;
  /**
   * Any other ioredis constructor options (TLS, password, db); with `cluster`, the options of each node connection.
   * loopsafe sets `commandTimeout`, `enableOfflineQueue: false` and a reconnect strategy on top, so that no
   * operation can hang a request.
   */
  options?: Record<string, unknown>;
}

/** Options of `createCache()` and `provideCache()`. */
export interface CacheOptions {
  /**
   * `'memory'` keeps entries in this process: for one process and for tests. `'redis'` shares them between every
   * process and machine that uses the same Redis and `prefix`. Switching is this option only.
   * @default 'memory'
   */
  backend?: CacheBackend;
  /** Redis connection settings, used when `backend` is `'redis'`. */
  redis?: RedisCacheOptions;
  /**
   * Prepended to every key in Redis, so several apps can share one Redis. Keys starting with `__` right after the
   * prefix are reserved for load locks and notifications.
   * @default 'loopsafe:'
   */
  prefix?: string;
  /**
   * Default time to live of an entry in milliseconds; `0` means no expiry.
   * @default 0
   */
  ttl?: number;
  /**
   * How many entries the memory backend keeps. Writing one more evicts the least recently used entry, so a cache
   * keyed by user input cannot grow until the process runs out of memory. Ignored by Redis, whose own bound is
   * its `maxmemory` setting with an eviction policy.
   * @default 10_000
   */
  maxEntries?: number;
  /**
   * Milliseconds one backend operation may take before it fails with `LOOPSAFE_ERR_CACHE_UNAVAILABLE`. A
   * `getOrLoad` waiting for another process's load (which may take up to `lockTtl`) is released once Redis has not
   * answered it for this long; then `onUnavailable` applies.
   * @default 500
   */
  timeout?: number;
  /**
   * When Redis is down or slower than `timeout`: `'bypass'` makes `get` a miss and `getOrLoad` run the loader
   * without the cache (the app keeps serving, slower); `'fail'` rejects them with `LOOPSAFE_ERR_CACHE_UNAVAILABLE`.
   * `set` and `delete` reject in both modes, because a write that silently did not happen is worse than an error.
   * @default 'bypass'
   */
  onUnavailable?: CacheUnavailablePolicy;
  /**
   * How long (ms) one process may hold the load lock of a key in `getOrLoad`; other processes wait at most this
   * long for its result before one of them loads the key itself. Set it above your slowest loader.
   * @default 10_000
   */
  lockTtl?: number;
  /**
   * How values become strings.
   * @default strict JSON (`jsonSerializer`)
   */
  serializer?: CacheSerializer;
}
