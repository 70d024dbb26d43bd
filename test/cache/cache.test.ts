import test, { type ExecutionContext } from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { CacheToken, createCache, createContainer, provideCache, type Cache, type CacheOptions } from '../../src/index.js';
import { fileOwner, startRedis, until } from '../helpers/redis.js';

type Backend = 'memory' | 'redis';
// One redis-server for the whole file, killed when the file ends; each test uses its own key prefix.
const redisUrl = startRedis(fileOwner(test)).then((r) => r.url);
let prefixes = 0;

/** A cache on the given backend; each test gets its own Redis prefix, so tests never see each other's keys. */
async function open(t: ExecutionContext, backend: Backend, options: CacheOptions = {}): Promise<Cache> {
  const extra: CacheOptions = {};
  if (backend === 'redis') {
    extra.redis = { url: await redisUrl };
    extra.prefix = `t${++prefixes}:`;
    // A loaded machine can take longer than the 500 ms default to answer; a timed-out read would bypass the cache
    // and run a loader twice. Outages are tested in redis-outage.test.ts.
    extra.timeout = 5_000;
  }
  const cache = createCache({ backend, ...extra, ...options });
  t.teardown(() => cache.close());
  return cache;
}

for (const backend of ['memory', 'redis'] as const) {
  test(`${backend}: get misses, set then get returns an equal fresh copy each time`, async (t) => {
    const cache = await open(t, backend);
    t.is(await cache.get('user:1'), undefined);
    const user = { id: 1, name: 'Ada', tags: ['a', 'b'], nested: { ok: true, n: null } };
    await cache.set('user:1', user);
    const first = await cache.get<typeof user>('user:1');
    t.deepEqual(first, user);
    first!.tags.push('mutated');
    t.deepEqual(await cache.get('user:1'), user, 'mutating a read does not change the cache');
  });

  test(`${backend}: entries expire after their ttl, and the cache-wide ttl is the default`, async (t) => {
    const cache = await open(t, backend, { ttl: 40 });
    await cache.set('short', 1, { ttl: 20 });
    await cache.set('default', 2);
    await cache.set('forever', 3, { ttl: 0 });
    await sleep(60);
    t.is(await cache.get('short'), undefined);
    t.is(await cache.get('default'), undefined);
    t.is(await cache.get('forever'), 3);
  });

  test(`${backend}: delete removes a key and says whether it was there`, async (t) => {
    const cache = await open(t, backend);
    await cache.set('k', 'v');
    t.true(await cache.delete('k'));
    t.false(await cache.delete('k'));
    t.is(await cache.get('k'), undefined);
  });

  test(`${backend}: getOrLoad runs the loader once for many concurrent callers, then serves hits`, async (t) => {
    const cache = await open(t, backend);
    let runs = 0;
    const loader = async (): Promise<{ n: number }> => {
      runs++;
      await sleep(20);
      return { n: 42 };
    };
    const results = await Promise.all(Array.from({ length: 30 }, () => cache.getOrLoad('answer', loader)));
    t.is(runs, 1);
    for (const r of results) t.deepEqual(r, { n: 42 });
    t.not(results[0], results[1], 'every caller gets its own copy');
    t.deepEqual(await cache.getOrLoad('answer', loader), { n: 42 });
    t.is(runs, 1);
    t.deepEqual(await cache.get('answer'), { n: 42 });
  });

  test(`${backend}: a failing loader rejects every waiter and is not cached`, async (t) => {
    const cache = await open(t, backend);
    let runs = 0;
    const failing = async (): Promise<number> => {
      runs++;
      await sleep(5);
      throw new Error('db down');
    };
    const results = await Promise.allSettled([cache.getOrLoad('x', failing), cache.getOrLoad('x', failing)]);
    t.is(runs, 1);
    for (const r of results) t.is(r.status === 'rejected' && (r.reason as Error).message, 'db down');
    t.is(await cache.getOrLoad('x', () => 7), 7);
  });

  test(`${backend}: values JSON would change are refused at set with a coded error, and nothing is stored`, async (t) => {
    const cache = await open(t, backend);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    class User {
      id = 1;
    }
    const bad: unknown[] = [new Date(), new Map([[1, 2]]), () => 1, Number.NaN, Infinity, 10n, undefined, cycle, new User(),
      { at: { when: new Date() } }, [1, , 3], Symbol('s'), { [Symbol('k')]: 1 }];
    for (const value of bad) {
      await t.throwsAsync(cache.set('bad', value), { code: 'LOOPSAFE_ERR_CACHE_UNSERIALIZABLE' });
    }
    t.is(await cache.get('bad'), undefined);
    await t.throwsAsync(cache.getOrLoad('bad', () => new Date()), { code: 'LOOPSAFE_ERR_CACHE_UNSERIALIZABLE' });
    t.is(await cache.get('bad'), undefined);
  });

  test(`${backend}: a custom serializer stores what strict JSON refuses`, async (t) => {
    const cache = await open(t, backend, {
      serializer: { serialize: (v) => String((v as Date).getTime()), deserialize: (d) => new Date(Number(d)) },
    });
    const when = new Date(1_700_000_000_000);
    await cache.set('when', when);
    t.deepEqual(await cache.get('when'), when);
  });

  test(`${backend}: a closed cache refuses operations with a coded error`, async (t) => {
    const cache = await open(t, backend);
    await cache.close();
    await t.throwsAsync(async () => cache.get('k'), { code: 'LOOPSAFE_ERR_CACHE_CLOSED' });
    await t.throwsAsync(async () => cache.set('k', 1), { code: 'LOOPSAFE_ERR_CACHE_CLOSED' });
  });

  test(`${backend}: provideCache registers an eager singleton the container closes on dispose`, async (t) => {
    const options: CacheOptions = backend === 'redis' ? { backend, redis: { url: await redisUrl }, prefix: `p${++prefixes}:` } : {};
    const container = createContainer({ providers: [provideCache(options)] });
    await container.boot();
    const cache = await container.resolve(CacheToken);
    t.is(await container.resolve(CacheToken), cache);
    await cache.set('k', 1);
    t.is(await cache.get('k'), 1);
    await container.dispose();
    await t.throwsAsync(async () => cache.get('k'), { code: 'LOOPSAFE_ERR_CACHE_CLOSED' });
  });
}

