// createApp's thread monitor (issue 15): on by default at no per-resolution cost, replaceable, and closed with the app.
import test from 'ava';
import { readFile } from 'node:fs/promises';
import { createThreadMonitor, provide, token } from '../../src/index.js';
import { createApp, route } from '../../src/fastify/index.js';

const Config = token<{ name: string }>('Config');
const providers = [provide(Config, { useValue: { name: 'app' } })];
const hello = route({ method: 'GET', url: '/', inject: [Config], handler: ([config]) => config });

test('by default the app samples the OS thread count, attributes nothing, and closes its monitor with the app', async (t) => {
  const app = await createApp({ providers, routes: [hello], shutdown: false });
  const monitor = app.threadMonitor!;
  t.is(monitor.mode, 'off');
  t.false(monitor.active, 'mode off: the container skips the monitor on every resolution');
  t.is((await app.inject('/')).statusCode, 200);
  await new Promise((resolve) => setTimeout(resolve, 1100)); // one sampler tick
  t.true((monitor.stats().threads ?? 0) > 0, 'the thread count was sampled');
  await app.close();
  const after = monitor.stats().threads;
  await new Promise((resolve) => setTimeout(resolve, 1100));
  t.is(monitor.stats().threads, after, 'a closed monitor samples no more');
});

test('monitor options make the app build that monitor: warn names the provider that offloads, with the route', async (t) => {
  const Flags = token<string>('Flags');
  const warnings: Error[] = [];
  const listener = (w: Error) => void warnings.push(w);
  process.on('warning', listener);
  t.teardown(() => process.off('warning', listener));
  const app = await createApp({
    providers: [provide(Flags, { lifetime: 'request', useFactory: () => readFile(new URL(import.meta.url), 'utf8') })],
    routes: [route({ method: 'GET', url: '/flags', inject: [Flags], handler: ([flags]) => flags.length })],
    monitor: { mode: 'warn' },
    shutdown: false,
  });
  t.teardown(() => app.close());
  t.is(app.threadMonitor!.mode, 'warn');
  t.is((await app.inject('/flags')).statusCode, 200);
  await new Promise((resolve) => setImmediate(resolve));
  const offload = warnings.find((w) => (w as { code?: string }).code === 'LOOPSAFE_ERR_THREAD_OFFLOAD');
  t.truthy(offload);
  t.regex(offload!.message, /GET \/flags -> Flags/);
});

test('your own monitor is used and left open; false or your own observer means no monitor', async (t) => {
  const mine = createThreadMonitor({ mode: 'warn' });
  t.teardown(() => mine.close());
  const app = await createApp({ providers, routes: [hello], monitor: mine, shutdown: false });
  t.is(app.threadMonitor, mine);
  await app.close();
  t.true(mine.active, 'still open after the app closed (a closed monitor goes inactive)');
  const none = await createApp({ providers, routes: [hello], monitor: false, shutdown: false });
  t.is(none.threadMonitor, undefined);
  await none.close();
  const observed = await createApp({ providers, routes: [hello], observer: mine, shutdown: false });
  t.is(observed.threadMonitor, undefined);
  await observed.close();
});
