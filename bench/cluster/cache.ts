// getOrLoad hits and misses, memory and Redis backends, against direct ioredis calls in the same run.
import { Redis } from 'ioredis';
import { createCache, type Cache } from '../../src/index.js';
import { startRedis } from '../../test/helpers/redis.js';

const value = { id: 42, name: 'Ada Lovelace', tags: ['admin', 'ops', 'beta'], active: true };
const payload = JSON.stringify(value);

type Op = (i: number) => Promise<unknown>;

/** Mean ns per operation: `concurrency` operations in flight, `total` in all. */
async function time(op: Op, total: number, concurrency: number): Promise<number> {
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) await op(next++);
  }));
  return Number(process.hrtime.bigint() - start) / total;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Print the cache table. */
export async function benchCache(rounds: number): Promise<void> {
  const cleanups: (() => unknown)[] = [];
  const redis = await startRedis({ teardown: (fn) => cleanups.push(fn) });
  const raw = new Redis(redis.url);
  const cached: Record<string, Cache> = {
    memory: createCache(),
    redis: createCache({ backend: 'redis', redis: { url: redis.url }, prefix: 'b:' }),
  };
  await Promise.all(Object.values(cached).map((c) => c.ready()));
  await raw.set('b:hot', payload);
  await cached.memory!.set('hot', value);
  let misses = 0;
  const load = async (): Promise<typeof value> => value;

  const ops: { name: string; op: Op; total: number; baseline?: string }[] = [
    { name: 'ioredis get (direct)', op: () => raw.get('b:hot'), total: 5000 },
    { name: 'ioredis get + JSON.parse (direct)', op: async () => JSON.parse((await raw.get('b:hot'))!), total: 5000 },
    { name: 'loopsafe redis getOrLoad hit', op: () => cached.redis!.getOrLoad('hot', load), total: 5000, baseline: 'ioredis get + JSON.parse (direct)' },
    { name: 'loopsafe redis get hit', op: () => cached.redis!.get('hot'), total: 5000, baseline: 'ioredis get + JSON.parse (direct)' },
    { name: 'ioredis cache-aside miss: get + set (direct)', op: async (i) => {
      const k = `b:aside:${i}:${misses}`;
      if ((await raw.get(k)) === null) await raw.set(k, JSON.stringify(await load()));
    }, total: 3000 },
    { name: 'loopsafe redis getOrLoad miss (lock, load, store, notify)', op: (i) => cached.redis!.getOrLoad(`miss:${i}:${misses}`, load), total: 3000,
      baseline: 'ioredis cache-aside miss: get + set (direct)' },
    { name: 'loopsafe memory getOrLoad hit', op: () => cached.memory!.getOrLoad('hot', load), total: 200_000 },
    { name: 'loopsafe memory getOrLoad miss', op: (i) => cached.memory!.getOrLoad(`miss:${i}:${misses}`, load), total: 100_000 },
  ];

  for (const concurrency of [1, 50]) {
    const results = new Map<string, number[]>(ops.map((o) => [o.name, []]));
    for (let r = -1; r < rounds; r++) {
      // Interleaved rounds, the first one a discarded warm-up; fresh keys for the miss cases every round.
      misses++;
      for (const o of ops) {
        const ns = await time(o.op, o.total, concurrency);
        if (r >= 0) results.get(o.name)!.push(ns);
      }
    }
    console.log(`\nCache operations, ${concurrency} in flight, ${rounds} interleaved rounds, medians (Redis ${redis.url}, loopback)`);
    console.log('| operation | per op | vs its direct ioredis equivalent | spread |');
    console.log('|---|---:|---:|---:|');
    for (const o of ops) {
      const ns = results.get(o.name)!;
      const ratio = o.baseline === undefined ? '' : `${(median(ns) / median(results.get(o.baseline)!)).toFixed(2)}x`;
      console.log(`| ${o.name} | ${fmt(median(ns))} | ${ratio} | ${fmt(Math.min(...ns))}-${fmt(Math.max(...ns))} |`);
    }
  }
  await Promise.all(Object.values(cached).map((c) => c.close()));
  await raw.quit();
  for (const fn of cleanups.reverse()) await fn();
}

function fmt(ns: number): string {
  return ns >= 1000 ? `${(ns / 1000).toFixed(1)} µs` : `${ns.toFixed(0)} ns`;
}
