import test from 'ava';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { readFile as readFileCallback } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import {
  composeObservers, createContainer, createThreadMonitor, lazy, provide, threadChannels, token, type Container, type LoopBlockFinding, type OffloadFinding,
  type ThreadMonitor,
} from '../../src/index.js';
import { findingsDuring } from '../helpers/findings.js';

// Mode warn runs a provider's factory without an async context once it has seen the factory return a plain value
// and leave nothing behind; the synchronous part is named by a plain variable instead. These cases pin what that
// path, and the way back to an async context, must still see. Leak checks and mode throw always use the context.

const self = new URL(import.meta.url);
const Job = token<object>('Job');

/** Each distinct [kind, path, phase] once: `fs/promises.readFile` is several pool jobs (open, stat, read, close). */
function distinct(seen: readonly OffloadFinding[]): [string, readonly string[], string][] {
  const keys = [...new Set(seen.map((f) => JSON.stringify([f.kind, f.path, f.phase])))].sort();
  return keys.map((k) => JSON.parse(k) as [string, readonly string[], string]);
}

/** A container whose transient Job runs `body` with its run number (1, 2, ...), watched by `monitor`. */
function jobContainer(monitor: ThreadMonitor, body: (run: number) => object | Promise<object>): Container {
  let runs = 0;
  return createContainer({ observer: monitor, providers: [provide(Job, { lifetime: 'transient', useFactory: () => body(++runs) })] });
}

/** A promise, and the function that settles it. */
function signal(): { read: Promise<void>; done: () => void } {
  let done!: () => void;
  const read = new Promise<void>((resolve) => (done = resolve));
  return { read, done };
}

function warnMonitor(t: { teardown(fn: () => void): void }): ThreadMonitor {
  const monitor = createThreadMonitor({ mode: 'warn', loopBlockBudgetMs: 0 });
  t.teardown(() => monitor.close());
  return monitor;
}

test.serial('a sync factory that starts pool work on a later run, without an async context, is still attributed', async (t) => {
  const monitor = warnMonitor(t);
  const { read, done } = signal();
  const c = jobContainer(monitor, (run) => {
    // Two quiet runs first, so the third runs on the path without a context.
    if (run === 3) readFileCallback(self, () => done());
    return {};
  });
  const seen = await findingsDuring(async () => {
    for (let i = 0; i < 3; i++) await c.resolve(Job);
    await read;
  }, (s) => s.length > 0);
  // The open is the run's own; the read's later jobs start in the open's callback, after the run returned, and are
  // carried to it as its own context would carry them.
  t.deepEqual(distinct(seen), [['fs', ['Job'], 'after'], ['fs', ['Job'], 'during']]);
  t.true(seen.filter((f) => f.phase === 'after').every((f) => f.by === 'FSReqCallback'));
});

test.serial('an async factory keeps its context on every run: pool work after an await is attributed on a later run', async (t) => {
  const monitor = warnMonitor(t);
  const c = jobContainer(monitor, async (run) => {
    await null;
    if (run === 2) await readFile(self);
    return {};
  });
  const seen = await findingsDuring(async () => {
    await c.resolve(Job);
    await c.resolve(Job);
  }, (s) => s.length > 0);
  t.deepEqual(distinct(seen), [['fs', ['Job'], 'during']]);
});

/** Inner (sync, transient) runs `body` on its third run, from inside Outer's async factory after an await. */
function nested(monitor: ThreadMonitor, body: () => void, outerBody: () => Promise<unknown> = async () => {}): () => Promise<void> {
  const Inner = token<object>('Inner');
  const Outer = token<object>('Outer');
  let innerRuns = 0;
  const c = createContainer({
    observer: monitor,
    providers: [
      provide(Inner, {
        lifetime: 'transient',
        useFactory: () => {
          if (++innerRuns === 3) body();
          return {};
        },
      }),
      provide(Outer, {
        lifetime: 'transient',
        inject: [lazy(Inner)],
        useFactory: async (inner: () => Promise<object>) => {
          await null;
          await inner(); // Inner's third run, inside Outer's context
          await outerBody(); // Outer's own, after Inner returned
          return {};
        },
      }),
    ],
  });
  return async () => {
    await c.resolve(Inner);
    await c.resolve(Inner); // Inner is quiet by now
    await c.resolve(Outer);
  };
}

