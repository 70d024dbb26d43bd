import test, { type ExecutionContext } from 'ava';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { Cluster } from 'ioredis';
import { createCache, type Cache, type CacheOptions } from '../../src/index.js';
import { startRedisCluster } from '../helpers/redis-cluster.js';
import { fileOwner, startRedis } from '../helpers/redis.js';

// One cluster (3 masters, 3 replicas) for the file. The tests run serially: the last one stops a master.
const started = startRedisCluster(fileOwner(test));
let prefixes = 0;

// The deadline is generous: on a loaded machine a timed-out call would bypass the cache and run a loader twice.
async function open(t: ExecutionContext, options: CacheOptions = {}): Promise<Cache> {
  const cluster = await started;
  const cache = createCache({ backend: 'redis', redis: { cluster: cluster.urls.slice(0, 2) }, prefix: `c${++prefixes}:`, timeout: 2_000, ...options });
  t.teardown(() => cache.close());
  await cache.ready();
  return cache;
}

async function raw(t: ExecutionContext): Promise<Cluster> {
  const cluster = await started;
  const client = new Cluster([{ host: '127.0.0.1', port: cluster.nodes[0]!.port }]);
  t.teardown(() => client.disconnect());
  return client;
}

/** Settles, or fails the test: an operation that hangs is the bug these tests exist for. */
async function settles<T>(t: ExecutionContext, promise: Promise<T>): Promise<PromiseSettledResult<T>> {
  const hang = sleep(10_000).then(() => 'hang' as const);
  const result = await Promise.race([Promise.allSettled([promise]).then(([r]) => r!), hang]);
  if (result === 'hang') t.fail('the cache operation hung');
  return result as PromiseSettledResult<T>;
}

function code(result: PromiseSettledResult<unknown>): string | undefined {
  return result.status === 'rejected' ? (result.reason as { code?: string }).code : undefined;
}

test.serial('cluster: set, get and delete work across the masters; a key\'s value and load lock share one hash slot, whatever the key', async (t) => {
  const cache = await open(t, { prefix: 'basic:' });
  const cluster = await started;
  const keys = Array.from({ length: 30 }, (_, i) => `user:${i}`);
  await Promise.all(keys.map((k, i) => cache.set(k, { i })));
  t.deepEqual(await Promise.all(keys.map((k) => cache.get(k))), keys.map((_, i) => ({ i })));
  const masters = new Set(await Promise.all(keys.map(async (k) => (await cluster.masterOf(`basic:{${k}}`)).port)));
  t.is(masters.size, 3, 'the keys are spread over every master');
  const client = await raw(t);
  t.is(await client.get('basic:{user:2}'), '{"i":2}', 'a plain key is its own hash tag');
  t.true(await cache.delete('user:1'));
  t.is(await cache.get('user:1'), undefined);

  const awkward = ['a{b}c', '{}', '}{', '', '}', '%7D', '%', '{', 'user:99'];
  // Storing a load is one script over the value and the lock: Redis refuses it (CROSSSLOT) unless they share a slot.
  t.deepEqual(await Promise.all(awkward.map((k) => cache.getOrLoad(k, () => `loaded ${k}`))), awkward.map((k) => `loaded ${k}`));
  t.deepEqual(await Promise.all(awkward.map((k) => cache.get(k))), awkward.map((k) => `loaded ${k}`), 'no two keys share an entry');
});

test.serial('cluster: concurrent getOrLoad through separate clients runs the loader once per key, for keys on every master', async (t) => {
  const clients = await Promise.all(Array.from({ length: 4 }, () => open(t, { prefix: 'flight:' })));
  const runs = new Map<string, number>();
  const loader = (key: string) => async (): Promise<string> => {
    runs.set(key, (runs.get(key) ?? 0) + 1);
    await sleep(50);
    return `value of ${key}`;
  };
  const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
  const results = await Promise.all(keys.flatMap((k) => Array.from({ length: 12 }, (_, i) => clients[i % clients.length]!.getOrLoad(k, loader(k)))));
  t.deepEqual(new Set(results), new Set(keys.map((k) => `value of ${k}`)));
  t.deepEqual([...runs.values()], keys.map(() => 1));
});

