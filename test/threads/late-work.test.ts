// Mode throw never passes late work silently (issue 20): work a factory left running after it settled fails the
// provider's next run and monitor.assertClean(), with LOOPSAFE_ERR_THREAD_LATE_OFFLOAD.
import test from 'ava';
import bcrypt from 'bcrypt';
import { pbkdf2 } from 'node:crypto';
import { lookup } from 'node:dns';
import { stat } from 'node:fs';
import { createContainer, createThreadMonitor, provide, token } from '../../src/index.js';

const LATE = 'LOOPSAFE_ERR_THREAD_LATE_OFFLOAD';
const file = new URL(import.meta.url);

/** Each starts pool work it does not await, and calls `done` when the work came back. */
const leftRunning: Record<string, (done: () => void) => void> = {
  'fs.stat': (done) => stat(file, () => done()),
  'dns.lookup': (done) => lookup('localhost', () => done()),
  'crypto.pbkdf2': (done) => pbkdf2('pw', 'salt', 1000, 32, 'sha256', () => done()),
  'bcrypt.hash': (done) => void bcrypt.hash('pw', 4).then(done, done),
  'a timer that later reads a file': (done) => void setTimeout(() => stat(file, () => done()), 5),
};

for (const [name, start] of Object.entries(leftRunning)) {
  test.serial(`${name} left running by a factory fails assertClean() and the provider's next run`, async (t) => {
    const monitor = createThreadMonitor({ mode: 'throw' });
    t.teardown(() => monitor.close());
    const Work = token<string>('Work');
    let came = (): void => {};
    let runs = 0;
    const container = createContainer({
      observer: monitor,
      providers: [provide(Work, { lifetime: 'transient', useFactory: () => {
        runs++;
        start(() => setImmediate(came)); // after the callback: the monitor has seen the job come back
        return 'built';
      } })],
    });
    const back = new Promise<void>((resolve) => (came = resolve));
    t.is(await container.resolve(Work), 'built', 'the run itself had settled: it cannot fail');
    await back;
    const clean = t.throws(() => monitor.assertClean());
    t.is((clean as { code?: string }).code, LATE);
    t.deepEqual((clean as { path?: readonly string[] }).path, ['Work']);
    t.notThrows(() => monitor.assertClean(), 'each call reports what came since the last');
    const next = await t.throwsAsync(container.resolve(Work));
    t.is((next as { code?: string }).code, LATE);
    t.is(runs, 1, 'the failing run never started the factory');
    await container.dispose();
  });
}

test.serial('work awaited inside the factory fails its own run, and leaves assertClean() clean', async (t) => {
  const monitor = createThreadMonitor({ mode: 'throw' });
  t.teardown(() => monitor.close());
  const Work = token<string>('Work');
  const container = createContainer({
    observer: monitor,
    providers: [provide(Work, { lifetime: 'transient', useFactory: () => new Promise<string>((resolve) => stat(file, () => resolve('x'))) })],
  });
  const error = await t.throwsAsync(container.resolve(Work));
  t.is((error as { code?: string }).code, 'LOOPSAFE_ERR_THREAD_OFFLOAD');
  t.notThrows(() => monitor.assertClean());
});

test.serial('modes warn and off never throw from assertClean()', async (t) => {
  const ignore = (): void => {};
  process.on('warning', ignore);
  t.teardown(() => process.off('warning', ignore));
  for (const mode of ['warn', 'off'] as const) {
    const monitor = createThreadMonitor({ mode });
    t.teardown(() => monitor.close());
    const Work = token<string>('Work');
    let came = (): void => {};
    const back = new Promise<void>((resolve) => (came = resolve));
    const container = createContainer({
      observer: monitor,
      providers: [provide(Work, { lifetime: 'transient', useFactory: () => (stat(file, () => setImmediate(came)), 'built') })],
    });
    await container.resolve(Work);
    await back;
    t.notThrows(() => monitor.assertClean());
    t.is(await container.resolve(Work), 'built');
  }
});
