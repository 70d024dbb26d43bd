import test from 'ava';
import { Registry } from 'prom-client';
import { createApp, route } from '../../src/fastify/index.js';
import { createCache, createContainer, createLoopsafeMetrics, provide, token } from '../../src/index.js';

// Metrics come from process-wide channels: one test at a time.

const Greeting = token<string>('Greeting');
const Session = token<{ id: number }>('Session');

async function values(registry: Registry, name: string): Promise<Record<string, number>> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const out: Record<string, number> = {};
  for (const v of (metric?.values ?? []) as { labels: Record<string, string | number>; value: number }[]) {
    out[Object.values(v.labels).join(',') || '-'] = v.value;
  }
  return out;
}

test.serial('factory runs by provider, open scopes and disposal failures are read at scrape time from a real app', async (t) => {
  const registry = new Registry();
  const metrics = createLoopsafeMetrics({ registry });
  t.teardown(() => metrics.close());
  let fail = false;
  const app = await createApp({
    providers: [
      provide(Greeting, { useValue: 'hello' }),
      provide(Session, { lifetime: 'request', useFactory: async () => ({ id: 1 }), dispose: () => { if (fail) throw new Error('close failed'); } }),
    ],
    routes: [route({ method: 'GET', url: '/hello', inject: [Greeting, Session], handler: ([g, s]) => `${g} ${s.id}` })],
    shutdown: false,
  });
  t.teardown(() => app.close());
  for (let i = 0; i < 3; i++) t.is((await app.inject('/hello')).body, 'hello 1');
  fail = true;
  await app.inject('/hello');
  // The scope is disposed once the response is sent; wait for the gauge to say so (bounded by ava's timeout).
  while ((await values(registry, 'loopsafe_scopes_open'))['-'] !== 0) await new Promise((resolve) => setImmediate(resolve));
  t.is((await values(registry, 'loopsafe_factory_runs_total'))['Session'], 4);
  t.true((await values(registry, 'loopsafe_factory_seconds_total'))['Session']! > 0);
  t.deepEqual(await values(registry, 'loopsafe_disposal_failures_total'), { scope: 1 });
  t.is((await values(registry, 'loopsafe_factory_runs_total'))['Session'], 4, 'a second scrape does not count twice');
});

test.serial('cache hits, misses and loads are counted', async (t) => {
  const registry = new Registry();
  const metrics = createLoopsafeMetrics({ registry });
  t.teardown(() => metrics.close());
  const cache = createCache();
  t.teardown(() => cache.close());
  await cache.ready();
  t.is(await cache.getOrLoad('a', () => 1), 1);
  t.is(await cache.getOrLoad('a', () => 2), 1);
  t.is(await cache.get('b'), undefined);
  t.deepEqual(await values(registry, 'loopsafe_cache_events_total'), { miss: 2, load: 1, hit: 1 });
});

test.serial('the last container disposal time is a gauge; a failed one is counted', async (t) => {
  const registry = new Registry();
  const metrics = createLoopsafeMetrics({ registry });
  t.teardown(() => metrics.close());
  const container = createContainer({ providers: [provide(Greeting, { useFactory: () => 'x', dispose: () => { throw new Error('no'); } })] });
  await container.resolve(Greeting);
  await t.throwsAsync(container.dispose(), { code: 'LOOPSAFE_ERR_DISPOSAL_FAILED' });
  t.true((await values(registry, 'loopsafe_container_dispose_seconds'))['-']! >= 0);
  t.deepEqual(await values(registry, 'loopsafe_disposal_failures_total'), { container: 1 });
});

test.serial('a registry that is not one is refused with LOOPSAFE_ERR_OPTION_INVALID', (t) => {
  t.throws(() => createLoopsafeMetrics({ registry: {} as Registry }), { code: 'LOOPSAFE_ERR_OPTION_INVALID' });
});

test.serial('a misspelt option is refused with the name meant, like every other options object', (t) => {
  const error = t.throws(() => createLoopsafeMetrics({ registry: new Registry(), regsitry: 1 } as never), { code: 'LOOPSAFE_ERR_OPTION_INVALID' }) as unknown as { suggestion?: string };
  t.is(error.suggestion, 'registry');
});
