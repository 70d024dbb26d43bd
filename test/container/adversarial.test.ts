/**
 * Adversarial use of the container: what a hurried or hostile caller does at the edges of each promise the README
 * makes (disposal, resolution, supply, overrides, concurrency, odd values).
 */
import test from 'ava';
import { setImmediate as tick } from 'node:timers/promises';
import { createContainer, LoopsafeError, token, type DisposalError } from '../../src/index.js';

const codeOf = (error: unknown): string | undefined => (error as { code?: string } | undefined)?.code;

/** Settles with 'hung' if `p` has not settled after `turns` macrotask turns (bounded by turns, not by time). */
async function within<T>(p: Promise<T>, turns = 200): Promise<T | 'hung'> {
  let done = false;
  const guarded = p.finally(() => (done = true));
  for (let i = 0; i < turns && !done; i++) await tick();
  return done ? guarded : 'hung';
}

/** Records unhandled rejections during a test, so a stray one fails it instead of crashing the worker later. */
function watchUnhandled(t: { teardown(fn: () => void): void }): unknown[] {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => void seen.push(reason);
  process.on('unhandledRejection', listener);
  t.teardown(() => process.off('unhandledRejection', listener));
  return seen;
}

test('a disposer that resolves from its own scope gets a coded DisposedError; the other disposers still run', async (t) => {
  const log: string[] = [];
  const A = token<object>('A');
  const B = token<object>('B');
  const c = createContainer()
    .register(A, { lifetime: 'request', useFactory: () => ({}), dispose: () => void log.push('A') })
    .register(B, { lifetime: 'request', useFactory: () => ({}), dispose: async () => {
      const error = await scope.resolve(A).catch((e: unknown) => e);
      log.push(`B resolve: ${codeOf(error)}`);
    } });
  const scope = c.createScope();
  await scope.resolve(A);
  await scope.resolve(B);
  await scope.dispose();
  t.deepEqual(log, ['B resolve: LOOPSAFE_ERR_DISPOSED', 'A']);
});

test('a disposer that resolves a provider its scope never built gets a coded error, and nothing is built', async (t) => {
  // Regression: the scope counted as open while its disposers' synchronous part ran, so C was built (in 0.1 into
  // the emptied list, never disposed; after in-flight tracking, only to be disposed at once).
  const log: string[] = [];
  const B = token<object>('B');
  const C = token<object>('C');
  const c = createContainer()
    .register(C, { lifetime: 'request', useFactory: () => ({}), dispose: () => void log.push('C disposed') })
    .register(B, { lifetime: 'request', useFactory: () => ({}), dispose: async () => {
      log.push(`B resolve C: ${await scope.resolve(C).then(() => 'built', (e: unknown) => codeOf(e))}`);
    } });
  const scope = c.createScope();
  await scope.resolve(B);
  await scope.dispose();
  await c.dispose();
  t.deepEqual(log, ['B resolve C: LOOPSAFE_ERR_DISPOSED']);
});

test('a disposer that resolves a singleton from the container while the container disposes gets a coded DisposedError', async (t) => {
  let seen: string | undefined;
  const Db = token<object>('Db');
  const Cache = token<object>('Cache');
  const c = createContainer()
    .register(Db, { useFactory: () => ({}) })
    .register(Cache, { useFactory: () => ({}), dispose: async () => {
      seen = codeOf(await c.resolve(Db).catch((e: unknown) => e));
    } });
  await c.resolve(Cache);
  await c.dispose();
  t.is(seen, 'LOOPSAFE_ERR_DISPOSED');
});

