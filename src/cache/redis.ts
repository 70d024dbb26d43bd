import { randomUUID } from 'node:crypto';
import { CacheUnavailableError } from '../errors/cache.js';
import { createClient, type Client } from './client.js';
import { keyLayout, type KeyLayout } from './keys.js';
import { trackReady, waitForReady } from './ready.js';
import type { Store, StoreOptions } from './store.js';
import { waitForLoad, type Waiter } from './wait.js';

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

// Take the load lock only while the value is still missing, in one step: a lock taken with a plain SET NX after a
// miss read a moment earlier would let a caller whose miss predates another process's store load the key again.
// The value and the lock share a hash slot, so this runs on a Cluster too. Returns [1, value] or [0, won].
const ACQUIRE = `
local value = redis.call('GET', KEYS[1])
if value then return {1, value} end
if redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2], 'NX') then return {0, 1} end
return {0, 0}`;

const MAX_ROUNDS = 8;
// Lock tokens must be unique across machines, where process ids repeat.
const lockOwner = randomUUID();
let lockSerial = 0;

/**
 * Entries in Redis (one server or a Cluster), shared by every process and machine using the same Redis and prefix.
 * ioredis is imported on first use, so apps on the memory backend never load it.
 * @internal
 */
export class RedisStore implements Store {
  readonly #options: StoreOptions;
  readonly #keys: KeyLayout;
  readonly #waiters = new Map<string, Set<Waiter>>();
  #client: Client | undefined;
  #connecting: Promise<Client> | undefined;
  #subscribed: Promise<void> | undefined;
  #subscriber: Client | undefined;

  constructor(options: StoreOptions) {
    this.#options = options;
    this.#keys = keyLayout(options.prefix, options.cluster !== undefined);
  }

