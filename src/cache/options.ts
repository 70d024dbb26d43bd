import { InvalidOptionError } from '../errors/container.js';
import type { CacheBackend, CacheOptions, CacheUnavailablePolicy } from './cache.js';
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

const WHERE = 'createCache';

/** Apply defaults and refuse bad values with `LOOPSAFE_ERR_OPTION_INVALID`. @internal */
export function resolveCacheOptions(options: CacheOptions): ResolvedCacheOptions {
  const backend = options.backend ?? 'memory';
  if (backend !== 'memory' && backend !== 'redis') throw new InvalidOptionError(WHERE, 'backend', "'memory' or 'redis'", backend);
  const onUnavailable = options.onUnavailable ?? 'bypass';
  if (onUnavailable !== 'bypass' && onUnavailable !== 'fail') throw new InvalidOptionError(WHERE, 'onUnavailable', "'bypass' or 'fail'", onUnavailable);
  const serializer = options.serializer ?? jsonSerializer;
  if (typeof serializer?.serialize !== 'function' || typeof serializer.deserialize !== 'function') {
    throw new InvalidOptionError(WHERE, 'serializer', 'an object with serialize(value) and deserialize(data) methods', serializer);
  }
  const prefix = options.prefix ?? 'loopsafe:';
  if (typeof prefix !== 'string') throw new InvalidOptionError(WHERE, 'prefix', 'a string', prefix);
  const url = options.redis?.url ?? 'redis://127.0.0.1:6379';
  if (typeof url !== 'string' || !/^rediss?:\/\//.test(url)) throw new InvalidOptionError(WHERE, 'redis.url', 'a redis:// or rediss:// URL', url);
  const cluster = options.redis?.cluster;
  if (cluster !== undefined && (!Array.isArray(cluster) || cluster.length === 0 || !cluster.every((u) => typeof u === 'string' && /^rediss?:\/\//.test(u)))) {
    throw new InvalidOptionError(WHERE, 'redis.cluster', 'a non-empty array of redis:// URLs of Cluster nodes', cluster);
  }
  // A brace in the prefix would become the hash tag and put a key's value and its lock in different slots.
  if (cluster !== undefined && /[{}]/.test(prefix)) throw new InvalidOptionError(WHERE, 'prefix', 'a prefix without { or } with a Redis Cluster', prefix);
  return {
    backend,
    onUnavailable,
    serializer,
    prefix,
    url,
    cluster,
    clientOptions: options.redis?.options ?? {},
    ttl: milliseconds('ttl', options.ttl ?? 0, 0),
    maxEntries: count('maxEntries', options.maxEntries ?? 10_000, 1),
    timeout: milliseconds('timeout', options.timeout ?? 500, 1),
    lockTtl: milliseconds('lockTtl', options.lockTtl ?? 10_000, 1),
  };
}

/** Validate a per-call TTL. @internal */
export function ttlOption(ttl: unknown, fallback: number): number {
  return ttl === undefined ? fallback : milliseconds('ttl', ttl, 0, 'cache.set');
}

function milliseconds(option: string, value: unknown, min: number, where = WHERE): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidOptionError(where, option, `a whole number of milliseconds >= ${min}`, value);
  }
  return value;
}

function count(option: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidOptionError(WHERE, option, `a whole number >= ${min}`, value);
  }
  return value;
}