test('disposing a scope while its async factory runs: its resolve rejects DISPOSED at once, the late instance is disposed exactly once', async (t) => {
  const unhandled = watchUnhandled(t);
  const disposed: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const Conn = token<{ id: string }>('Conn');
  // timeout 0: only the gate settles the factory, however long a loaded machine takes to get there.
  const c = createContainer({ timeout: 0 }).register(Conn, { lifetime: 'request', useFactory: async () => {
    await gate;
    return { id: 'late' };
  }, dispose: (conn) => void disposed.push(conn.id) });
  const scope = c.createScope();
  const pending = scope.resolve(Conn).then((conn) => conn.id, (error: unknown) => codeOf(error));
  await tick();
  const disposing = scope.dispose();
  t.true(scope.disposed);
  t.is(codeOf(await scope.resolve(Conn).catch((e: unknown) => e)), 'LOOPSAFE_ERR_DISPOSED', 'no new resolve once disposal began');
  await disposing; // the gate is shut
  t.is(await pending, 'LOOPSAFE_ERR_DISPOSED', 'the caller is let go without the instance');
  release();
  for (let i = 0; i < 5 && disposed.length === 0; i++) await tick();
  t.deepEqual(disposed, ['late']);
  await tick();
  t.deepEqual(disposed, ['late'], 'once');
  t.deepEqual(unhandled, []);
});

test('a rejection that arrives after its scope was disposed reaches nobody, with no unhandled rejection', async (t) => {
  const unhandled = watchUnhandled(t);
  let fail!: (error: Error) => void;
  const Slow = token<object>('Slow');
  const c = createContainer({ timeout: 0 }).register(Slow, { lifetime: 'request', useFactory: () => new Promise<object>((_, reject) => (fail = reject)) });
  const scope = c.createScope();
  const pending = scope.resolve(Slow);
  await tick();
  const disposing = scope.dispose();
  fail(new Error('connection refused'));
  await t.notThrowsAsync(disposing);
  const error = await t.throwsAsync(pending);
  t.is(codeOf(error), 'LOOPSAFE_ERR_DISPOSED');
  await tick();
  t.deepEqual(unhandled, []);
});

test('a factory that throws synchronously rejects the promise (resolve never throws) with the path and the cause', async (t) => {
  const Db = token<object>('Db');
  const Repo = token<object>('Repo');
  const c = createContainer()
    .register(Db, { useFactory: () => {
      throw new TypeError('bad url');
    } })
    .register(Repo, { inject: [Db], useFactory: (db) => ({ db }) });
  let promise: Promise<unknown> | undefined;
  t.notThrows(() => (promise = c.resolve(Repo)));
  const error = await t.throwsAsync(promise!);
  t.is(codeOf(error), 'LOOPSAFE_ERR_PROVIDER_FAILED');
  t.deepEqual((error as unknown as { path: string[] }).path, ['Repo', 'Db']);
  t.true(error.cause instanceof TypeError);
});

test('a sync throw beside async siblings already started leaves no unhandled rejection behind', async (t) => {
  const unhandled = watchUnhandled(t);
  const Slow = token<object>('Slow');
  const Slower = token<object>('Slower');
  const Broken = token<object>('Broken');
  const Top = token<object>('Top');
  const c = createContainer()
    .register(Slow, { lifetime: 'transient', useFactory: async () => {
      await tick();
      throw new Error('slow failed too');
    } })
    .register(Slower, { lifetime: 'transient', useFactory: async () => {
      await tick();
      await tick();
      throw new Error('slower failed too');
    } })
    .register(Broken, { lifetime: 'transient', useFactory: () => {
      throw new Error('sync');
    } })
    .register(Top, { inject: [Slow, Slower, Broken], useFactory: () => ({}) });
  const error = await t.throwsAsync(c.resolve(Top));
  t.deepEqual((error as unknown as { path: string[] }).path, ['Top', 'Broken']);
  for (let i = 0; i < 4; i++) await tick();
  t.deepEqual(unhandled, []);
});

test('what a factory throws need not be an Error: a string, undefined or null is still the cause of a coded error', async (t) => {
  for (const thrown of ['just a string', undefined, null]) {
    const K = token<object>('K');
    const c = createContainer().register(K, { useFactory: () => {
      throw thrown;
    } });
    const error = await t.throwsAsync(c.resolve(K));
    t.is(codeOf(error), 'LOOPSAFE_ERR_PROVIDER_FAILED');
    t.is(error.cause, thrown);
  }
});

