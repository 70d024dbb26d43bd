import type { EventEmitter } from 'node:events';
import { CacheBackendMissingError } from '../errors/cache.js';
import type { StoreOptions } from './store.js';

/**
 * The commands the Redis store sends, which ioredis's `Redis` (one server) and `Cluster` both have. Typed here so
 * the store does not depend on which of the two it talks to.
 * @internal
 */
export interface Client extends EventEmitter {
  readonly status: string;
  get(key: string): Promise<string | null>;
  mget(...keys: string[]): Promise<(string | null)[]>;
  set(key: string, data: string): Promise<unknown>;
  set(key: string, data: string, px: 'PX', ms: number): Promise<unknown>;
  set(key: string, data: string, px: 'PX', ms: number, nx: 'NX'): Promise<unknown>;
  del(key: string): Promise<number>;
  eval(script: string, keys: number, ...args: (string | number)[]): Promise<unknown>;
  subscribe(channel: string): Promise<unknown>;
  duplicate(): Client;
  quit(): Promise<unknown>;
  disconnect(): void;
}

type IoRedis = Pick<typeof import('ioredis'), 'Redis' | 'Cluster'>;

/**
 * Import ioredis and create the client: a `Cluster` when seed nodes are configured, else one `Redis`. On top of the
 * user's options, nothing queues while disconnected and nothing retries behind the caller's back, so every command
 * fails within the cache's deadline instead of piling up until Redis returns.
 * @internal
 */
export async function createClient(o: StoreOptions): Promise<Client> {
  let ioredis: IoRedis;
  try {
    const mod = await import('ioredis');
    // ioredis 5.0 exports the Redis class as the module itself; later versions also export it by name.
    ioredis = { Redis: (mod.Redis as IoRedis['Redis'] | undefined) ?? (mod.default as unknown as IoRedis['Redis']), Cluster: mod.Cluster };
  } catch (error) {
    throw new CacheBackendMissingError(error);
  }
  const node = {
    // ioredis 5 reads its own package.json on the pool at first connect, to send CLIENT SETINFO: that is thread
    // work inside the cache's factory, which loopsafe's own thread monitor fails. Options can turn it back on.
    disableClientInfo: true,
    ...o.clientOptions,
    commandTimeout: o.timeout,
    connectTimeout: Math.max(o.timeout, 1000),
    maxRetriesPerRequest: 0,
  };
  const reconnect = (times: number): number => Math.min(times * 100, 1000);
  if (o.cluster === undefined) {
    return new ioredis.Redis(o.url, { ...node, enableOfflineQueue: false, retryStrategy: reconnect }) as unknown as Client;
  }
  const nodes = o.cluster.map((url) => new URL(url)).map((u) => ({ host: u.hostname, port: Number(u.port || 6379) }));
  return new ioredis.Cluster(nodes, {
    ...o.clusterOptions,
    redisOptions: node,
    enableOfflineQueue: false,
    clusterRetryStrategy: reconnect,
    // After a failover the slots move to the promoted replica: learn that within a second, not five.
    slotsRefreshInterval: 1000,
    retryDelayOnFailover: 100,
    retryDelayOnClusterDown: 100,
  }) as unknown as Client;
}
