import test from 'ava';
import { readFile as readFileCallback } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createContainer, createThreadMonitor, provide, token } from '../../src/index.js';
import { findingsDuring } from '../helpers/findings.js';
import { storeRests } from '../../src/threads/attribution.js';
import { runStorage } from '../../src/threads/context.js';

// On Node 22 the monitor's AsyncLocalStorage propagates through async_hooks and puts a promise hook on every promise
// in the process, so mode warn disables it again after a macrotask once every context entered so far ended with its
// run. These tests run in order in one process, before anything has made a context last: what that rest must not
// lose. On Node 24 the store is never disabled and the same findings are expected.

const self = new URL(import.meta.url);
const enabled = (): boolean => (runStorage as unknown as { enabled?: boolean }).enabled === true;
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test.serial('after quiet first runs the store rests; first runs after that still name a callback on a promise settled later by a timer, one a sync factory queued, and an async factory\'s work after an await', async (t) => {
  const monitor = createThreadMonitor({ mode: 'warn', loopBlockBudgetMs: 0 });
  t.teardown(() => monitor.close());
  const Quiet = token<object>('Quiet');
  const Queues = token<object>('Queues');
  const Later = token<object>('Later');
  const Waits = token<object>('Waits');
  let done!: () => void;
  const read = new Promise<void>((resolve) => (done = resolve));
  // Settled by a timer set outside any run, two event-loop turns after Waits' factory returned (the store's rest
  // comes one turn after a run that ended with its context).
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let waited!: () => void;
  const waitedRead = new Promise<void>((resolve) => (waited = resolve));
  const c = createContainer({
    observer: monitor,
    providers: [
      provide(Quiet, { lifetime: 'transient', useFactory: () => ({}) }),
      // Creates no async resource of its own: only a promise, whose callback runs after the factory returned.
      provide(Queues, { lifetime: 'transient', useFactory: () => (void Promise.resolve().then(() => readFileCallback(self, () => done())), {}) }),
      provide(Waits, { lifetime: 'transient', useFactory: () => (void gate.then(() => readFileCallback(self, () => waited())), {}) }),
      provide(Later, { lifetime: 'transient', useFactory: async () => (await null, await readFile(self), {}) }),
    ],
  });
  for (let i = 0; i < 3; i++) await c.resolve(Quiet);
  await nextTurn();
  await nextTurn();
  if (storeRests) t.false(enabled(), 'the store rests once only quiet runs entered it');
  const seen = await findingsDuring(async () => {
    await c.resolve(Waits);
    await nextTurn();
    await nextTurn();
    setTimeout(open, 1);
    await waitedRead;
    await c.resolve(Queues);
    await read;
    await c.resolve(Later);
  }, (s) => s.some((f) => f.path[0] === 'Later'));
  t.deepEqual([...new Set(seen.map((f) => `${f.path.join('>')}|${f.phase}`))], ['Waits|after', 'Queues|after', 'Later|during']);
  // Both contexts outlasted their runs, so from now on the store stays enabled.
  await nextTurn();
  await nextTurn();
  if (storeRests) t.true(enabled());
});