test('supply() twice, supply() after the value was resolved, and supply() after dispose are coded errors; the first value stays', async (t) => {
  const RequestId = token<number>('RequestId');
  const c = createContainer().register(RequestId, { supplied: true });
  const scope = c.createScope().supply(RequestId, 1);
  t.is(codeOf(t.throws(() => scope.supply(RequestId, 2))), 'LOOPSAFE_ERR_SUPPLY_INVALID');
  t.is(await scope.resolve(RequestId), 1);
  await scope.dispose();
  t.is(codeOf(t.throws(() => scope.supply(RequestId, 3))), 'LOOPSAFE_ERR_DISPOSED');
  const unsupplied = c.createScope();
  t.is(codeOf(await t.throwsAsync(unsupplied.resolve(RequestId))), 'LOOPSAFE_ERR_SUPPLIED_MISSING');
});

test('supply() for a key that is not declared supplied, or not registered at all, is a coded error', (t) => {
  const Db = token<object>('Db');
  const Stranger = token<object>('Stranger');
  const c = createContainer().register(Db, { useFactory: () => ({}) });
  const scope = c.createScope();
  t.is(codeOf(t.throws(() => scope.supply(Db, {}))), 'LOOPSAFE_ERR_SUPPLY_INVALID');
  t.is(codeOf(t.throws(() => scope.supply(Stranger, {}))), 'LOOPSAFE_ERR_PROVIDER_MISSING');
});

test('override() and register() after boot are refused with a coded error, and the booted graph is unchanged', async (t) => {
  const Db = token<string>('Db');
  const c = createContainer().register(Db, { useValue: 'real' });
  await c.boot();
  t.is(codeOf(t.throws(() => c.override(Db, { useValue: 'fake' }))), 'LOOPSAFE_ERR_CONTAINER_FROZEN');
  t.is(codeOf(t.throws(() => c.register(token('Late'), { useValue: 1 }))), 'LOOPSAFE_ERR_CONTAINER_FROZEN');
  t.is(await c.resolve(Db), 'real');
});

test('override() after a scope was created (which checks the graph) is refused too', (t) => {
  const Db = token<string>('Db');
  const c = createContainer().register(Db, { useValue: 'real' });
  c.createScope();
  t.is(codeOf(t.throws(() => c.override(Db, { useValue: 'fake' }))), 'LOOPSAFE_ERR_CONTAINER_FROZEN');
});

test('1,000 concurrent scopes: one singleton, one request instance each with its own supplied value, each disposed once', async (t) => {
  let singletons = 0;
  const disposed = new Map<number, number>();
  const RequestId = token<number>('RequestId');
  const Pool = token<{ n: number }>('Pool');
  const Unit = token<{ id: number; pool: { n: number } }>('Unit');
  const c = createContainer()
    .register(RequestId, { supplied: true })
    .register(Pool, { useFactory: async () => {
      await tick();
      return { n: ++singletons };
    } })
    .register(Unit, { lifetime: 'request', inject: [RequestId, Pool], useFactory: async (id, pool) => {
      if (id % 3 === 0) await tick();
      return { id, pool };
    }, dispose: (unit) => void disposed.set(unit.id, (disposed.get(unit.id) ?? 0) + 1) });
  await c.boot();
  const ids = Array.from({ length: 1000 }, (_, i) => i);
  const units = await Promise.all(ids.map(async (id) => {
    const scope = c.createScope().supply(RequestId, id);
    const [a, b] = await Promise.all([scope.resolve(Unit), scope.resolve(Unit)]);
    if (a !== b) throw new Error(`scope ${id} built two units`);
    await scope.dispose();
    return a;
  }));
  t.deepEqual(units.map((u) => u.id), ids);
  t.is(singletons, 1);
  t.true(units.every((u) => u.pool === units[0]!.pool));
  t.is(disposed.size, 1000);
  t.true([...disposed.values()].every((n) => n === 1));
});

test('concurrent first resolutions of a failing singleton share one attempt and one error; the next resolve tries again', async (t) => {
  let attempts = 0;
  const Db = token<string>('Db');
  const c = createContainer().register(Db, { useFactory: async () => {
    attempts++;
    await tick();
    if (attempts === 1) throw new Error('first attempt fails');
    return 'connected';
  } });
  const results = await Promise.allSettled(Array.from({ length: 10 }, () => c.resolve(Db)));
  t.is(attempts, 1);
  const reasons = results.map((r) => (r.status === 'rejected' ? r.reason : undefined));
  t.true(reasons.every((r) => codeOf(r) === 'LOOPSAFE_ERR_PROVIDER_FAILED'));
  t.is(await c.resolve(Db), 'connected');
  t.is(attempts, 2);
});

