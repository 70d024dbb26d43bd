// createApp's thread monitor (issues 15 and 20): its mode follows NODE_ENV unless the monitor option says otherwise,
// the boot log names the mode and why, it is replaceable, and it is closed with the app. Serial: tests set NODE_ENV.
import test from 'ava';
import { readFile } from 'node:fs/promises';
import fastify from 'fastify';
import { createContainer, createThreadMonitor, provide, token } from '../../src/index.js';
import { createApp, loopsafePlugin, route } from '../../src/fastify/index.js';

const Config = token<{ name: string }>('Config');
const providers = [provide(Config, { useValue: { name: 'app' } })];
const hello = route({ method: 'GET', url: '/', inject: [Config], handler: ([config]) => config });

/** Set NODE_ENV (undefined: unset) for one serial test, restored at its end. */
function withEnv(t: { teardown(fn: () => void): void }, value: string | undefined): void {
  const before = process.env['NODE_ENV'];
  const set = (v: string | undefined): void => {
    if (v === undefined) delete process.env['NODE_ENV'];
    else process.env['NODE_ENV'] = v;
  };
  set(value);
  t.teardown(() => set(before));
}

/** A logger stream that keeps the app's JSON log lines. */
function logLines(): { lines: Record<string, unknown>[]; stream: { write(line: string): void } } {
  const lines: Record<string, unknown>[] = [];
  return { lines, stream: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } };
}

const matrix: readonly [string | undefined, 'warn' | 'off', string][] = [
  [undefined, 'warn', 'NODE_ENV unset'],
  ['development', 'warn', 'NODE_ENV=development'],
  ['test', 'warn', 'NODE_ENV=test'],
  ['production', 'off', 'NODE_ENV=production'],
];

for (const [env, mode, reason] of matrix) {
  test.serial(`NODE_ENV ${env ?? 'unset'}: createApp's monitor is ${mode}, says why at boot, and ${mode === 'warn' ? 'names' : 'does not name'} a provider that offloads, over a real socket`, async (t) => {
    withEnv(t, env);
    const Flags = token<number>('Flags');
    const warnings: Error[] = [];
    const listener = (w: Error): void => void warnings.push(w);
    process.on('warning', listener);
    t.teardown(() => process.off('warning', listener));
    const log = logLines();
    const app = await createApp({
      providers: [provide(Flags, { lifetime: 'request', useFactory: async () => (await readFile(new URL(import.meta.url), 'utf8')).length })],
      routes: [route({ method: 'GET', url: '/flags', inject: [Flags], handler: ([flags]) => ({ flags }) })],
      fastify: { logger: { level: 'info', stream: log.stream } },
      shutdown: false,
    });
    t.teardown(() => app.close());
    const monitor = app.threadMonitor!;
    t.is(monitor.mode, mode);
    const boot = log.lines.find((l) => typeof l['msg'] === 'string' && (l['msg'] as string).startsWith('loopsafe: monitor:'));
    t.truthy(boot);
    t.true((boot!['msg'] as string).startsWith(`loopsafe: monitor: ${mode} (${reason})`), String(boot!['msg']));
    t.deepEqual((boot!['monitor'] as { mode: string; reason: string }).mode, mode);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const response = await fetch(`http://127.0.0.1:${port}/flags`);
    t.is(response.status, 200);
    await response.arrayBuffer();
    await new Promise((resolve) => setImmediate(resolve));
    const offload = warnings.find((w) => (w as { code?: string }).code === 'LOOPSAFE_ERR_THREAD_OFFLOAD');
    if (mode === 'warn') {
      t.regex(offload?.message ?? '', /GET \/flags -> Flags/);
      t.is(monitor.stats().offloads > 0, true);
    } else {
      t.is(offload, undefined);
      t.is(monitor.stats().offloads, 0);
      t.false(monitor.active, 'mode off: the container skips the monitor on every resolution');
    }
  });
}

