import { randomUUID } from 'node:crypto';
import type { Redis, RedisOptions } from 'ioredis';
import { CacheBackendMissingError, CacheUnavailableError } from '../errors/cache.js';
import type { Store, StoreOptions } from './store.js';
import { trackReady, waitForReady } from './ready.js';

// Store the value, release the lock if it is still ours, then wake every waiting process: one round trip.
const SETTLE = `
if ARGV[2] == '0' then redis.call('SET', KEYS[1], ARGV[1]) else redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
if redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1`;

// The loader failed: release the lock if it is still ours and wake the waiters, so one of them loads instead.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1`;

const MAX_ROUNDS = 8;
// Lock tokens must be unique across machines, where process ids repeat.
const lockOwner = randomUUID();
let lockSerial = 0;

type Waiter = (data: string | undefined, error?: unknown) => void;

/**
 * Entries in Redis, shared by every process and machine using the same Redis and prefix. ioredis is imported on
 * first use, so apps on the memory backend never load it.
 * @internal
 */
export class RedisStore implements Store {
  readonly #options: StoreOptions;
  readonly #channel: string;
  readonly #waiters = new Map<string, Set<Waiter>>();
  #client: Redis | undefined;
  #connecting: Promise<Redis> | undefined;
  #subscribed: Promise<void> | undefined;
  #subscriber: Redis | undefined;

  constructor(options: StoreOptions) {
    this.#options = options;
    this.#channel = `${options.prefix}__loaded`;
  }

