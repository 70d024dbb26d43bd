// Issue 21, point 2: dispose() while resolutions are pending lets their callers go at once with
// LOOPSAFE_ERR_DISPOSED, aborts their signal, does not wait for factories that ignore it, and disposes what they
// deliver later exactly once, never leaving an unhandled rejection behind.
import test from 'ava';
import fc from 'fast-check';
import { setImmediate as tick } from 'node:timers/promises';
import { AbortSignalToken, createContainer, LoopsafeError, token } from '../../src/index.js';
import { runParameters } from '../properties/model.js';

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const codeOf = (error: unknown): string | undefined => (LoopsafeError.is(error) ? error.code : undefined);
const outcome = (p: Promise<unknown>): Promise<unknown> => p.then((v) => v, (e: unknown) => codeOf(e) ?? e);

/** Collect unhandled rejections and process warnings while a test runs. */
function watchProcess(t: { teardown(fn: () => void): void }) {
  const unhandled: unknown[] = [];
  const warnings: Error[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  const onWarning = (warning: Error): void => void warnings.push(warning);
  process.on('unhandledRejection', onUnhandled);
  process.on('warning', onWarning);
  t.teardown(() => {
    process.off('unhandledRejection', onUnhandled);
    process.off('warning', onWarning);
  });
  return { unhandled, warnings };
}

async function flush(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await tick();
}

test('a request-scoped provider waiting for a singleton still building is let go when its scope is disposed; the singleton builds on', async (t) => {
  const db = deferred<string>();
  const Db = token<string>('Db');
  const Repo = token<string>('Repo');
  const c = createContainer({ timeout: 0 })
    .register(Db, { useFactory: () => db.promise })
    .register(Repo, { lifetime: 'request', inject: [Db], useFactory: (d) => `repo(${d})` });
  t.teardown(() => c.dispose());
  const scope = c.createScope();
  const repo = outcome(scope.resolve(Repo));
  const direct = outcome(scope.resolve(Db));
  await scope.dispose();
  t.is(await repo, 'LOOPSAFE_ERR_DISPOSED');
  t.is(await direct, 'LOOPSAFE_ERR_DISPOSED', 'a scope caller of a pending singleton is let go too');
  db.resolve('db');
  t.is(await c.resolve(Db), 'db', 'the container kept building it for everyone else');
});

test('concurrent resolves of one pending key all reject DISPOSED, and a resolve after dispose began is refused', async (t) => {
  const { unhandled } = watchProcess(t);
  let runs = 0;
  const Slow = token<string>('Slow');
  const c = createContainer({ timeout: 0 }).register(Slow, { lifetime: 'request', useFactory: () => {
    runs++;
    return new Promise<string>(() => {});
  } });
  const scope = c.createScope();
  const waiters = Array.from({ length: 5 }, () => outcome(scope.resolve(Slow)));
  const first = scope.dispose();
  const second = scope.dispose();
  t.is(first, second, 'dispose() twice at once is one disposal');
  t.is(await outcome(scope.resolve(Slow)), 'LOOPSAFE_ERR_DISPOSED');
  await first;
  t.deepEqual(await Promise.all(waiters), Array(5).fill('LOOPSAFE_ERR_DISPOSED'));
  t.is(runs, 1);
  await c.dispose();
  await flush();
  t.deepEqual(unhandled, []);
});

test('a transient still building in a scope is let go and its signal aborts with DISPOSED', async (t) => {
  const reason = deferred<unknown>();
  const Job = token<string>('Job');
  const c = createContainer({ timeout: 0 }).register(Job, {
    lifetime: 'transient',
    inject: [AbortSignalToken],
    useFactory: (signal) => new Promise<string>(() => signal.addEventListener('abort', () => reason.resolve(signal.reason))),
  });
  t.teardown(() => c.dispose());
  const scope = c.createScope();
  const job = outcome(scope.resolve(Job));
  await tick();
  await scope.dispose();
  t.is(await job, 'LOOPSAFE_ERR_DISPOSED');
  t.is(codeOf(await reason.promise), 'LOOPSAFE_ERR_DISPOSED');
});

test('a thenable that settles after dispose is disposed on arrival, exactly once', async (t) => {
  const log: string[] = [];
  let settleLate!: (value: { id: string }) => void;
  const Late = token<{ id: string }>('Late');
  const c = createContainer({ timeout: 0 }).register(Late, {
    lifetime: 'request',
    // Not a Promise: a bare thenable whose callback is kept and called later.
    useFactory: () => ({ then: (onValue: (v: { id: string }) => void) => void (settleLate = onValue) }) as unknown as Promise<{ id: string }>,
    dispose: (late) => void log.push(late.id),
  });
  t.teardown(() => c.dispose());
  const scope = c.createScope();
  const late = outcome(scope.resolve(Late));
  await tick();
  await scope.dispose();
  t.is(await late, 'LOOPSAFE_ERR_DISPOSED');
  settleLate({ id: 'late' });
  settleLate({ id: 'again' }); // a thenable that calls back twice: only the first counts
  await flush();
  t.deepEqual(log, ['late']);
});

test('a late instance whose Symbol.asyncDispose throws is reported as a process warning with the disposal code, never unhandled', async (t) => {
  const { unhandled, warnings } = watchProcess(t);
  const late = deferred<AsyncDisposable>();
  const Conn = token<AsyncDisposable>('Conn');
  const c = createContainer({ timeout: 0 }).register(Conn, { lifetime: 'request', useFactory: () => late.promise });
  t.teardown(() => c.dispose());
  const scope = c.createScope();
  const conn = outcome(scope.resolve(Conn));
  await scope.dispose();
  t.is(await conn, 'LOOPSAFE_ERR_DISPOSED');
  late.resolve({ [Symbol.asyncDispose]: () => Promise.reject(new Error('socket already closed')) });
  await flush(10);
  t.deepEqual(unhandled, []);
  const reported = warnings.filter((w) => codeOf(w) === 'LOOPSAFE_ERR_DISPOSAL_FAILED');
  t.is(reported.length, 1);
  t.regex(reported[0]!.message, /Conn/);
});

test('a late factory that rejects after dispose leaves no unhandled rejection, for a singleton at container dispose too', async (t) => {
  const { unhandled } = watchProcess(t);
  const single = deferred<string>();
  const scoped = deferred<string>();
  const S = token<string>('S');
  const R = token<string>('R');
  const c = createContainer({ timeout: 0 })
    .register(S, { useFactory: () => single.promise })
    .register(R, { lifetime: 'request', useFactory: () => scoped.promise });
  const s = outcome(c.resolve(S));
  const r = outcome(c.createScope().resolve(R));
  await c.dispose(); // open scopes first, then the container; neither waits for its factory
  t.is(await s, 'LOOPSAFE_ERR_DISPOSED');
  t.is(await r, 'LOOPSAFE_ERR_DISPOSED');
  single.reject(new Error('late failure'));
  scoped.reject(new Error('late failure'));
  await flush();
  t.deepEqual(unhandled, []);
});

test('instances built before dispose are still disposed newest first, awaited, exactly once, beside a pending one', async (t) => {
  const log: string[] = [];
  const gate = deferred<void>();
  const A = token<string>('A');
  const B = token<string>('B');
  const Pending = token<string>('Pending');
  const c = createContainer({ timeout: 0 })
    .register(A, { lifetime: 'request', useFactory: () => 'a', dispose: async () => {
      await tick();
      log.push('A');
    } })
    .register(B, { lifetime: 'request', useFactory: async () => 'b', dispose: () => void log.push('B') })
    .register(Pending, { lifetime: 'request', useFactory: () => new Promise<string>(() => {}), dispose: () => void log.push('Pending') });
  t.teardown(() => c.dispose());
  const scope = c.createScope();
  await scope.resolve(A);
  await scope.resolve(B);
  const pending = outcome(scope.resolve(Pending));
  await scope.dispose();
  t.deepEqual(log, ['B', 'A'], 'the async disposer of A was awaited before dispose() returned');
  t.is(await pending, 'LOOPSAFE_ERR_DISPOSED');
  gate.resolve();
});

// The property: random interleavings of resolving, settling factories and disposing, over a small graph.
//   S  singleton, async            R1 request, async, injects S
//   R2 request, async              T  transient, async, injects R2
type Action = { kind: 'resolve'; key: number } | { kind: 'settle'; pick: number; ok: boolean } | { kind: 'dispose' };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('resolve' as const), key: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constant('settle' as const), pick: fc.nat(7), ok: fc.boolean() }),
  fc.constant({ kind: 'dispose' as const }),
);

