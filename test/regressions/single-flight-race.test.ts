// Single flight across processes must hold when a load finishes between another caller's miss and its lock
// attempt. 0.1 took the lock with a plain SET NX after the miss, so that caller found the lock free (the first load
// had just released it) and ran the loader a second time. The lock is now taken only while the value is missing.
import test from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import { createCache, type Cache } from '../../src/index.js';
import { fileOwner, startRedis } from '../helpers/redis.js';

const redisUrl = startRedis(fileOwner(test)).then((r) => r.url);

test('many clients racing on many keys with an instant loader run each loader once', async (t) => {
  const url = await redisUrl;
  // Separate caches are separate connections, as separate processes would have; a generous deadline so that a
  // slow machine never bypasses the cache (that would be a second load by design, not this race).
  const caches: Cache[] = Array.from({ length: 12 }, () => createCache({ backend: 'redis', redis: { url }, prefix: 'race:', timeout: 10_000 }));
  t.teardown(() => Promise.all(caches.map((c) => c.close())));
  await Promise.all(caches.map((c) => c.get('warm')));
  const runs = new Map<string, number>();
  const keys = Array.from({ length: 200 }, (_, i) => `k${i}`);
  // Callers arrive spread over a few milliseconds, so some read their miss just before another's load is stored.
  await Promise.all(keys.flatMap((key, k) => caches.map(async (cache, c) => {
    await sleep((k * 7 + c * 3) % 6);
    return cache.getOrLoad(key, async () => {
      runs.set(key, (runs.get(key) ?? 0) + 1);
      return key;
    });
  })));
  const twice = keys.filter((k) => runs.get(k) !== 1);
  t.deepEqual(twice.length, 0, `${twice.length} of ${keys.length} loaders ran more than once, e.g. ${twice.slice(0, 5).join(', ')}`);
});
