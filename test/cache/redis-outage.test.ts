import test, { type ExecutionContext } from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import { CacheToken, createCache, createContainer, provideCache, type Cache, type CacheOptions } from '../../src/index.js';
import { Redis } from 'ioredis';
import { startRedis, until, type RedisServer } from '../helpers/redis.js';

// Each test owns a redis-server, because each one stops or freezes it.
async function setup(t: ExecutionContext, options: CacheOptions = {}): Promise<{ redis: RedisServer; cache: Cache }> {
  const redis = await startRedis(t);
  const cache = createCache({ backend: 'redis', redis: { url: redis.url }, timeout: 200, ...options });
  t.teardown(() => cache.close());
  await connected(cache);
  return { redis, cache };
}

/**
 * Wait until the first connection is up. `ready()` gives up after the short `timeout` these tests use, while the
 * client keeps connecting; a loaded machine can take longer than that to connect the first time.
 */
async function connected(cache: Cache): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      return await cache.ready();
    } catch (error) {
      if (i > 100) throw error;
      await sleep(50);
    }
  }
}

/** Settles, or fails the test: an operation that hangs is the bug these tests exist for. */
async function settles<T>(t: ExecutionContext, promise: Promise<T>): Promise<PromiseSettledResult<T>> {
  const hang = sleep(5_000).then(() => 'hang' as const);
  const result = await Promise.race([Promise.allSettled([promise]).then(([r]) => r!), hang]);
  if (result === 'hang') t.fail('the cache operation hung');
  return result as PromiseSettledResult<T>;
}

function code(result: PromiseSettledResult<unknown>): string | undefined {
  return result.status === 'rejected' ? (result.reason as { code?: string }).code : undefined;
}

/** Retry until the client has reconnected: ioredis retries every 100 ms to 1 s. */
async function recovered(cache: Cache): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await cache.set('probe', 1);
      return;
    } catch {
      await sleep(50);
    }
  }
  throw new Error('the cache never recovered');
}

test("bypass: with Redis stopped, reads miss and getOrLoad computes without the cache; writes fail with a coded error; it recovers when Redis restarts", async (t) => {
  const { redis, cache } = await setup(t);
  await cache.set('k', 'cached');
  await redis.stop();

  const read = await settles(t, cache.get('k'));
  t.deepEqual(read, { status: 'fulfilled', value: undefined });
  let runs = 0;
  const loaded = await settles(t, cache.getOrLoad('k', () => `computed ${++runs}`));
  t.deepEqual(loaded, { status: 'fulfilled', value: 'computed 1' });
  t.is(code(await settles(t, cache.set('k', 'x'))), 'LOOPSAFE_ERR_CACHE_UNAVAILABLE');
  t.is(code(await settles(t, cache.delete('k'))), 'LOOPSAFE_ERR_CACHE_UNAVAILABLE');

  await redis.start();
  await recovered(cache);
  t.is(await cache.getOrLoad('k', () => `computed ${++runs}`), 'computed 2', 'the restarted Redis is empty: loaded again');
  t.is(await cache.getOrLoad('k', () => `computed ${++runs}`), 'computed 2', 'and cached again');
  t.is(runs, 2);
});

test("fail: with Redis stopped, every operation rejects with LOOPSAFE_ERR_CACHE_UNAVAILABLE and the loader does not run", async (t) => {
  const { redis, cache } = await setup(t, { onUnavailable: 'fail' });
  await redis.stop();
  let runs = 0;
  t.is(code(await settles(t, cache.get('k'))), 'LOOPSAFE_ERR_CACHE_UNAVAILABLE');
  t.is(code(await settles(t, cache.getOrLoad('k', () => ++runs))), 'LOOPSAFE_ERR_CACHE_UNAVAILABLE');
  t.is(runs, 0);
  await redis.start();
  await recovered(cache);
  t.is(await cache.getOrLoad('k', () => ++runs), 1);
});

test('a frozen Redis (connection open, no answers) times operations out instead of hanging the request', async (t) => {
  const { redis, cache } = await setup(t);
  await cache.set('k', 'v');
  redis.pause();
  t.teardown(() => redis.resume());
  t.deepEqual(await settles(t, cache.get('k')), { status: 'fulfilled', value: undefined });
  t.deepEqual(await settles(t, cache.getOrLoad('k', () => 'computed')), { status: 'fulfilled', value: 'computed' });
  t.is(code(await settles(t, cache.set('k', 'x'))), 'LOOPSAFE_ERR_CACHE_UNAVAILABLE');
  redis.resume();
  await recovered(cache);
  // A timed-out write has an unknown outcome: it was sent, and Redis may apply it when it thaws. It was never
  // acknowledged, so the caller was told it might not have happened; either value is a value someone wrote.
  t.true(['v', 'x'].includes((await cache.get<string>('k'))!));
  await cache.set('k', 'after');
  t.is(await cache.get('k'), 'after');
});