test.serial('a Worker started in the callback of a read a quiet sync provider started is its own, phase after', async (t) => {
  const monitor = warnMonitor(t);
  const { read, done } = signal();
  const c = jobContainer(monitor, (run) => {
    if (run === 3) {
      readFileCallback(self, () => {
        const worker = new Worker('0', { eval: true });
        worker.once('exit', () => done());
      });
    }
    return {};
  });
  const seen = await findingsDuring(async () => {
    for (let i = 0; i < 3; i++) await c.resolve(Job);
    await read;
  }, (s) => s.some((f) => f.kind === 'worker'));
  t.deepEqual(seen.filter((f) => f.kind === 'worker').map((f) => [f.path, f.phase]), [[['Job'], 'after']]);
});

test.serial('a sync factory resolved after an await inside an async one: each names its own pool work', async (t) => {
  const monitor = warnMonitor(t);
  const { read, done } = signal();
  const run = nested(monitor, () => readFileCallback(self, () => done()), () => readFile(self));
  const seen = await findingsDuring(async () => {
    await run();
    await read;
  }, (s) => s.some((f) => f.path[0] === 'Inner') && s.some((f) => f.path[0] === 'Outer'));
  t.deepEqual(distinct(seen), [['fs', ['Inner'], 'after'], ['fs', ['Inner'], 'during'], ['fs', ['Outer'], 'during']]);
});

// Until 2026-12-07 a provider quiet on its first runs ran without a context even inside another run's: what it then
// created inherited the caller's context, and the rest of its file read was reported as the caller's (CI caught it
// as a finding leaking into the next test).
for (const [name, body] of [
  ['the rest of a callback-style read', (done: () => void) => readFileCallback(self, () => done())],
  ['a promise read a timer starts', (done: () => void) => void setTimeout(() => void readFile(self).then(done), 1)],
  ['a read after a nextTick', (done: () => void) => process.nextTick(() => readFileCallback(self, () => done()))],
] as const) {
  test.serial(`inside an async factory, ${name} that a quiet sync provider starts is its own, never its caller's`, async (t) => {
    const monitor = warnMonitor(t);
    const { read, done } = signal();
    const run = nested(monitor, () => body(done));
    const seen = await findingsDuring(async () => {
      await run();
      await read;
    }, (s) => s.length > 0);
    t.deepEqual(seen.filter((f) => f.path[0] !== 'Inner'), []);
    t.true(seen.some((f) => f.phase === 'after'));
  });
}

test.serial('a sync factory that once left a timer behind runs with its context again: later work is phase after, by the timer', async (t) => {
  const monitor = warnMonitor(t);
  const { read, done } = signal();
  const c = jobContainer(monitor, (run) => {
    if (run === 2) setTimeout(() => {}, 1); // quiet first, then a resource: no longer run without a context
    if (run === 3) setTimeout(() => void readFile(self).then(() => done()), 1);
    return {};
  });
  const seen = await findingsDuring(async () => {
    for (let i = 0; i < 3; i++) await c.resolve(Job);
    await read;
  }, (s) => s.length > 0);
  t.deepEqual(distinct(seen), [['fs', ['Job'], 'after']]);
  t.is(seen[0]!.by, 'Timeout'); // the first job starts in the timer's callback; the rest after its awaits
});

test.serial('mode throw gives every run its context: a provider quiet twice that then reads after an await fails', async (t) => {
  const monitor = createThreadMonitor({ mode: 'throw', loopBlockBudgetMs: 0 });
  t.teardown(() => monitor.close());
  const c = jobContainer(monitor, (run) => (run < 3 ? {} : readFile(self).then(() => ({}))));
  await c.resolve(Job);
  await c.resolve(Job);
  await t.throwsAsync(c.resolve(Job), { code: 'LOOPSAFE_ERR_THREAD_OFFLOAD' });
});

/** Hold the thread for `ms` of CPU time, however loaded the machine is. */
function spin(ms: number): void {
  const start = process.threadCpuUsage();
  while (process.threadCpuUsage(start).user < ms * 1000);
}