  get(key: string): Promise<string | null> {
    const client = this.#client;
    // The hot path: a connected client to one server costs one GET, nothing else (`failure` codes its errors).
    if (client !== undefined && client.status === 'ready') {
      const read = client.get(this.#keys.value(key));
      return this.#options.cluster === undefined ? read : this.#deadline(read, 'get', key);
    }
    return this.#connection('get', key).then((c) => this.#deadline(c.get(this.#keys.value(key)), 'get', key));
  }

  failure(error: unknown, operation: string, key: string): unknown {
    return coded(error, operation, key);
  }

  async set(key: string, data: string, ttl: number): Promise<void> {
    const k = this.#keys.value(key);
    await this.#send('set', key, (c) => (ttl === 0 ? c.set(k, data) : c.set(k, data, 'PX', ttl)));
  }

  async delete(key: string): Promise<boolean> {
    return (await this.#send('delete', key, (c) => c.del(this.#keys.value(key)))) > 0;
  }

  async loadShared(key: string, produce: () => Promise<string>, ttl: number): Promise<string> {
    const valueKey = this.#keys.value(key);
    const lockKey = this.#keys.lock(key);
    const channel = this.#keys.channel;
    const token = `${lockOwner}:${++lockSerial}`;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const [found, result] = (await this.#send('getOrLoad', key, (c) =>
        c.eval(ACQUIRE, 2, valueKey, lockKey, token, String(this.#options.lockTtl)))) as [number, string | number];
      if (found === 1) return result as string;
      if (result === 1) {
        let data: string;
        try {
          data = await produce();
        } catch (error) {
          await this.#send('getOrLoad', key, (c) => c.eval(RELEASE, 1, lockKey, token, channel, key)).catch(() => {});
          throw error;
        }
        await this.#send('getOrLoad', key, (c) => c.eval(SETTLE, 2, valueKey, lockKey, data, String(ttl), token, channel, key));
        return data;
      }
      await this.#subscribe(key);
      const data = await waitForLoad({
        key,
        timeout: this.#options.timeout,
        probe: () => this.#send('getOrLoad', key, (c) => c.mget(valueKey, lockKey)),
        listen: (wake) => this.#listen(key, wake),
      });
      if (data !== undefined) return data;
      // The holder failed or its lock expired: race for the lock again.
    }
    throw new CacheUnavailableError('getOrLoad', key, `the load lock changed hands ${MAX_ROUNDS} times without a result`);
  }

  async ready(): Promise<void> {
    await this.#connection('connect', '');
  }

  async close(): Promise<void> {
    this.#wakeAll(new CacheUnavailableError('getOrLoad', '', 'the cache was closed'));
    const clients = [this.#client, this.#subscriber].filter((c) => c !== undefined);
    this.#client = this.#subscriber = undefined;
    await Promise.all(clients.map((c) => quit(c)));
  }

  #listen(key: string, wake: Waiter): () => void {
    let waiters = this.#waiters.get(key);
    if (waiters === undefined) this.#waiters.set(key, (waiters = new Set()));
    waiters.add(wake);
    return () => {
      waiters.delete(wake);
      if (waiters.size === 0 && this.#waiters.get(key) === waiters) this.#waiters.delete(key);
    };
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
      await this.#deadline(sub.subscribe(this.#keys.channel), 'getOrLoad', key);
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
    this.#deadline(client.get(this.#keys.value(key)), 'getOrLoad', key).then((data) => {
      for (const w of [...waiters]) w(data ?? undefined);
    }, (error: unknown) => {
      for (const w of [...waiters]) w(undefined, error);
    });
  }

  #wakeAll(error: unknown): void {
    for (const waiters of [...this.#waiters.values()]) for (const w of [...waiters]) w(undefined, error);
  }

  /** Send one command on the connected client, within the deadline, failing with the coded error. */
  #send<T>(operation: string, key: string, command: (c: Client) => Promise<T>): Promise<T> {
    return this.#connection(operation, key).then((c) => this.#deadline(command(c), operation, key));
  }

  /**
   * One server enforces the deadline itself (`commandTimeout`, no offline queue). A Cluster client also redirects
   * and retries a command across a failover, which no per-node timeout bounds: there the deadline is a timer.
   */
  #deadline<T>(promise: Promise<T>, operation: string, key: string): Promise<T> {
    if (this.#options.cluster === undefined) return guard(promise, operation, key);
    const timeout = this.#options.timeout;
    // One promise and one timer per command: this is on every Cluster hit.
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new CacheUnavailableError(operation, key, `the Redis Cluster did not answer within ${timeout} ms`)), timeout);
      promise.then((value) => {
        clearTimeout(timer);
        resolve(value);
      }, (error: unknown) => {
        clearTimeout(timer);
        reject(coded(error, operation, key));
      });
    });
  }

  /** The connected client. The first call connects; during an outage it fails at once instead of queueing. */
  #connection(operation: string, key: string): Promise<Client> {
    const client = this.#client;
    if (client !== undefined && client.status === 'ready') return Promise.resolve(client);
    this.#connecting ??= this.#connect();
    return this.#connecting.then(async (c) => {
      if (c.status === 'ready') return c;
      await waitForReady(c, this.#options.timeout, () => new CacheUnavailableError(operation, key, `no connection to Redis (${c.status})`));
      return c;
    });
  }

  async #connect(): Promise<Client> {
    try {
      const client = await createClient(this.#options);
      trackReady(client);
      this.#client = client;
      return client;
    } catch (error) {
      this.#connecting = undefined;
      throw error;
    }
  }
}

/** Turn a dropped connection or a command timeout into the coded error the failure policy knows. */
function guard<T>(promise: Promise<T>, operation: string, key: string): Promise<T> {
  return promise.catch((error: unknown) => unavailable(error, operation, key));
}

function unavailable(error: unknown, operation: string, key: string): never {
  throw coded(error, operation, key);
}

/** Redis's own replies (a wrong type, a script error) stay as they are; anything else means Redis is unavailable. */
function coded(error: unknown, operation: string, key: string): unknown {
  if (error instanceof CacheUnavailableError || (error instanceof Error && error.name === 'ReplyError')) return error;
  return new CacheUnavailableError(operation, key, error instanceof Error ? error.message : String(error), { cause: error });
}

async function quit(client: Client): Promise<void> {
  try {
    if (client.status === 'ready') await client.quit();
  } catch {
    // The connection is going away either way.
  } finally {
    client.disconnect();
  }
}
