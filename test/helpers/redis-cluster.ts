import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from './ports.js';
import { startRedis, type Owner, type RedisServer } from './redis.js';

const run = promisify(execFile);

/** A real Redis Cluster on loopback: masters with one replica each, owned by one test file. */
export interface RedisCluster {
  readonly nodes: readonly RedisServer[];
  /** `redis://` URLs of every node, for `createCache({ redis: { cluster } })`. */
  readonly urls: string[];
  /** The node that serves `key` as a master right now. */
  masterOf(key: string): Promise<RedisServer>;
  /** Resolves once every running node reports `cluster_state:ok` and every slot has a running master. */
  healthy(): Promise<void>;
}

/**
 * Start `masters` redis-servers in cluster mode plus one replica each, and join them with
 * `redis-cli --cluster create`. A short node timeout makes a stopped master fail over within a few seconds.
 */
export async function startRedisCluster(t: Owner, masters = 3): Promise<RedisCluster> {
  const nodes: RedisServer[] = [];
  for (let i = 0; i < masters * 2; i++) {
    // The cluster bus port is set explicitly: the default (port + 10000) may be taken or beyond 65535.
    const bus = await freePort();
    nodes.push(await startRedis(t, [
      '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '1500', '--cluster-port', String(bus),
    ]));
  }
  await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '1', '--cluster-yes']).catch((error: Error) => {
    throw new Error(`redis-cli --cluster create failed (is redis-cli installed? apt-get install redis-tools): ${error.message}`, { cause: error });
  });
  const down = new Set<RedisServer>();
  const ask = async <T>(node: RedisServer, command: (r: Redis) => Promise<T>): Promise<T> => {
    const r = new Redis(node.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, commandTimeout: 2000 });
    r.on('error', () => {});
    try {
      await r.connect();
      return await command(r);
    } finally {
      r.disconnect();
    }
  };
  const live = (): RedisServer[] => nodes.filter((n) => !down.has(n));
  const slots = (node: RedisServer) => ask(node, (r) => r.cluster('SLOTS'));
  const cluster: RedisCluster = {
    nodes: nodes.map((n) => ({
      ...n,
      stop: async () => {
        down.add(n);
        await n.stop();
      },
      start: async () => {
        await n.start();
        down.delete(n);
      },
    })),
    urls: nodes.map((n) => n.url),
    async masterOf(key) {
      const node = live()[0]!;
      const slot = await ask(node, (r) => r.cluster('KEYSLOT', key));
      const range = (await slots(node)).find(([from, to]) => slot >= from && slot <= to);
      const i = nodes.findIndex((n) => n.port === range?.[2]?.[1]);
      if (i === -1) throw new Error(`no master serves slot ${slot}`);
      return cluster.nodes[i]!;
    },
    async healthy() {
      // Polled: the cluster's state is only visible by asking it. Bounded, so a broken cluster fails the test.
      for (let i = 0; i < 600; i++) {
        if (await isHealthy().catch(() => false)) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error('the Redis Cluster did not become healthy within 30 s');
    },
  };
  const isHealthy = async (): Promise<boolean> => {
    const running = new Set(live().map((n) => n.port));
    for (const node of live()) {
      const info = await ask(node, (r) => r.cluster('INFO'));
      if (!info.includes('cluster_state:ok')) return false;
      const ranges = await slots(node);
      if (ranges.reduce((sum, [from, to]) => sum + to - from + 1, 0) !== 16384) return false;
      if (!ranges.every(([, , master]) => master !== undefined && running.has(master[1]))) return false;
    }
    return true;
  };
  await cluster.healthy();
  return cluster;
}
