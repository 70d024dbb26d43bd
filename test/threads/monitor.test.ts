import test from 'ava';
import { randomBytes, randomUUID } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { Registry } from 'prom-client';
import {
  countThreads, createContainer, createThreadMonitor, threadChannels, token, LoopsafeError,
  type OffloadFinding, type ThreadSample,
} from '../../src/index.js';

const self = new URL(import.meta.url);
const Config = token<number>('Config');
const App = token<{ config: number }>('App');

function app(configFactory: () => unknown, monitor: ReturnType<typeof createThreadMonitor>) {
  return createContainer({
    observer: monitor,
    providers: [
      { key: Config, def: { useFactory: configFactory as () => number } },
      { key: App, def: { inject: [Config], useFactory: (config: unknown) => ({ config }) } },
    ],
  });
}

/** The rejection of a resolution, typed with the fields these tests read. */
async function rejection(promise: Promise<unknown>): Promise<Error & { code: string; path: string[] }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code: string; path: string[] };
  }
  throw new Error('expected a rejection');
}

/** Collect process warnings with a loopsafe code while `fn` runs. */
async function warningsDuring(fn: () => Promise<unknown>): Promise<(Error & { code?: string })[]> {
  const seen: (Error & { code?: string })[] = [];
  const listener = (w: Error & { code?: string }): void => {
    if (w.code?.startsWith('LOOPSAFE_')) seen.push(w);
  };
  process.on('warning', listener);
  try {
    await fn();
    await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
  } finally {
    process.off('warning', listener);
  }
  return seen;
}

test.serial('mode throw fails the resolution with LOOPSAFE_ERR_THREAD_OFFLOAD naming the path and the work', async (t) => {
  const monitor = createThreadMonitor({ mode: 'throw' });
  t.teardown(() => monitor.close());
  const c = app(async () => (await readFile(self)).length, monitor);
  const error = await rejection(c.resolve(App));
  t.is(error.code, 'LOOPSAFE_ERR_THREAD_OFFLOAD');
  t.deepEqual(error.path, ['App', 'Config']);
  const work = (error as unknown as { work: OffloadFinding[] }).work;
  t.is(work[0]!.kind, 'fs');
  t.deepEqual(work[0]!.path, ['App', 'Config']);
  t.regex(work[0]!.site?.user ?? '', /monitor\.test\.(js|ts):\d+:\d+$/);
  t.regex(error.message, /App -> Config/);
  // Nothing was cached: the next resolve runs the factory again and fails again.
  t.is((await rejection(c.resolve(App))).code, 'LOOPSAFE_ERR_THREAD_OFFLOAD');
});

test.serial('mode throw lets sync randomBytes, randomUUID and plain async factories through', async (t) => {
  const monitor = createThreadMonitor({ mode: 'throw' });
  t.teardown(() => monitor.close());
  const c = app(async () => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return randomBytes(8).length + randomUUID().length;
  }, monitor);
  t.deepEqual(await c.resolve(App), { config: 44 });
  t.is(monitor.stats().offloads, 0);
  t.is(monitor.stats().resolutions, 2);
});

test.serial('mode warn resolves and emits one coded warning per provider and site, however often it runs', async (t) => {
  const monitor = createThreadMonitor({ mode: 'warn' });
  t.teardown(() => monitor.close());
  const Req = token<number>('Req');
  const c = createContainer({
    observer: monitor,
    providers: [{ key: Req, def: { lifetime: 'transient', useFactory: async () => (await readFile(self)).length } }],
  });
  const warnings = await warningsDuring(async () => {
    for (let i = 0; i < 3; i++) await c.resolve(Req);
  });
  t.deepEqual(warnings.map((w) => w.code), ['LOOPSAFE_ERR_THREAD_OFFLOAD']);
  t.regex(warnings[0]!.message, /Req/);
  t.true(monitor.stats().offloads >= 3);
});

test.serial('mode off watches nothing per resolution and never warns', async (t) => {
  const monitor = createThreadMonitor({ mode: 'off' });
  t.teardown(() => monitor.close());
  t.false(monitor.active); // the container skips it: no trail, no call
  const c = app(async () => (await readFile(self)).length, monitor);
  const warnings = await warningsDuring(() => c.resolve(App));
  t.deepEqual(warnings, []);
  t.is(monitor.stats().offloads, 0);
  t.is(monitor.stats().resolutions, 0);
});

test.serial('work a factory leaves running after it settled is reported as a warning, not thrown', async (t) => {
  const monitor = createThreadMonitor({ mode: 'throw' });
  t.teardown(() => monitor.close());
  let done!: () => void;
  const late = new Promise<void>((resolve) => (done = resolve));
  const c = app(() => {
    setTimeout(() => void readFile(self).then(() => done()), 1);
    return 1;
  }, monitor);
  const warnings = await warningsDuring(async () => {
    t.deepEqual(await c.resolve(App), { config: 1 });
    await late;
  });
  t.deepEqual(warnings.map((w) => w.code), ['LOOPSAFE_ERR_THREAD_OFFLOAD']);
  t.regex(warnings[0]!.message, /Timeout created by the factory of Config .* after the factory had settled/);
});