test('property: every instance built is disposed exactly once, scope instances newest first, and every resolve settles', async (t) => {
  const { unhandled } = watchProcess(t);
  await fc.assert(fc.asyncProperty(fc.array(actionArb, { maxLength: 25 }), async (actions) => {
    const started: { id: string; owner: 'scope' | 'container'; d: ReturnType<typeof deferred<{ id: string }>> }[] = [];
    const built: { id: string; owner: 'scope' | 'container' }[] = [];
    const disposed: string[] = [];
    let serial = 0;
    const factory = (name: string, owner: 'scope' | 'container') => (): Promise<{ id: string }> => {
      const d = deferred<{ id: string }>();
      const id = `${name}#${serial++}`;
      started.push({ id, owner, d });
      return d.promise.then((v) => {
        built.push({ id, owner });
        return v;
      });
    };
    const dispose = (x: { id: string }): void => void disposed.push(x.id);
    const S = token<{ id: string }>('S');
    const R1 = token<{ id: string }>('R1');
    const R2 = token<{ id: string }>('R2');
    const T = token<{ id: string }>('T');
    const c = createContainer({ timeout: 0 })
      .register(S, { useFactory: factory('S', 'container'), dispose })
      .register(R1, { lifetime: 'request', inject: [S], useFactory: (_s) => factory('R1', 'scope')(), dispose })
      .register(R2, { lifetime: 'request', useFactory: factory('R2', 'scope'), dispose })
      .register(T, { lifetime: 'transient', inject: [R2], useFactory: factory('T', 'scope'), dispose });
    const keys = [S, R1, R2, T];
    const scope = c.createScope();
    const resolves: Promise<unknown>[] = [];
    let disposedAt: number | undefined; // how many instances had been built when the scope's dispose began
    const open = new Set<number>();
    for (const action of actions) {
      if (action.kind === 'resolve') resolves.push(outcome(scope.resolve(keys[action.key]!)));
      else if (action.kind === 'dispose') {
        disposedAt ??= built.length;
        void scope.dispose();
      } else {
        const waiting = started.map((_, i) => i).filter((i) => !open.has(i));
        const i = waiting[action.pick % Math.max(1, waiting.length)];
        if (i !== undefined) {
          open.add(i);
          const f = started[i]!;
          if (action.ok) f.d.resolve({ id: f.id });
          else f.d.reject(new Error('factory failed'));
        }
      }
      await flush(3);
    }
    disposedAt ??= built.length;
    await scope.dispose();
    const scopeDisposedNow = [...disposed];
    await c.dispose();
    // Settle whatever is still running, late: each delivered instance is then disposed on arrival.
    for (let i = 0; i < started.length; i++) if (!open.has(i)) started[i]!.d.resolve({ id: started[i]!.id });
    await flush(10);
    const outcomes = await Promise.race([Promise.all(resolves), tick(undefined).then(() => 'hung')]);
    if (outcomes === 'hung') return false;
    const builtIds = built.map((b) => b.id);
    if (JSON.stringify([...disposed].sort()) !== JSON.stringify([...builtIds].sort())) return false;
    if (new Set(disposed).size !== disposed.length) return false;
    // Scope instances built before dispose began: disposed in reverse creation order, before scope.dispose() returned.
    const early = built.slice(0, disposedAt).filter((b) => b.owner === 'scope').map((b) => b.id);
    const order = scopeDisposedNow.filter((id) => early.includes(id));
    return JSON.stringify(order) === JSON.stringify([...early].reverse()) && early.every((id) => scopeDisposedNow.includes(id));
  }), runParameters(150));
  await flush();
  t.deepEqual(unhandled, []);
});
