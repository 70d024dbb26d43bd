// What mode warn guarantees (issue 20): every provider's first `fullRuns` runs and every run after a finding are
// checked; later runs are sampled at `sampleRate`, reported in stats().
import test from 'ava';
import { stat as statCallback } from 'node:fs';
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { subscribe, tracingChannel, unsubscribe } from 'node:diagnostics_channel';
import {
  composeObservers, createContainer, createThreadMonitor, loopsafeChannels, provide, threadChannels, token, type ResolutionObserver,
  type ThreadMonitor,
} from '../../src/index.js';
import { checkThreadLeaks } from '../../src/testing/index.js';

const file = new URL(import.meta.url);

/** A transient provider whose factory reads a file (pool work) on the runs `offloadOn` names (1-based). */
function setup(monitor: ThreadMonitor | ResolutionObserver, offloadOn: (run: number) => boolean) {
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

// The runs the sample leaves out are skipped by the resolver itself, without a call to the monitor (that call was
// most of mode warn's cost). What must not change: they are still counted, and whatever needs every run sees it.

test.serial('runs the sample skips still count as resolutions, and nothing skipped is counted twice', async (t) => {
  const monitor = createThreadMonitor({ mode: 'warn', fullRuns: 3, sampleRate: 0 });
  t.teardown(() => monitor.close());
  const { resolve } = setup(monitor, () => false);
  for (let i = 0; i < 40; i++) await resolve();
  t.is(monitor.stats().resolutions, 40);
  t.is(monitor.stats().unchecked, 37);
});

test.serial('a leak-check block checks every run, also of a provider whose later runs the sample skips', async (t) => {
  quiet(t);
  const monitor = createThreadMonitor({ mode: 'warn', fullRuns: 2, sampleRate: 0 });
  t.teardown(() => monitor.close());
  const { resolve } = setup(monitor, (run) => run === 30);
  for (let i = 0; i < 29; i++) await resolve();
  t.is(monitor.stats().unchecked, 27);
  const report = await checkThreadLeaks(() => resolve());
  t.false(report.ok, 'run 30 ran inside the block and was checked');
  t.deepEqual([...new Set(report.offloads.map((o) => o.path.join(' > ')))], ['Work']);
  t.is(monitor.stats().unchecked, 27, 'the block\'s run was not one the sample skipped');
  for (let i = 0; i < 5; i++) await resolve();
  t.is(monitor.stats().unchecked, 27, 'the finding in the block made every later run of Work checked');
  // A provider with no finding in the block goes back to being sampled after it.
  const other = setup(monitor, () => false);
  for (let i = 0; i < 5; i++) await other.resolve();
  t.true((await checkThreadLeaks(() => other.resolve())).ok);
  for (let i = 0; i < 4; i++) await other.resolve();
  t.is(monitor.stats().unchecked, 27 + 3 + 4);
});

test.serial('a monitor composed with another observer still samples, counts and lets the other see every run', async (t) => {
  const monitor = createThreadMonitor({ mode: 'warn', fullRuns: 2, sampleRate: 0 });
  t.teardown(() => monitor.close());
  let seen = 0;
  const counter: ResolutionObserver = { runFactory: (_trail, invoke) => (seen++, invoke()) };
  const { resolve } = setup(composeObservers(monitor, counter), () => false);
  for (let i = 0; i < 20; i++) await resolve();
  t.is(seen, 20, 'the other observer heard every run');
  t.is(monitor.stats().unchecked, 18);
  t.is(monitor.stats().resolutions, 20);
});

test.serial('a loopsafe:resolve subscriber sees every run, sampled out or not', async (t) => {
  const monitor = createThreadMonitor({ mode: 'warn', fullRuns: 1, sampleRate: 0 });
  t.teardown(() => monitor.close());
  const { resolve } = setup(monitor, () => false);
  for (let i = 0; i < 5; i++) await resolve();
  const starts: string[] = [];
  const onStart = (message: unknown): void => void starts.push((message as { provider: string }).provider);
  const channel = tracingChannel(loopsafeChannels.resolve);
  subscribe(channel.start.name, onStart);
  try {
    for (let i = 0; i < 10; i++) await resolve();
  } finally {
    unsubscribe(channel.start.name, onStart);
  }
  t.is(starts.length, 10);
  t.is(monitor.stats().resolutions, 15);
});

test.serial('fullRuns 0 samples from the very first run', async (t) => {
  const monitor = createThreadMonitor({ mode: 'warn', fullRuns: 0, sampleRate: 0 });
  t.teardown(() => monitor.close());
  const { resolve } = setup(monitor, () => false);
  for (let i = 0; i < 10; i++) await resolve();
  t.is(monitor.stats().unchecked, 10);
});

test.serial('a checked run under a skipped one still names the whole path', async (t) => {
  quiet(t);
  const monitor = createThreadMonitor({ mode: 'warn', fullRuns: 3, sampleRate: 0 });
  t.teardown(() => monitor.close());
  const paths: string[] = [];
  const listener = (finding: unknown): void => void paths.push((finding as { path: string[] }).path.join(' > '));
  subscribe(threadChannels.offload, listener);
  t.teardown(() => unsubscribe(threadChannels.offload, listener));
  const Child = token<number>('Child');
  const Parent = token<number>('Parent');
  let runs = 0;
  const container = createContainer({
    observer: monitor,
    providers: [
      provide(Child, { lifetime: 'transient', useFactory: async () => {
        const run = ++runs;
        if (run === 2 || run === 10) await stat(file); // run 2: a finding, so every later run of Child is checked
        return run;
      } }),
      provide(Parent, { lifetime: 'transient', inject: [Child], useFactory: (child) => child }),
    ],
  });
  for (let i = 0; i < 12; i++) await container.resolve(Parent);
  t.true(monitor.stats().unchecked >= 8, 'Parent\'s runs after its first 3 were skipped');
  t.deepEqual(paths.filter((p) => p.endsWith('Child')), ['Parent > Child', 'Parent > Child']);
});

test.serial('a run whose dependencies were still pending when a leak-check block began is checked in the block', async (t) => {
  quiet(t);
  const monitor = createThreadMonitor({ mode: 'warn', fullRuns: 2, sampleRate: 0 });
  t.teardown(() => monitor.close());
  const Gate = token<number>('Gate');
  const Reader = token<number>('Reader');
  let release = (): void => {};
  let runs = 0;
  const container = createContainer({
    observer: monitor,
    providers: [
      provide(Gate, { lifetime: 'transient', useFactory: () => (runs < 2 ? 1 : new Promise<number>((resolve) => (release = () => resolve(1)))) }),
      provide(Reader, { lifetime: 'transient', inject: [Gate], useFactory: async (gate) => {
        if (++runs === 3) await stat(file); // the run whose dependency was awaited into the block
        return gate;
      } }),
    ],
  });
  await container.resolve(Reader);
  await container.resolve(Reader);
  const pending = container.resolve(Reader); // Reader's third run is past its first 2: sampled out at rate 0
  const report = await checkThreadLeaks(async () => {
    release();
    await pending;
  });
  t.deepEqual([...new Set(report.offloads.map((o) => o.path.join(' > ')))], ['Reader']);
});

test.serial('a skipped build whose dependency fails is not counted, and one built from singletons alone is', async (t) => {
  quiet(t);
  const monitor = createThreadMonitor({ mode: 'warn', fullRuns: 0, sampleRate: 0 });
  t.teardown(() => monitor.close());
  const Flaky = token<number>('Flaky');
  const Uses = token<number>('Uses');
  const Config = token<{ n: number }>('Config');
  const FromSingletons = token<number>('FromSingletons');
  let fail = false;
  let built = 0;
  const container = createContainer({
    observer: monitor,
    providers: [
      provide(Flaky, { lifetime: 'transient', useFactory: () => {
        if (fail) throw new Error('down');
        return 1;
      } }),
      provide(Uses, { lifetime: 'transient', inject: [Flaky], useFactory: (n) => n + 1 }),
      provide(Config, { useFactory: () => ({ n: 2 }) }),
      // Every dependency a built singleton: the resolver's direct path, which a skipped run takes too.
      provide(FromSingletons, { lifetime: 'request', inject: [Config], useFactory: (c) => (built++, c.n) }),
    ],
  });
  await container.resolve(Config);
  for (let i = 0; i < 10; i++) {
    const scope = container.createScope();
    t.is(await scope.resolve(FromSingletons), 2);
    await scope.dispose();
  }
  t.is(built, 10);
  const base = monitor.stats();
  t.is(await container.resolve(Uses), 2);
  t.deepEqual([monitor.stats().resolutions - base.resolutions, monitor.stats().unchecked - base.unchecked], [2, 2]);
  fail = true;
  const error = await t.throwsAsync(container.resolve(Uses));
  t.deepEqual((error as { path?: readonly string[] }).path, ['Uses', 'Flaky']);
  // Flaky's factory ran (and threw); Uses' never did, so only one more run is counted, and it was unchecked.
  t.deepEqual([monitor.stats().resolutions - base.resolutions, monitor.stats().unchecked - base.unchecked], [3, 3]);
  t.is(monitor.stats().resolutions, monitor.stats().unchecked, 'fullRuns 0 and rate 0: every run, Config\'s first too, is left out');
});

test.serial('by default every provider\'s first 1000 runs are checked, then a 2% sample', async (t) => {
  quiet(t);
  const monitor = createThreadMonitor({ mode: 'warn' });
  t.teardown(() => monitor.close());
  const { resolve } = setup(monitor, (run) => run === 1000);
  for (let i = 0; i < 1000; i++) await resolve();
  t.is(monitor.stats().offloads, 1, 'run 1000 is still one of the first runs');
  t.is(monitor.stats().unchecked, 0);
  t.is(monitor.stats().sampleRate, 0.02);
  const clean = createThreadMonitor({ mode: 'warn' });
  t.teardown(() => clean.close());
  const other = setup(clean, () => false);
  for (let i = 0; i < 3000; i++) await other.resolve();
  // 2000 runs after the first 1000, each checked with probability 0.02: 40 expected; 0 or 2000 would be a bug, and
  // anything outside 10..90 has a probability of about 3e-9.
  const checked = 2000 - clean.stats().unchecked;
  t.true(checked >= 10 && checked <= 90, `${checked} of 2000 sampled runs checked`);
});

test.serial('a skipped factory\'s own time is not counted to the checked run that follows it in the same stretch', async (t) => {
  quiet(t);
  const monitor = createThreadMonitor({ mode: 'warn', fullRuns: 3, sampleRate: 0, loopBlockBudgetMs: 50 });
  t.teardown(() => monitor.close());
  const Leaf = token<number>('Leaf');
  const Middle = token<number>('Middle');
  const Top = token<number>('Top');
  let statted = false;
  let block = false;
  const container = createContainer({
    observer: monitor,
    providers: [
      // Its first run starts pool work, so every later run of Leaf is checked (and timed).
      provide(Leaf, { lifetime: 'transient', useFactory: () => {
        if (!statted) {
          statted = true;
          statCallback(fileURLToPath(file), () => {});
        }
        return 1;
      } }),
      // Past its first 3 runs and at rate 0, every run of Middle is skipped: untimed.
      provide(Middle, { lifetime: 'transient', inject: [Leaf], useFactory: (leaf) => {
        if (block) for (const end = performance.now() + 120; performance.now() < end;);
        return leaf;
      } }),
      // Still within its first runs: checked, and timed from where its own factory starts.
      provide(Top, { lifetime: 'transient', inject: [Middle], useFactory: (middle) => middle }),
    ],
  });
  for (let i = 0; i < 3; i++) container.resolveSync(Middle);
  await new Promise((resolve) => setTimeout(resolve, 50)); // Leaf's finding comes back with its stat
  t.is(monitor.stats().offloads, 1);
  block = true;
  const before = monitor.stats().unchecked;
  t.is(container.resolveSync(Top), 1);
  t.is(monitor.stats().unchecked, before + 1, 'Middle\'s run was skipped');
  // Leaf (checked) ended, then Middle's factory held the loop for 120 ms unwatched, then Top ran in 0 ms.
  t.is(monitor.stats().loopBlocks, 0, 'Top is not reported for Middle\'s 120 ms');
});