test.serial('a factory over the loop-block budget fails with LOOPSAFE_ERR_THREAD_LOOP_BLOCKED in mode throw', async (t) => {
  const monitor = createThreadMonitor({ mode: 'throw', loopBlockBudgetMs: 5 });
  t.teardown(() => monitor.close());
  const c = app(() => {
    const start = process.threadCpuUsage();
    while (process.threadCpuUsage(start).user < 30_000); // 30 ms of CPU, however loaded the machine is
    return 1;
  }, monitor);
  const error = await rejection(c.resolve(App));
  t.is(error.code, 'LOOPSAFE_ERR_THREAD_LOOP_BLOCKED');
  t.deepEqual(error.path, ['App', 'Config']);
  t.true((error as unknown as { finding: { ms: number } }).finding.ms > 5); // over the budget it was given
});

test.serial('a factory blocked in a synchronous wait (no CPU spent) holds the loop too and is reported', async (t) => {
  const monitor = createThreadMonitor({ mode: 'throw', loopBlockBudgetMs: 5 });
  t.teardown(() => monitor.close());
  const c = app(() => {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 40); // like execSync or a slow readFileSync
    return 1;
  }, monitor);
  const error = await rejection(c.resolve(App));
  t.is(error.code, 'LOOPSAFE_ERR_THREAD_LOOP_BLOCKED');
  const finding = (error as unknown as { finding: { ms: number; ownMs: number | undefined } }).finding;
  t.true(finding.ms >= 40);
  t.true(finding.ownMs === undefined || finding.ownMs > 5);
});

test.serial('findings go out on the documented diagnostics channels', async (t) => {
  const monitor = createThreadMonitor({ mode: 'warn', loopBlockBudgetMs: 0 });
  t.teardown(() => monitor.close());
  const seen: OffloadFinding[] = [];
  const listener = (message: unknown): void => void seen.push(message as OffloadFinding);
  subscribe(threadChannels.offload, listener);
  t.teardown(() => unsubscribe(threadChannels.offload, listener));
  const c = app(() => new Promise((resolve) => setImmediate(() => resolve(readFile(self).then((b) => b.length)))), monitor);
  await warningsDuring(() => c.resolve(App));
  t.true(seen.length > 0);
  t.deepEqual(seen[0]!.path, ['App', 'Config']);
  t.is(threadChannels.offload, 'loopsafe:threads:offload');
});

test.serial('a Worker started by a factory is attributed through the worker_threads channel', async (t) => {
  const monitor = createThreadMonitor({ mode: 'throw' });
  t.teardown(() => monitor.close());
  const c = app(async () => {
    const worker = new Worker('0', { eval: true });
    await once(worker, 'exit');
    return 1;
  }, monitor);
  const error = await rejection(c.resolve(App));
  t.is(error.code, 'LOOPSAFE_ERR_THREAD_OFFLOAD');
  t.is((error as unknown as { work: OffloadFinding[] }).work[0]!.kind, 'worker');
});

test.serial('the sampler reads the OS thread count on an unref\'d timer and reports growth', async (t) => {
  const monitor = createThreadMonitor({ mode: 'off', sampleIntervalMs: 2 });
  t.teardown(() => monitor.close());
  const growth: ThreadSample[] = [];
  const listener = (message: unknown): void => void growth.push(message as ThreadSample);
  subscribe(threadChannels.growth, listener);
  t.teardown(() => unsubscribe(threadChannels.growth, listener));
  // Two workers: even if an earlier test's thread was still exiting when the sampler took its baseline, the count
  // now goes above it.
  const workers = [0, 1].map(() => new Worker('setInterval(() => {}, 1000)', { eval: true }));
  await Promise.all(workers.map((w) => once(w, 'online')));
  while (growth.length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
  await Promise.all(workers.map((w) => w.terminate()));
  t.true(growth[0]!.count > growth[0]!.max);
  t.true(monitor.stats().maxThreads! >= growth[0]!.count);
});

test.serial('a prom-client registry gets thread, offload and resolution metrics without glue', async (t) => {
  const registry = new Registry();
  const monitor = createThreadMonitor({ mode: 'warn', metrics: registry });
  t.teardown(() => monitor.close());
  const c = app(async () => (await readFile(self)).length, monitor);
  await warningsDuring(() => c.resolve(App));
  const text = await registry.metrics();
  t.regex(text, new RegExp(`^loopsafe_threads ${countThreads()}$`, 'm'));
  t.regex(text, /^loopsafe_resolutions_total 2$/m);
  t.regex(text, /^loopsafe_thread_offloads_total\{kind="fs"\} [1-9]/m);
  t.regex(text, /^loopsafe_loop_blocks_total 0$/m);
});

test.serial('countThreads reads the real count from /proc/self/task', (t) => {
  const status = readFileSync('/proc/self/status', 'utf8');
  t.is(countThreads(), Number(/^Threads:\s+(\d+)$/m.exec(status)![1]));
});

test.serial('bad options fail at once with LOOPSAFE_ERR_OPTION_INVALID', (t) => {
  for (const options of [{ mode: 'loud' }, { loopBlockBudgetMs: -1 }, { sampleIntervalMs: 0.5 }, { metrics: {} }]) {
    const error = t.throws(() => createThreadMonitor(options as never));
    t.true(LoopsafeError.is(error, 'LOOPSAFE_ERR_OPTION_INVALID'));
  }
});

test.serial('a closed monitor stops watching: its containers keep resolving, nothing is thrown or warned', async (t) => {
  const monitor = createThreadMonitor({ mode: 'throw' });
  monitor.close();
  t.false(monitor.active);
  const c = app(async () => (await readFile(self)).length, monitor);
  const warnings = await warningsDuring(async () => t.deepEqual(Object.keys(await c.resolve(App)), ['config']));
  t.deepEqual(warnings, []);
});
