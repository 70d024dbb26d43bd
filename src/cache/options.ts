import { InvalidOptionError } from '../errors/container.js';
import { anyObject, count, duration, list, oneOf, satisfies, shape, text } from '../options/rules.js';
import type { Schema } from '../options/rule.js';
import { validateOptions } from '../options/validate.js';
import type { CacheBackend, CacheOptions, CacheSetOptions, CacheUnavailablePolicy, RedisCacheOptions } from './cache.js';
import { jsonSerializer, type CacheSerializer } from './serialize.js';
import type { StoreOptions } from './store.js';

/** Cache options with defaults applied, validated once. @internal */
export interface ResolvedCacheOptions extends StoreOptions {
  readonly backend: CacheBackend;
  readonly ttl: number;
  readonly maxEntries: number;
  readonly onUnavailable: CacheUnavailablePolicy;
  readonly serializer: CacheSerializer;
}

// A TTL is an expiry time stored with the entry, not a timer, so it may exceed a timer's 2^31-1 ms.
const ttl = duration({ max: Number.MAX_SAFE_INTEGER });
const redisUrl = text({ pattern: /^rediss?:\/\//, expected: 'a redis:// or rediss:// URL' });

const redisSchema = {
  url: redisUrl,
  // Credentials and TLS are node options (`options`), which apply to every node the client discovers.
  cluster: list(text({ pattern: /^redis:\/\/[^@/]+$/, expected: "a 'redis://host:port' URL of a Cluster node" }), "a non-empty array of 'redis://host:port' URLs of Cluster nodes", 1),
  clusterOptions: anyObject("ioredis's Cluster options object"),
  options: anyObject("ioredis's options object", 'ioredis'),
} satisfies Schema<RedisCacheOptions>;

/** `createCache()` and `provideCache()`'s options. */
export const cacheSchema = {
  backend: oneOf(['memory', 'redis']),
  redis: shape(redisSchema),
  prefix: text(),
  ttl,
  maxEntries: count(1),
  timeout: duration({ min: 1 }),
  onUnavailable: oneOf(['bypass', 'fail']),
  lockTtl: duration({ min: 1 }),
  serializer: satisfies('an object with serialize(value) and deserialize(data) methods', (v) =>
    typeof (v as Partial<CacheSerializer>).serialize === 'function' && typeof (v as Partial<CacheSerializer>).deserialize === 'function'),
} satisfies Schema<CacheOptions>;

const setSchema = { ttl } satisfies Schema<CacheSetOptions>;

/** Refuse bad options with `LOOPSAFE_ERR_OPTION_INVALID`, then apply defaults. @internal */
export function resolveCacheOptions(options: CacheOptions, where = 'createCache'): ResolvedCacheOptions {
  validateOptions(cacheSchema, options, where);
  const prefix = options.prefix ?? 'loopsafe:';
  const cluster = options.redis?.cluster;
  // How two options combine, which no single option's rule can see: a brace in the prefix would become the hash
  // tag and put a key's value and its lock in different slots.
  if (cluster !== undefined && /[{}]/.test(prefix)) throw new InvalidOptionError(where, 'prefix', 'a prefix without { or } with a Redis Cluster', prefix);
  return {
    backend: options.backend ?? 'memory',
    onUnavailable: options.onUnavailable ?? 'bypass',
    serializer: options.serializer ?? jsonSerializer,
    prefix,
    url: options.redis?.url ?? 'redis://127.0.0.1:6379',
    cluster: cluster === undefined ? undefined : [...cluster],
    clientOptions: options.redis?.options ?? {},
    clusterOptions: options.redis?.clusterOptions ?? {},
    ttl: options.ttl ?? 0,
    timeout: options.timeout ?? 500,
    lockTtl: options.lockTtl ?? 10_000,
    maxEntries: options.maxEntries ?? 10_000,
  };
}

/** Validate one call's options (`cache.set`, `cache.getOrLoad`) and return its TTL. @internal */
export function ttlOption(options: CacheSetOptions | undefined, fallback: number, where: string): number {
  if (options === undefined) return fallback;
  validateOptions(setSchema, options, where);
  return options.ttl ?? fallback;
}
