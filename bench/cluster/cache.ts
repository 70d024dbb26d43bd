// getOrLoad hits and misses, memory, one Redis and a Redis Cluster, against direct ioredis calls in the same run.
// Method: the compared operations run in small alternating batches (A B C, C B A, ...), so a noisy neighbour slows
// both sides of a pair alike; each ratio is the median of the per-cycle ratios.
import { Cluster, Redis } from 'ioredis';
import { createCache } from '../../src/index.js';
import { startRedis } from '../../test/helpers/redis.js';
import { startRedisCluster } from '../../test/helpers/redis-cluster.js';

const value = { id: 42, name: 'Ada Lovelace', tags: ['admin', 'ops', 'beta'], active: true };
const payload = JSON.stringify(value);
const load = async (): Promise<typeof value> => value;

type Op = (i: number) => Promise<unknown>;

interface Case {
  readonly name: string;
  readonly op: Op;
  /** The case this one is compared with. */
  readonly baseline?: string;
}

let serial = 0;

/** Mean ns per operation over one batch: `concurrency` operations in flight, `count` in all. */
async function batch(op: Op, count: number, concurrency: number): Promise<number> {
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      next++;
      await op(serial++);
    }
  }));
  return Number(process.hrtime.bigint() - start) / count;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function compare(title: string, cases: Case[], cycles: number, count: number, concurrency: number): Promise<void> {
  const times = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let cycle = -2; cycle < cycles; cycle++) {
    const order = cycle % 2 === 0 ? cases : [...cases].reverse();
    for (const c of order) {
      const ns = await batch(c.op, count, concurrency);
      if (cycle >= 0) times.get(c.name)!.push(ns);
    }
  }
  console.log(`\n${title}: ${concurrency} in flight, ${cycles} alternating batches of ${count}, medians`);
  console.log('| operation | per op | ratio (median of paired batches) | per-op spread |');
  console.log('|---|---:|---:|---:|');
  for (const c of cases) {
    const ns = times.get(c.name)!;
    let ratio = '';
    if (c.baseline !== undefined) {
      const base = times.get(c.baseline)!;
      ratio = `${median(ns.map((x, i) => x / base[i]!)).toFixed(2)}x ${c.baseline}`;
    }
    console.log(`| ${c.name} | ${fmt(median(ns))} | ${ratio} | ${fmt(Math.min(...ns))}-${fmt(Math.max(...ns))} |`);
  }
}

/** Print the cache tables. */
export async function benchCache(cycles: number): Promise<void> {
  const cleanups: (() => unknown)[] = [];
  const redis = await startRedis({ teardown: (fn) => cleanups.push(fn) });
  const raw = new Redis(redis.url);
  // The same client settings loopsafe uses, to show what the per-command deadline itself costs.
  const timed = new Redis(redis.url, { commandTimeout: 500, enableOfflineQueue: false });
  await new Promise((resolve) => timed.once('ready', resolve));
  const onRedis = createCache({ backend: 'redis', redis: { url: redis.url }, prefix: 'b:' });
  const inMemory = createCache();
  await onRedis.ready();
  await raw.set('b:hot', payload);
  await inMemory.set('hot', value);

  for (const concurrency of [1, 50]) {
    await compare('Redis hits', [
      { name: 'direct ioredis get', op: () => raw.get('b:hot') },
      { name: 'direct ioredis get + JSON.parse', op: async () => JSON.parse((await raw.get('b:hot'))!) },
      { name: 'direct ioredis get + JSON.parse, commandTimeout set', op: async () => JSON.parse((await timed.get('b:hot'))!),
        baseline: 'direct ioredis get + JSON.parse' },
      { name: 'loopsafe getOrLoad hit', op: () => onRedis.getOrLoad('hot', load), baseline: 'direct ioredis get + JSON.parse' },
      { name: 'loopsafe get hit', op: () => onRedis.get('hot'), baseline: 'direct ioredis get + JSON.parse' },
    ], cycles, concurrency === 1 ? 300 : 2000, concurrency);
    await compare('Redis misses (a new key each time)', [
      { name: 'direct ioredis cache-aside: get, load, set', op: async (i) => {
        const k = `b:aside:${i}`;
        if ((await raw.get(k)) === null) await raw.set(k, JSON.stringify(await load()));
      } },
      { name: 'loopsafe getOrLoad miss: get, lock, load, store + notify', op: (i) => onRedis.getOrLoad(`miss:${i}`, load),
        baseline: 'direct ioredis cache-aside: get, load, set' },
    ], cycles, concurrency === 1 ? 200 : 1000, concurrency);
    await compare('Memory backend', [
      { name: 'loopsafe memory getOrLoad hit', op: () => inMemory.getOrLoad('hot', load) },
      { name: 'loopsafe memory getOrLoad miss', op: (i) => inMemory.getOrLoad(`miss:${i}`, load) },
    ], cycles, 5000, concurrency);
  }
  await Promise.all([onRedis.close(), inMemory.close(), raw.quit(), timed.quit()]);
  await benchRedisCluster(cycles, { teardown: (fn) => cleanups.push(fn) });
  for (const fn of cleanups.reverse()) await fn();
}

/** A Redis Cluster of 3 masters (and 3 replicas) on loopback: loopsafe against direct ioredis Cluster calls. */
async function benchRedisCluster(cycles: number, owner: { teardown: (fn: () => unknown) => void }): Promise<void> {
  const cluster = await startRedisCluster(owner);
  const raw = new Cluster([{ host: '127.0.0.1', port: cluster.nodes[0]!.port }]);
  await new Promise((resolve) => raw.once('ready', resolve));
  const onCluster = createCache({ backend: 'redis', redis: { cluster: cluster.urls }, prefix: 'b:' });
  await onCluster.ready();
  await raw.set('b:{hot}', payload);
  for (const concurrency of [1, 50]) {
    await compare('Redis Cluster hits (3 masters)', [
      { name: 'direct ioredis Cluster get + JSON.parse', op: async () => JSON.parse((await raw.get('b:{hot}'))!) },
      { name: 'loopsafe getOrLoad hit (Cluster)', op: () => onCluster.getOrLoad('hot', load), baseline: 'direct ioredis Cluster get + JSON.parse' },
    ], cycles, concurrency === 1 ? 300 : 2000, concurrency);
    await compare('Redis Cluster misses (a new key each time)', [
      { name: 'direct ioredis Cluster cache-aside: get, load, set', op: async (i) => {
        const k = `b:{aside:${i}}`;
        if ((await raw.get(k)) === null) await raw.set(k, JSON.stringify(await load()));
      } },
      { name: 'loopsafe getOrLoad miss (Cluster): get, lock, load, store + notify', op: (i) => onCluster.getOrLoad(`miss:${i}`, load),
        baseline: 'direct ioredis Cluster cache-aside: get, load, set' },
    ], cycles, concurrency === 1 ? 200 : 1000, concurrency);
  }
  await Promise.all([onCluster.close(), raw.quit()]);
}

function fmt(ns: number): string {
  return ns >= 1000 ? `${(ns / 1000).toFixed(1)} µs` : `${ns.toFixed(0)} ns`;
}