test.serial('the loop-block clock blames the factory that held the loop, not the ones after it in the same resolution', async (t) => {
  const monitor = createThreadMonitor({ mode: 'warn', loopBlockBudgetMs: 10 });
  t.teardown(() => monitor.close());
  const blocks: LoopBlockFinding[] = [];
  const listener = (message: unknown): void => void blocks.push(message as LoopBlockFinding);
  subscribe(threadChannels.loopBlock, listener);
  t.teardown(() => unsubscribe(threadChannels.loopBlock, listener));
  const Before = token<object>('Before');
  const Slow = token<object>('Slow');
  const After = token<object>('After');
  const App = token<object>('App');
  const c = createContainer({
    observer: monitor,
    providers: [
      provide(Before, { useFactory: () => ({}) }),
      provide(Slow, { useFactory: () => (spin(30), {}) }),
      provide(After, { useFactory: () => ({}) }),
      provide(App, { inject: [Before, Slow, After], useFactory: (...deps: object[]) => ({ deps }) }),
    ],
  });
  // One synchronous resolution: each factory after the first starts timing where the previous one ended.
  c.resolveSync(App);
  t.deepEqual(blocks.map((b) => b.path), [['App', 'Slow']]);
});

test.serial('code that holds the loop between two resolutions is not blamed on the next factory', async (t) => {
  const monitor = createThreadMonitor({ mode: 'throw', loopBlockBudgetMs: 10 });
  t.teardown(() => monitor.close());
  const First = token<object>('First');
  const Second = token<object>('Second');
  const c = createContainer({
    observer: monitor,
    providers: [provide(First, { useFactory: () => ({}) }), provide(Second, { useFactory: () => ({}) })],
  });
  c.resolveSync(First);
  spin(30); // the caller's own work, not a factory's
  t.notThrows(() => c.resolveSync(Second));
});

test.serial('a factory that holds the loop before resolving another one is blamed, and the inner one is not', async (t) => {
  const monitor = createThreadMonitor({ mode: 'throw', loopBlockBudgetMs: 10 });
  t.teardown(() => monitor.close());
  const Before = token<object>('Before');
  const Inner = token<object>('Inner');
  const Outer = token<object>('Outer');
  const App = token<object>('App');
  // Typed `Container`: a factory below resolves from the container it is declared in, which the compiler
  // cannot type while it is still reading the providers list.
  const c: Container = createContainer({
    observer: monitor,
    providers: [
      provide(Before, { lifetime: 'transient', useFactory: () => ({}) }),
      provide(Inner, { lifetime: 'transient', useFactory: () => ({}) }),
      provide(Outer, {
        lifetime: 'transient',
        useFactory: () => {
          spin(30); // Outer's own time: the inner resolution below must not count it as Inner's
          return { inner: c.resolveSync(Inner) };
        },
      }),
      // Before ends just before Outer starts, in the same synchronous resolution.
      provide(App, { lifetime: 'transient', inject: [Before, Outer], useFactory: (...deps: object[]) => ({ deps }) }),
    ],
  });
  const error = t.throws(() => c.resolveSync(App), { code: 'LOOPSAFE_ERR_THREAD_LOOP_BLOCKED' });
  t.deepEqual((error as unknown as { path: string[] }).path, ['App', 'Outer']);
  t.notThrows(() => c.resolveSync(Inner));
});

test.serial("another observer's own work around a factory is not blamed on the next factory", async (t) => {
  const monitor = createThreadMonitor({ mode: 'throw', loopBlockBudgetMs: 10 });
  t.teardown(() => monitor.close());
  // An observer composed outside the monitor that holds the loop before each factory run it wraps.
  const heavy = {
    runFactory<R>(_trail: unknown, invoke: () => R): R {
      spin(30);
      return invoke();
    },
  };
  const Before = token<object>('Before');
  const App = token<object>('App');
  const c = createContainer({
    observer: composeObservers(heavy, monitor),
    providers: [
      provide(Before, { useFactory: () => ({}) }),
      provide(App, { inject: [Before], useFactory: (before: object) => ({ before }) }),
    ],
  });
  // App's factory starts right after Before's in one synchronous resolution, with the observer's work in between.
  t.notThrows(() => c.resolveSync(App));
});