test.serial('ioredis 5.0 (the oldest supported): the cache works on one server and on the Cluster, single flight included', async (t) => {
  const cluster = await started;
  const server = await startRedis(t);
  const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
  const env = { ...process.env, REDIS_URL: server.url, REDIS_CLUSTER: cluster.urls.join(',') };
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', fixture('ioredis5-hooks.js'), fixture('on-ioredis.js')], { env, timeout: 30_000 });
  const expected = { read: { by: 0 }, runs: 1, loads: ['loaded'], deleted: true };
  t.deepEqual(JSON.parse(stdout), { version: '5.0.0', server: expected, cluster: expected });
});

/** A key whose slot the given master serves. */
async function keyOn(port: number, prefix: string, base: string): Promise<string> {
  const cluster = await started;
  for (let i = 0; i < 1000; i++) if ((await cluster.masterOf(`${prefix}{${base}${i}}`)).port === port) return `${base}${i}`;
  throw new Error(`no key of ${base} on ${port}`);
}

test.serial('cluster: a frozen master (connections open, no answers) holds no call past the deadline, waiters included', async (t) => {
  const cluster = await started;
  const options: CacheOptions = { prefix: 'frozen:', timeout: 500 };
  const [holder, bypass, failing] = await Promise.all([open(t, options), open(t, options), open(t, { ...options, onUnavailable: 'fail' })]);
  const victim = await cluster.masterOf('frozen:{stored}');
  const loaded = await keyOn(victim.port, 'frozen:', 'load');
  await holder.set('stored', 'v');
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const holding = holder.getOrLoad(loaded, async () => {
    await gate;
    return 'holder';
  });
  const client = await raw(t);
  for (let i = 0; (await client.exists(`frozen:__lock:{${loaded}}`)) === 0; i++) {
    if (i > 400) throw new Error('the holder never took the lock');
    await sleep(5);
  }
  let runs = 0;
  const waiting = [bypass.getOrLoad(loaded, () => `bypass ${++runs}`), failing.getOrLoad(loaded, () => `fail ${++runs}`)];
  victim.pause();
  t.teardown(() => victim.resume());

  const [waitedBypass, waitedFail, read, readFail, write] = await Promise.all([
    ...waiting.map((w) => settles(t, w)), settles(t, bypass.get('stored')), settles(t, failing.get('stored')), settles(t, bypass.set('stored', 'x')),
  ]);
  t.deepEqual(waitedBypass, { status: 'fulfilled', value: 'bypass 1' }, 'bypass: the waiter loads itself');
  t.is(code(waitedFail!), 'LOOPSAFE_ERR_CACHE_UNAVAILABLE', 'fail: the waiter rejects, its loader does not run');
  t.is(runs, 1);
  t.deepEqual(read, { status: 'fulfilled', value: undefined });
  t.is(code(readFail!), 'LOOPSAFE_ERR_CACHE_UNAVAILABLE');
  t.is(code(write!), 'LOOPSAFE_ERR_CACHE_UNAVAILABLE');

  victim.resume();
  release();
  t.is((await settles(t, holding)).status, 'fulfilled');
  // A long freeze may have failed the master over to its replica; either way the cluster heals and the cache works.
  await cluster.healthy();
  for (let i = 0; ; i++) {
    if ((await settles(t, holder.set('stored', 'after'))).status === 'fulfilled') break;
    if (i > 300) throw new Error('the cache never recovered after the freeze');
    await sleep(50);
  }
  t.is(await failing.get('stored'), 'after');
});