test('a factory that returns a thenable which is not a Promise is awaited like one', async (t) => {
  const Legacy = token<string>('Legacy');
  const c = createContainer().register(Legacy, { useFactory: () => ({
    then(onFulfilled: (value: string) => void) {
      setImmediate(() => onFulfilled('settled'));
    },
  }) as unknown as PromiseLike<string> });
  t.is(await c.resolve(Legacy), 'settled');
});

test('a factory returning a thenable that never calls back fails with the timeout, not a hang', async (t) => {
  const Stuck = token<string>('Stuck');
  const c = createContainer({ timeout: 20 }).register(Stuck, { useFactory: () => ({ then() {} }) as unknown as PromiseLike<string> });
  t.is(codeOf(await t.throwsAsync(c.resolve(Stuck))), 'LOOPSAFE_ERR_PROVIDER_TIMEOUT');
});

test('two tokens with the same name are two providers; a string key with that name is a third', async (t) => {
  const first = token<string>('Config');
  const second = token<string>('Config');
  const c = createContainer().register(first, { useValue: 'one' }).register(second, { useValue: 'two' }).register('Config', { useValue: 'three' });
  t.deepEqual([await c.resolve(first), await c.resolve(second), await c.resolve('Config')], ['one', 'two', 'three']);
});

test('a missing provider between two same-named tokens names the right one in its path, telling the two apart', (t) => {
  const A1 = token('A');
  const A2 = token('A');
  const Missing = token('Missing');
  const c = createContainer().register(A1, { inject: [A2], useFactory: () => 1 }).register(A2, { inject: [Missing], useFactory: () => 2 });
  const error = t.throws(() => c.check()) as unknown as { problems: { code: string; path: string[] }[] };
  t.deepEqual(error.problems.map((p) => [p.code, p.path]), [['LOOPSAFE_ERR_PROVIDER_MISSING', ['A', 'A#2', 'Missing']]]);
});

test('a singleton factory that returns undefined is built once: undefined is an instance, not an empty slot', async (t) => {
  let calls = 0;
  const Nothing = token<undefined>('Nothing');
  const c = createContainer().register(Nothing, { useFactory: () => void calls++ });
  t.is(await c.resolve(Nothing), undefined);
  t.is(await c.resolve(Nothing), undefined);
  t.is(c.resolveSync(Nothing), undefined);
  t.is(calls, 1);
});

test('resolveSync refusing an async singleton leaves the construction running; the next resolve shares it', async (t) => {
  const unhandled = watchUnhandled(t);
  let built = 0;
  const Db = token<{ n: number }>('Db');
  const c = createContainer().register(Db, { useFactory: async () => {
    await tick();
    return { n: ++built };
  } });
  t.is(codeOf(t.throws(() => c.resolveSync(Db))), 'LOOPSAFE_ERR_ASYNC_PROVIDER');
  const db = await c.resolve(Db);
  t.is(built, 1);
  t.is(c.resolveSync(Db), db);
  t.deepEqual(unhandled, []);
});

test('container.dispose() called twice at once disposes once; every disposer runs even when one throws', async (t) => {
  const log: string[] = [];
  const [A, B, C] = [token('A'), token('B'), token('C')];
  const c = createContainer()
    .register(A, { useFactory: () => ({}), dispose: () => void log.push('A') })
    .register(B, { inject: [A], useFactory: () => ({}), dispose: () => {
      log.push('B');
      throw new Error('B will not close');
    } })
    .register(C, { inject: [B], useFactory: () => ({}), dispose: () => void log.push('C') });
  await c.resolve(C);
  const [first, second] = await Promise.allSettled([c.dispose(), c.dispose()]);
  t.deepEqual(log, ['C', 'B', 'A']);
  t.is(first.status, 'rejected');
  t.is(second.status, 'rejected');
  const error = (first as PromiseRejectedResult).reason as DisposalError;
  t.is(error.code, 'LOOPSAFE_ERR_DISPOSAL_FAILED');
  t.is(codeOf(await c.resolve(A).catch((e: unknown) => e)), 'LOOPSAFE_ERR_DISPOSED');
  t.is(codeOf(t.throws(() => c.createScope())), 'LOOPSAFE_ERR_DISPOSED');
});

