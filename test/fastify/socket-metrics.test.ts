// The metrics of a request's life over a real socket (issue 21, point 5): the twin of test/observe/metrics.test.ts's
// app test, which used only inject(), plus a client that leaves mid-handler. Metrics come from process-wide
// channels: one test at a time.
import test from 'ava';
import { Registry } from 'prom-client';
import { createApp, FastifyRequestToken, route } from '../../src/fastify/index.js';
import { createLoopsafeMetrics, provide, token } from '../../src/index.js';
import { call, Journal, originOf, signal } from '../helpers/http.js';

const Session = token<{ tag: string }>('Session');

async function values(registry: Registry, name: string): Promise<Record<string, number>> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const out: Record<string, number> = {};
  for (const v of (metric?.values ?? []) as { labels: Record<string, string | number>; value: number }[]) {
    out[Object.values(v.labels).join(',') || '-'] = v.value;
  }
  return out;
}
const openScopes = async (registry: Registry): Promise<number | undefined> => (await values(registry, 'loopsafe_scopes_open'))['-'];

test.serial('over a socket: factory runs, open scopes and disposal failures, with a client that left mid-handler holding its scope open', async (t) => {
  const registry = new Registry();
  const metrics = createLoopsafeMetrics({ registry });
  t.teardown(() => metrics.close());
  const journal = new Journal();
  const release = signal();
  const app = await createApp({
    providers: [provide(Session, {
      lifetime: 'request',
      inject: [FastifyRequestToken],
      useFactory: async (request) => ({ tag: String(request.headers['x-tag']) }),
      dispose: (session) => {
        journal.add(`dispose ${session.tag}`);
        if (session.tag === 'broken') throw new Error('close failed');
      },
    })],
    routes: [route({ method: 'GET', url: '/hello', inject: [Session], handler: async ([session], _request, reply) => {
      if (session.tag !== 'leaves') return `hello ${session.tag}`;
      reply.raw.once('close', () => journal.add('client gone'));
      journal.add('handler entered');
      await release.promise;
      return 'too late';
    } })],
    shutdown: false,
  });
  t.teardown(() => app.close());
  const origin = await originOf(app);
  for (const tag of ['a', 'b', 'c']) t.is((await call(origin, '/hello', { headers: { 'x-tag': tag } })).body, `hello ${tag}`);
  await journal.until('dispose c');
  // The gauge is read at scrape time; a scope's bookkeeping ends a few turns after its disposer ran.
  const settled = async (): Promise<void> => {
    while ((await openScopes(registry)) !== 0) await new Promise((resolve) => setImmediate(resolve));
  };
  await settled();

  const controller = new AbortController();
  const left = call(origin, '/hello', { headers: { 'x-tag': 'leaves' }, signal: controller.signal }).catch((error: Error) => error.name);
  await journal.until('handler entered');
  controller.abort();
  t.is(await left, 'AbortError');
  await journal.until('client gone');
  t.is(await openScopes(registry), 1, 'the abandoned request still holds its scope while its handler runs');
  release.resolve();
  await journal.until('dispose leaves');

  t.is((await call(origin, '/hello', { headers: { 'x-tag': 'broken' } })).status, 200);
  await journal.until('dispose broken');
  await settled();
  t.is((await values(registry, 'loopsafe_factory_runs_total'))['Session'], 5);
  t.deepEqual(await values(registry, 'loopsafe_disposal_failures_total'), { scope: 1 });
});