// Last: it stops a master. Keys are picked in the stopped master's slots, so every step goes through the failover.
test.serial('cluster: a master stopped mid-test fails over to its replica; no call hangs, no acknowledged write is lost, and the cache recovers', async (t) => {
  const cluster = await started;
  const cache = await open(t, { prefix: 'failover:' });
  const waiterCache = await open(t, { prefix: 'failover:' });
  // Reads that must not turn an outage into a miss: with 'fail', a read either returns what is stored or rejects.
  const reader = await open(t, { prefix: 'failover:', onUnavailable: 'fail' });
  const victim = await cluster.masterOf('failover:{victim}');
  const onVictim = async (k: string): Promise<boolean> => (await cluster.masterOf(`failover:{${k}}`)).port === victim.port;

  const acked = new Set<string>();
  const before = Array.from({ length: 60 }, (_, i) => `before:${i}`);
  await Promise.all(before.map((k) => cache.set(k, k)));
  for (const k of before) acked.add(k);
  t.true((await Promise.all(before.map(onVictim))).some(Boolean), 'some acknowledged keys live on the master that is stopped');

  // A load in progress on the victim, with a waiter in another client.
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const holding = cache.getOrLoad('victim', async () => {
    await gate;
    return 'holder';
  });
  const client = await raw(t);
  for (let i = 0; (await client.exists('failover:__lock:{victim}')) === 0; i++) {
    if (i > 400) throw new Error('the holder never took the lock');
    await sleep(5);
  }
  const waiting = waiterCache.getOrLoad('victim', () => 'waiter');

  // Keep writing and loading through the failover; a write counts once it resolved.
  let writing = true;
  const outcomes = { acked: 0, refused: 0 };
  const writer = (async () => {
    for (let i = 0; writing; i++) {
      const result = await settles(t, cache.set(`during:${i}`, `during:${i}`));
      if (result.status === 'fulfilled') {
        acked.add(`during:${i}`);
        outcomes.acked++;
      } else {
        t.is(code(result), 'LOOPSAFE_ERR_CACHE_UNAVAILABLE');
        outcomes.refused++;
      }
      t.is((await settles(t, cache.getOrLoad(`during-load:${i}`, () => i))).status, 'fulfilled', 'bypass: a load never fails for the outage');
      await sleep(10);
    }
  })();

  // A key in the victim's slots, for a write while it is down (the writer's keys land on any master).
  let victimKey = '';
  for (let j = 0; victimKey === ''; j++) if (await onVictim(`down:${j}`)) victimKey = `down:${j}`;
  await victim.stop();
  // Before its replica can be promoted (cluster-node-timeout is 1.5 s), a write to its slots is refused at once,
  // not queued until the failover ends.
  const downWrite = await settles(t, cache.set(victimKey, 'while down'));
  t.is(downWrite.status, 'rejected', 'a write to the stopped master is refused, not queued');
  t.is(code(downWrite), 'LOOPSAFE_ERR_CACHE_UNAVAILABLE');
  t.is((await settles(t, waiting)).status, 'fulfilled', 'the waiter is released, not held until the failover ends');
  release();
  t.is((await settles(t, holding)).status, 'fulfilled');

  await cluster.healthy();
  // Recovery: the victim's slots answer again through the promoted replica (the client learns the new map).
  for (let i = 0; ; i++) {
    if ((await settles(t, cache.set('victim', 'after'))).status === 'fulfilled') break;
    if (i > 300) throw new Error('the cache never recovered after the failover');
    await sleep(50);
  }
  writing = false;
  await writer;
  t.log(`during the failover: ${outcomes.acked} writes acknowledged, ${outcomes.refused} refused with a coded error`);

  const keys = [...acked];
  t.deepEqual(await Promise.all(keys.map((k) => reader.get(k))), keys, 'every acknowledged write is readable');
  t.is(await reader.get('victim'), 'after');
  let runs = 0;
  const loads = await Promise.all(Array.from({ length: 20 }, (_, i) => [cache, waiterCache][i % 2]!.getOrLoad('victim:again', async () => {
    runs++;
    await sleep(30);
    return 'once';
  })));
  t.true(loads.every((v) => v === 'once'));
  t.is(runs, 1, 'single flight holds on the promoted master');

  // The stopped master comes back as a replica, and the cluster is whole again.
  await victim.start();
  await cluster.healthy();
  t.is(await reader.get('victim'), 'after');
});