for (const [env, mode, reason] of matrix) {
  test.serial(`NODE_ENV ${env ?? 'unset'}: loopsafePlugin gives a container without an observer a ${mode} monitor, over a real socket`, async (t) => {
    withEnv(t, env);
    const Flags = token<number>('Flags');
    const warnings: Error[] = [];
    const listener = (w: Error): void => void warnings.push(w);
    process.on('warning', listener);
    t.teardown(() => process.off('warning', listener));
    const log = logLines();
    const app = fastify({ logger: { level: 'info', stream: log.stream } });
    t.teardown(() => app.close());
    await app.register(loopsafePlugin, {
      container: createContainer({ providers: [provide(Flags, { lifetime: 'request', useFactory: async () => (await readFile(new URL(import.meta.url), 'utf8')).length })] }),
      routes: [route({ method: 'GET', url: '/flags', inject: [Flags], handler: ([flags]) => ({ flags }) })],
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const monitor = app.threadMonitor!;
    t.is(monitor.mode, mode);
    t.true(log.lines.some((l) => String(l['msg']).startsWith(`loopsafe: monitor: ${mode} (${reason})`)));
    const { port } = app.server.address() as { port: number };
    const response = await fetch(`http://127.0.0.1:${port}/flags`);
    t.is(response.status, 200);
    await response.arrayBuffer();
    await new Promise((resolve) => setImmediate(resolve));
    const named = warnings.some((w) => (w as { code?: string }).code === 'LOOPSAFE_ERR_THREAD_OFFLOAD' && /GET \/flags -> Flags/.test(w.message));
    t.is(named, mode === 'warn');
    await app.close();
    t.false(monitor.active, 'the plugin closed the monitor it made');
  });
}

test.serial('loopsafePlugin: a container with its own observer keeps it; an explicit monitor then is refused; false means none', async (t) => {
  withEnv(t, undefined);
  const mine = createThreadMonitor({ mode: 'throw' });
  t.teardown(() => mine.close());
  const kept = fastify();
  await kept.register(loopsafePlugin, { container: createContainer({ providers, observer: mine }), routes: [hello] });
  t.is(kept.threadMonitor, undefined, 'the container\'s observer is its watcher');
  await kept.close();
  const refused = fastify();
  const error = await t.throwsAsync(refused.register(loopsafePlugin, { container: createContainer({ providers, observer: mine }), routes: [hello], monitor: { mode: 'warn' } }));
  t.is((error as { code?: string }).code, 'LOOPSAFE_ERR_OPTION_INVALID');
  await refused.close().catch(() => {});
  const none = fastify();
  await none.register(loopsafePlugin, { container: createContainer({ providers }), routes: [hello], monitor: false });
  t.is(none.threadMonitor, undefined);
  await none.close();
  const explicit = fastify();
  await explicit.register(loopsafePlugin, { container: createContainer({ providers }), routes: [hello], monitor: { mode: 'throw' } });
  t.is(explicit.threadMonitor?.mode, 'throw');
  await explicit.close();
  const misspelt = fastify();
  const bad = await t.throwsAsync(misspelt.register(loopsafePlugin, { container: createContainer({ providers }), routes: [hello], monitor: { mod: 'warn' } as never }));
  t.is((bad as { code?: string }).code, 'LOOPSAFE_ERR_OPTION_INVALID');
  await misspelt.close().catch(() => {});
});

test.serial('an explicit monitor option wins over NODE_ENV, and the boot log says so', async (t) => {
  for (const env of ['production', undefined]) {
    withEnv(t, env);
    const log = logLines();
    const app = await createApp({ providers, routes: [hello], monitor: { mode: 'throw' }, fastify: { logger: { level: 'info', stream: log.stream } }, shutdown: false });
    t.is(app.threadMonitor!.mode, 'throw');
    t.true(log.lines.some((l) => String(l['msg']).startsWith('loopsafe: monitor: throw (monitor option)')));
    await app.close();
  }
  withEnv(t, 'production');
  const log = logLines();
  const none = await createApp({ providers, routes: [hello], monitor: false, fastify: { logger: { level: 'info', stream: log.stream } }, shutdown: false });
  t.true(log.lines.some((l) => String(l['msg']).startsWith('loopsafe: monitor: none (monitor option)')));
  await none.close();
});

test.serial('monitor options without a mode keep the environment\'s mode and its reason', async (t) => {
  for (const [env, mode, reason] of matrix) {
    withEnv(t, env);
    const log = logLines();
    const app = await createApp({ providers, routes: [hello], monitor: { captureStacks: false }, fastify: { logger: { level: 'info', stream: log.stream } }, shutdown: false });
    t.is(app.threadMonitor!.mode, mode);
    t.true(log.lines.some((l) => String(l['msg']).startsWith(`loopsafe: monitor: ${mode} (${reason})`)));
    await app.close();
  }
});

test.serial('the default samples the OS thread count, and closes its monitor with the app', async (t) => {
  withEnv(t, 'production');
  const app = await createApp({ providers, routes: [hello], shutdown: false });
  const monitor = app.threadMonitor!;
  t.is((await app.inject('/')).statusCode, 200);
  await new Promise((resolve) => setTimeout(resolve, 1100)); // one sampler tick
  t.true((monitor.stats().threads ?? 0) > 0, 'the thread count was sampled');
  await app.close();
  const after = monitor.stats().threads;
  await new Promise((resolve) => setTimeout(resolve, 1100));
  t.is(monitor.stats().threads, after, 'a closed monitor samples no more');
});

test.serial('monitor options make the app build that monitor: warn names the provider that offloads, with the route', async (t) => {
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

test.serial('your own monitor is used and left open; false or your own observer means no monitor', async (t) => {
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
