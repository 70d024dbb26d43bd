// What mode warn guarantees (issue 20): every provider's first `fullRuns` runs and every run after a finding are
// checked; later runs are sampled at `sampleRate`, reported in stats().
import test from 'ava';
import { stat } from 'node:fs/promises';
import { createContainer, createThreadMonitor, provide, token, type ThreadMonitor } from '../../src/index.js';

const file = new URL(import.meta.url);

/** A transient provider whose factory reads a file (pool work) on the runs `offloadOn` names (1-based). */
function setup(monitor: ThreadMonitor, offloadOn: (run: number) => boolean) {
  const Work = token<number>('Work');
  let runs = 0;
  const container = createContainer({
    observer: monitor,
    providers: [provide(Work, { lifetime: 'transient', useFactory: async () => {
      const run = ++runs;
      if (offloadOn(run)) await stat(file);
      return run;
    } })],
  });
  return { resolve: () => container.resolve(Work), container };
}

function quiet(t: { teardown(fn: () => void): void }): void {
  const ignore = (): void => {};
  process.on('warning', ignore);
  t.teardown(() => process.off('warning', ignore));
}

test.serial('a provider that offloads on its first run is caught even when no later run is sampled', async (t) => {
  quiet(t);
  const monitor = createThreadMonitor({ mode: 'warn', fullRuns: 1, sampleRate: 0 });
  t.teardown(() => monitor.close());
  const { resolve } = setup(monitor, (run) => run === 1);
  for (let i = 0; i < 20; i++) await resolve();
  t.is(monitor.stats().offloads, 1);
  t.is(monitor.stats().sampleRate, 0);
});

test.serial('runs after a provider\'s first fullRuns are sampled: at rate 0 a late offender is missed, at rate 1 caught', async (t) => {
  quiet(t);
  const never = createThreadMonitor({ mode: 'warn', fullRuns: 5, sampleRate: 0 });
  t.teardown(() => never.close());
  const a = setup(never, (run) => run === 50);
  for (let i = 0; i < 60; i++) await a.resolve();
  t.is(never.stats().offloads, 0, 'the documented miss: run 50 was not sampled');
  t.is(never.stats().unchecked, 55);
  const always = createThreadMonitor({ mode: 'warn', fullRuns: 5, sampleRate: 1 });
  t.teardown(() => always.close());
  const b = setup(always, (run) => run === 50);
  for (let i = 0; i < 60; i++) await b.resolve();
  t.is(always.stats().offloads, 1);
  t.is(always.stats().unchecked, 0);
});

test.serial('after a finding every run of that provider is checked, whatever the sample rate', async (t) => {
  quiet(t);
  const monitor = createThreadMonitor({ mode: 'warn', fullRuns: 2, sampleRate: 0 });
  t.teardown(() => monitor.close());
  const { resolve } = setup(monitor, (run) => run === 2 || run === 40 || run === 77);
  for (let i = 0; i < 100; i++) await resolve();
  t.is(monitor.stats().offloads, 3, 'runs 40 and 77 came after the finding on run 2');
  t.is(monitor.stats().unchecked, 0);
});

test.serial('each run after fullRuns is checked with probability sampleRate, as stats() reports', async (t) => {
  const monitor = createThreadMonitor({ mode: 'warn', fullRuns: 10, sampleRate: 0.25 });
  t.teardown(() => monitor.close());
  const { resolve } = setup(monitor, () => false);
  for (let i = 0; i < 2010; i++) await resolve();
  const checked = 2000 - monitor.stats().unchecked;
  // Binomial(2000, 0.25): mean 500, sd 19.4; the bounds are 8 sd away.
  t.true(checked > 345 && checked < 655, `checked ${checked} of 2000`);
  t.is(monitor.stats().sampleRate, 0.25);
});

test.serial('a run of another provider starts its own budget, and throw mode checks every run', async (t) => {
  quiet(t);
  const warn = createThreadMonitor({ mode: 'warn', fullRuns: 3, sampleRate: 0 });
  t.teardown(() => warn.close());
  const first = setup(warn, () => false);
  for (let i = 0; i < 10; i++) await first.resolve();
  const second = setup(warn, (run) => run === 3);
  for (let i = 0; i < 3; i++) await second.resolve();
  t.is(warn.stats().offloads, 1, 'the second container\'s provider had its own first runs');
  const strict = createThreadMonitor({ mode: 'throw', fullRuns: 1, sampleRate: 0 });
  t.teardown(() => strict.close());
  const third = setup(strict, (run) => run === 30);
  for (let i = 0; i < 29; i++) await third.resolve();
  const error = await t.throwsAsync(third.resolve());
  t.is((error as { code?: string }).code, 'LOOPSAFE_ERR_THREAD_OFFLOAD');
  t.is(strict.stats().unchecked, 0);
});

test.serial('absurd budget options are refused with a coded error', (t) => {
  for (const bad of [{ fullRuns: -1 }, { fullRuns: 1.5 }, { sampleRate: 2 }, { sampleRate: Number.NaN }, { sampleRate: '0.1' }]) {
    const error = t.throws(() => createThreadMonitor(bad as never));
    t.is((error as { code?: string }).code, 'LOOPSAFE_ERR_OPTION_INVALID');
  }
});