test('every write acknowledged while Redis is up is readable afterwards, including under concurrency', async (t) => {
  // Redis stays up here: the deadline only has to survive a loaded machine.
  const { redis, cache } = await setup(t, { timeout: 5_000 });
  const keys = Array.from({ length: 300 }, (_, i) => `acked:${i}`);
  await Promise.all(keys.map((k, i) => cache.set(k, { i })));
  // A generous deadline: on a loaded machine a timed-out read would be a bypassed miss, not a lost write.
  const reader = createCache({ backend: 'redis', redis: { url: redis.url }, timeout: 5_000 });
  t.teardown(() => reader.close());
  const values = await Promise.all(keys.map((k) => reader.get<{ i: number }>(k)));
  t.deepEqual(values.map((v) => v?.i), keys.map((_, i) => i));
});

test('a process waiting for another one\'s load is released when Redis goes away, and computes itself (bypass)', async (t) => {
  const { redis, cache: holder } = await setup(t);
  const waiter = createCache({ backend: 'redis', redis: { url: redis.url }, timeout: 200 });
  const raw = new Redis(redis.url);
  t.teardown(() => waiter.close());
  t.teardown(() => raw.disconnect());
  await connected(waiter);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const holding = holder.getOrLoad('slow', async () => {
    await gate;
    return 'holder';
  });
  await until(async () => (await raw.exists('loopsafe:__lock:slow')) === 1);
  const waiting = waiter.getOrLoad('slow', () => 'waiter');
  // The waiter subscribes to the load notifications before it waits.
  await until(async () => ((await raw.pubsub('NUMSUB', 'loopsafe:__loaded')) as [string, number])[1] === 1);
  raw.disconnect();
  await redis.stop();
  t.deepEqual(await settles(t, waiting), { status: 'fulfilled', value: 'waiter' });
  release();
  t.deepEqual(await settles(t, holding), { status: 'fulfilled', value: 'holder' });
});

for (const onUnavailable of ['bypass', 'fail'] as const) {
  test(`${onUnavailable}: a process waiting for another one's load while Redis freezes is released by the deadline, not the lock timeout`, async (t) => {
    // A lock timeout far beyond the hang guard: a waiter that waits for the lock or for Redis to thaw hangs the test.
    const { redis, cache: holder } = await setup(t, { lockTtl: 60_000 });
    const waiter = createCache({ backend: 'redis', redis: { url: redis.url }, timeout: 200, lockTtl: 60_000, onUnavailable });
    const raw = new Redis(redis.url);
    t.teardown(() => waiter.close());
    t.teardown(() => raw.disconnect());
    await connected(waiter);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const holding = holder.getOrLoad('slow', async () => {
      await gate;
      return 'holder';
    });
    await until(async () => (await raw.exists('loopsafe:__lock:slow')) === 1);
    let runs = 0;
    const waiting = waiter.getOrLoad('slow', () => `waiter ${++runs}`);
    await until(async () => ((await raw.pubsub('NUMSUB', 'loopsafe:__loaded')) as [string, number])[1] === 1);
    raw.disconnect();
    redis.pause();
    t.teardown(() => redis.resume());
    const result = await settles(t, waiting);
    if (onUnavailable === 'bypass') t.deepEqual(result, { status: 'fulfilled', value: 'waiter 1' });
    else t.is(code(result), 'LOOPSAFE_ERR_CACHE_UNAVAILABLE');
    t.is(runs, onUnavailable === 'bypass' ? 1 : 0);
    redis.resume();
    release();
    t.deepEqual(await settles(t, holding), { status: 'fulfilled', value: 'holder' });
    await recovered(waiter);
    t.is(await waiter.getOrLoad('slow', () => 'late'), 'holder', 'once Redis answers again, the stored load is shared');
  });
}

test('a container whose Redis is down at boot still boots; its cache bypasses, then works once Redis is up', async (t) => {
  const redis = await startRedis(t);
  await redis.stop();
  const container = createContainer({ providers: [provideCache({ backend: 'redis', redis: { url: redis.url }, timeout: 200 })] });
  t.teardown(() => container.dispose());
  await container.boot();
  const cache = await container.resolve(CacheToken);
  t.is(await cache.getOrLoad('k', () => 'computed'), 'computed');
  await redis.start();
  await recovered(cache);
  await cache.set('k', 'stored');
  t.is(await cache.get('k'), 'stored');
});
