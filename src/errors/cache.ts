import { LoopsafeError } from './base.js';

/** A value given to the shared cache cannot be stored without changing what a later read returns. */
export class CacheSerializationError extends LoopsafeError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_CACHE_UNSERIALIZABLE';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = CacheSerializationError.code;
  override name = 'CacheSerializationError' as const;
  /** The cache key the value was meant for. */
  readonly key: string;

  constructor(key: string, detail: string, options?: ErrorOptions) {
    super(
      `Cannot cache ${JSON.stringify(key)}: ${detail}. Store plain data (objects, arrays, strings, finite numbers, ` +
        'booleans, null): convert it yourself (date.toISOString(), [...map]), or pass createCache({ serializer }).',
      options,
    );
    this.key = key;
  }
}

/** Data read from the cache backend could not be decoded (another writer stored something else under the key). */
export class CacheDecodeError extends LoopsafeError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_CACHE_CORRUPT';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = CacheDecodeError.code;
  override name = 'CacheDecodeError' as const;

  constructor(key: string, cause: unknown) {
    super(
      `The cached data under ${JSON.stringify(key)} could not be decoded. Another program (or another serializer) ` +
        'wrote it; give each app its own `prefix`, or delete the key.',
      { cause },
    );
  }
}

/** The cache backend did not answer in time, or is disconnected. */
export class CacheUnavailableError extends LoopsafeError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_CACHE_UNAVAILABLE';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = CacheUnavailableError.code;
  override name = 'CacheUnavailableError' as const;

  constructor(operation: string, key: string, reason: string, options?: ErrorOptions) {
    super(
      `Cache ${operation} ${JSON.stringify(key)} failed: ${reason}. The client keeps reconnecting; with ` +
        "onUnavailable: 'bypass' reads and getOrLoad() compute without the cache meanwhile. Check that Redis is up, or raise `timeout`.",
      options,
    );
  }
}

/** The Redis backend was configured but the optional peer dependency `ioredis` is not installed. */
export class CacheBackendMissingError extends LoopsafeError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_CACHE_BACKEND_MISSING';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = CacheBackendMissingError.code;
  override name = 'CacheBackendMissingError' as const;

  constructor(cause: unknown) {
    super("createCache({ backend: 'redis' }) needs the package ioredis. Install it with `npm install ioredis`.", { cause });
  }
}

/** The cache was used after `close()`. */
export class CacheClosedError extends LoopsafeError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_CACHE_CLOSED';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = CacheClosedError.code;
  override name = 'CacheClosedError' as const;

  constructor(operation: string) {
    super(`Cannot ${operation}: this cache has been closed. Resolve the cache from the container instead of keeping a reference past its disposal.`);
  }
}