test('bad options are refused when the cache is created, not at the first operation', (t) => {
  const bad: CacheOptions[] = [
    { backend: 'memcached' as 'memory' }, { ttl: -1 }, { timeout: 0 }, { lockTtl: 1.5 }, { onUnavailable: 'retry' as 'fail' },
    { maxEntries: 0 }, { maxEntries: 2.5 }, { maxEntries: Infinity }, { backend: 'redis', redis: { cluster: [] } },
    { backend: 'redis', redis: { cluster: ['127.0.0.1:7000'] } },
    { backend: 'redis', redis: { cluster: ['rediss://127.0.0.1:7000'] } }, { backend: 'redis', redis: { cluster: ['redis://user:pw@127.0.0.1:7000'] } }, { backend: 'redis', prefix: '{app}:', redis: { cluster: ['redis://127.0.0.1:7000'] } },
    { serializer: {} as never }, { backend: 'redis', redis: { url: 'http://127.0.0.1' } },
  ];
  for (const options of bad) {
    t.throws(() => createCache(options), { code: 'LOOPSAFE_ERR_OPTION_INVALID' });
    t.throws(() => provideCache(options), { code: 'LOOPSAFE_ERR_OPTION_INVALID' });
  }
});

test('memory: past maxEntries, writing evicts the least recently used entry; a read counts as a use', async (t) => {
  const cache = await open(t, 'memory', { maxEntries: 3 });
  await cache.set('a', 1);
  await cache.set('b', 2);
  await cache.set('c', 3);
  t.is(await cache.get('a'), 1);
  await cache.set('d', 4);
  t.is(await cache.get('b'), undefined, 'b was the least recently used');
  t.deepEqual(await Promise.all(['a', 'c', 'd'].map((k) => cache.get(k))), [1, 3, 4]);
  t.is(await cache.getOrLoad('e', () => 5), 5);
  t.is(await cache.get('a'), undefined, 'a loaded entry counts as a write too');
});

test('memory: the default bound is 10,000 entries', async (t) => {
  const cache = await open(t, 'memory');
  for (let i = 0; i <= 10_000; i++) await cache.set(`k${i}`, i);
  t.is(await cache.get('k0'), undefined);
  t.is(await cache.get('k1'), 1);
  t.is(await cache.get('k10000'), 10_000);
});

test('redis: a value written through one client is read through another with the same prefix, not another prefix', async (t) => {
  const url = await redisUrl;
  const a = createCache({ backend: 'redis', redis: { url }, prefix: 'shared:' });
  const b = createCache({ backend: 'redis', redis: { url }, prefix: 'shared:' });
  const other = createCache({ backend: 'redis', redis: { url }, prefix: 'other:' });
  t.teardown(() => Promise.all([a.close(), b.close(), other.close()]));
  await a.set('greeting', { text: 'hi' });
  t.deepEqual(await b.get('greeting'), { text: 'hi' });
  t.is(await other.get('greeting'), undefined);
});

test('redis: concurrent getOrLoad through separate connections runs the loader once (single flight across clients)', async (t) => {
  const url = await redisUrl;
  const clients = Array.from({ length: 5 }, () => createCache({ backend: 'redis', redis: { url }, prefix: 'flight:' }));
  t.teardown(() => Promise.all(clients.map((c) => c.close())));
  await Promise.all(clients.map((c) => c.ready()));
  let runs = 0;
  const loader = async (): Promise<string> => {
    runs++;
    await sleep(50);
    return 'computed';
  };
  const results = await Promise.all(Array.from({ length: 50 }, (_, i) => clients[i % clients.length]!.getOrLoad('hot', loader)));
  t.is(runs, 1);
  t.true(results.every((r) => r === 'computed'));
});

test('redis: when the lock holder fails, a waiting client loads the key itself', async (t) => {
  const url = await redisUrl;
  const [a, b] = [0, 1].map(() => createCache({ backend: 'redis', redis: { url }, prefix: 'retry:' })) as [Cache, Cache];
  const raw = new Redis(url);
  t.teardown(() => Promise.all([a.close(), b.close(), raw.quit()]));
  await Promise.all([a.ready(), b.ready()]);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const failing = a.getOrLoad('k', async () => {
    await gate;
    throw new Error('boom');
  });
  await until(async () => (await raw.exists('retry:__lock:k')) === 1); // a holds the lock; b has to wait for it
  const waiting = b.getOrLoad('k', () => 'from b');
  release();
  await t.throwsAsync(failing, { message: 'boom' });
  t.is(await waiting, 'from b');
});

test('redis: data another program stored under a key is a coded decode error, not garbage', async (t) => {
  const url = await redisUrl;
  const raw = new Redis(url);
  t.teardown(() => raw.quit());
  const cache = createCache({ backend: 'redis', redis: { url }, prefix: 'corrupt:' });
  t.teardown(() => cache.close());
  await raw.set('corrupt:k', '{not json');
  await t.throwsAsync(cache.get('k'), { code: 'LOOPSAFE_ERR_CACHE_CORRUPT' });
});