  get(key: string): Promise<string | null> {
    const client = this.#client;
    // The hot path: a connected client costs one GET, nothing else.
    if (client !== undefined && client.status === 'ready') return client.get(this.#options.prefix + key);
    return this.#connection('get', key).then((c) => c.get(this.#options.prefix + key));
  }

  failure(error: unknown, operation: string, key: string): unknown {
    if (error instanceof CacheUnavailableError || (error instanceof Error && error.name === 'ReplyError')) return error;
    return new CacheUnavailableError(operation, key, error instanceof Error ? error.message : String(error), { cause: error });
  }

  async set(key: string, data: string, ttl: number): Promise<void> {
    const c = await this.#connection('set', key);
    const k = this.#options.prefix + key;
    await guard(ttl === 0 ? c.set(k, data) : c.set(k, data, 'PX', ttl), 'set', key);
  }

  async delete(key: string): Promise<boolean> {
    const c = await this.#connection('delete', key);
    return (await guard(c.del(this.#options.prefix + key), 'delete', key)) > 0;
  }

  async loadShared(key: string, produce: () => Promise<string>, ttl: number): Promise<string> {
    const valueKey = this.#options.prefix + key;
    const lockKey = `${this.#options.prefix}__lock:${key}`;
    const token = `${lockOwner}:${++lockSerial}`;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const c = await this.#connection('getOrLoad', key);
      const won = await guard(c.set(lockKey, token, 'PX', this.#options.lockTtl, 'NX'), 'getOrLoad', key);
      if (won === 'OK') {
        let data: string;
        try {
          data = await produce();
        } catch (error) {
          await guard(c.eval(RELEASE, 1, lockKey, token, this.#channel, key), 'getOrLoad', key).catch(() => {});
          throw error;
        }
        await guard(c.eval(SETTLE, 2, valueKey, lockKey, data, String(ttl), token, this.#channel, key), 'getOrLoad', key);
        return data;
      }
      const data = await this.#waitFor(key, valueKey);
      if (data !== undefined) return data;
      // The holder failed or its lock expired: race for the lock again.
    }
    throw new CacheUnavailableError('getOrLoad', key, `the load lock changed hands ${MAX_ROUNDS} times without a result`);
  }

  async ready(): Promise<void> {
    await this.#connection('connect', '');
  }

  async close(): Promise<void> {
    for (const waiters of this.#waiters.values()) for (const w of waiters) w(undefined, new CacheUnavailableError('getOrLoad', '', 'the cache was closed'));
    this.#waiters.clear();
    const clients = [this.#client, this.#subscriber].filter((c) => c !== undefined);
    this.#client = this.#subscriber = undefined;
    await Promise.all(clients.map((c) => quit(c)));
  }

  /** Wait until another process stores `key` (or gives up its lock), at most `lockTtl`. */
  async #waitFor(key: string, valueKey: string): Promise<string | undefined> {
    await this.#subscribe(key);
    const c = await this.#connection('getOrLoad', key);
    return new Promise<string | undefined>((resolve, reject) => {
      let waiters = this.#waiters.get(key);
      if (waiters === undefined) this.#waiters.set(key, (waiters = new Set()));
      const timer = setTimeout(() => done(undefined), this.#options.lockTtl);
      const done: Waiter = (data, error) => {
        clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0 && this.#waiters.get(key) === waiters) this.#waiters.delete(key);
        if (error === undefined) resolve(data);
        else reject(error as Error);
      };
      waiters.add(done);
      // Subscribed first, then read: a value stored in between is seen here, one stored later is announced.
      guard(c.get(valueKey), 'getOrLoad', key).then((data) => {
        if (data !== null) done(data);
      }, (error: unknown) => done(undefined, error));
    });
  }

  #subscribe(key: string): Promise<void> {
    this.#subscribed ??= this.#connection('getOrLoad', key).then(async (client) => {
      const sub = client.duplicate();
      this.#subscriber = sub;
      trackReady(sub);
      sub.on('message', (_channel: string, loaded: string) => this.#announce(loaded));
      // A lost connection may have lost announcements: wake everyone; they read again or fall back.
      sub.on('close', () => this.#wakeAll(new CacheUnavailableError('getOrLoad', '', 'the connection to Redis was lost')));
      await waitForReady(sub, this.#options.timeout, () => new CacheUnavailableError('getOrLoad', key, `no connection to Redis within ${this.#options.timeout} ms`));
      await guard(sub.subscribe(this.#channel), 'getOrLoad', key);
    }).catch((error: unknown) => {
      this.#subscribed = undefined;
      const sub = this.#subscriber;
      this.#subscriber = undefined;
      if (sub !== undefined) sub.disconnect();
      throw error;
    });
    return this.#subscribed;
  }

  #announce(key: string): void {
    const waiters = this.#waiters.get(key);
    const client = this.#client;
    if (waiters === undefined || client === undefined) return;
    const read = guard(client.get(this.#options.prefix + key), 'getOrLoad', key);
    read.then((data) => {
      for (const w of [...waiters]) w(data ?? undefined);
    }, (error: unknown) => {
      for (const w of [...waiters]) w(undefined, error);
    });
  }

  #wakeAll(error: unknown): void {
    for (const waiters of [...this.#waiters.values()]) for (const w of [...waiters]) w(undefined, error);
  }

  /** The connected client. The first call connects; during an outage it fails at once instead of queueing. */
  #connection(operation: string, key: string): Promise<Redis> {
    const client = this.#client;
    if (client !== undefined && client.status === 'ready') return Promise.resolve(client);
    this.#connecting ??= this.#connect();
    return this.#connecting.then(async (c) => {
      if (c.status === 'ready') return c;
      await waitForReady(c, this.#options.timeout, () => new CacheUnavailableError(operation, key, `no connection to Redis (${c.status})`));
      return c;
    });
  }

  async #connect(): Promise<Redis> {
    let RedisClass: new (url: string, options: RedisOptions) => Redis;
    try {
      const mod = await import('ioredis');
      RedisClass = mod.Redis;
    } catch (error) {
      this.#connecting = undefined;
      throw new CacheBackendMissingError(error);
    }
    const o = this.#options;
    const client = new RedisClass(o.url, {
      // ioredis 5 reads its own package.json on the pool at first connect, to send CLIENT SETINFO: that is thread
      // work inside the cache's factory, which loopsafe's own thread monitor fails. Options can turn it back on.
      disableClientInfo: true,
      ...o.clientOptions,
      commandTimeout: o.timeout,
      connectTimeout: Math.max(o.timeout, 1000),
      // Commands during an outage fail at once instead of piling up until Redis returns.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (times: number) => Math.min(times * 100, 1000),
    });
    trackReady(client);
    this.#client = client;
    return client;
  }
}

/** Turn a dropped connection or a command timeout into the coded error the failure policy knows. */
function guard<T>(promise: Promise<T>, operation: string, key: string): Promise<T> {
  return promise.catch((error: unknown) => unavailable(error, operation, key));
}

function unavailable(error: unknown, operation: string, key: string): never {
  if (error instanceof Error && error.name === 'ReplyError') throw error;
  throw new CacheUnavailableError(operation, key, error instanceof Error ? error.message : String(error), { cause: error });
}

async function quit(client: Redis): Promise<void> {
  try {
    if (client.status === 'ready') await client.quit();
  } catch {
    // The connection is going away either way.
  } finally {
    client.disconnect();
  }
}