test('resolving an unregistered key at run time is a coded rejection naming the key', async (t) => {
  const c = createContainer();
  c.check();
  const error = await t.throwsAsync(c.resolve(token('Nobody')));
  t.true(LoopsafeError.is(error, 'LOOPSAFE_ERR_PROVIDER_MISSING'));
  t.deepEqual((error as unknown as { path: string[] }).path, ['Nobody']);
});

test('a failed eager boot disposes nothing it did not build and can be retried', async (t) => {
  let attempts = 0;
  const Db = token<object>('Db');
  const c = createContainer().register(Db, { eager: true, useFactory: async () => {
    if (++attempts === 1) throw new Error('not yet');
    return {};
  } });
  t.is(codeOf(await t.throwsAsync(c.boot())), 'LOOPSAFE_ERR_PROVIDER_FAILED');
  await t.notThrowsAsync(c.boot());
  t.is(c.boot(), c.boot(), 'a successful boot returns the same promise');
  t.is(attempts, 2);
});

// The cases below failed on 0.1 (issue 9 items 1, 2, 3 and 5) and pass since core's fixes were merged (the
// 100,000-deep chain of item 4 is test/regressions/deep-graphs.test.ts).

test('a useValue thenable injected beside an async dependency is injected as it is, not awaited', async (t) => {
  const Reply = token<{ then(): void }>('Reply');
  const Db = token<string>('Db');
  const Handler = token<unknown[]>('Handler');
  const reply = { then() {} };
  const c = createContainer({ timeout: 0 })
    .register(Reply, { useValue: reply })
    .register(Db, { useFactory: async () => 'db' })
    .register(Handler, { inject: [Reply, Db], useFactory: (r, d) => [r, d] });
  const result = await within(c.resolve(Handler));
  t.not(result, 'hung');
  if (result !== 'hung') t.is(result[0], reply);
});

test('a factory that settles after its timeout has its late instance disposed', async (t) => {
  const disposed: string[] = [];
  let release!: () => void;
  const Slow = token<{ id: string }>('Slow');
  const c = createContainer({ timeout: 10 }).register(Slow, {
    useFactory: () => new Promise<{ id: string }>((resolve) => (release = () => resolve({ id: 'late' }))),
    dispose: (s) => void disposed.push(s.id),
  });
  t.is(codeOf(await t.throwsAsync(c.resolve(Slow))), 'LOOPSAFE_ERR_PROVIDER_TIMEOUT');
  release();
  await c.dispose();
  t.deepEqual(disposed, ['late']);
});

test('container.dispose() returns while a singleton is still being built, and disposes it once when it arrives', async (t) => {
  const disposed: string[] = [];
  let release!: () => void;
  const Db = token<{ id: string }>('Db');
  const c = createContainer({ timeout: 0 }).register(Db, {
    useFactory: () => new Promise<{ id: string }>((resolve) => (release = () => resolve({ id: 'db' }))),
    dispose: (d) => void disposed.push(d.id),
  });
  const pending = c.resolve(Db).catch((error: unknown) => codeOf(error));
  await tick();
  await c.dispose(); // the factory has not settled
  t.is(await pending, 'LOOPSAFE_ERR_DISPOSED');
  release();
  for (let i = 0; i < 5 && disposed.length === 0; i++) await tick();
  t.deepEqual(disposed, ['db']);
});

test('two independent cycles between same-named tokens are two problems', (t) => {
  const [A1, B1, A2, B2] = [token('A'), token('B'), token('A'), token('B')];
  const c = createContainer()
    .register(A1, { inject: [B1], useFactory: () => 1 }).register(B1, { inject: [A1], useFactory: () => 1 })
    .register(A2, { inject: [B2], useFactory: () => 1 }).register(B2, { inject: [A2], useFactory: () => 1 });
  const error = t.throws(() => c.check()) as unknown as { problems: { code: string }[] };
  t.deepEqual(error.problems.map((p) => p.code), ['LOOPSAFE_ERR_CYCLE', 'LOOPSAFE_ERR_CYCLE']);
});
