import test from 'ava';
import { setImmediate as tick } from 'node:timers/promises';
import { createContainer, DisposalError, token, type LoopsafeError } from '../../src/index.js';

function recorder() {
  const log: string[] = [];
  const make = (name: string, lifetime: 'singleton' | 'request' | 'transient' = 'request') => ({
    lifetime,
    useFactory: () => ({ name }),
    dispose: async () => {
      await tick();
      log.push(name);
    },
  });
  return { log, make };
}

test('a scope disposes what it created in reverse creation order, awaiting each', async (t) => {
  const { log, make } = recorder();
  const A = token('A'), B = token('B'), C = token('C');
  const c = createContainer()
    .register(A, make('A'))
    .register(B, { ...make('B'), inject: [A] })
    .register(C, { ...make('C'), inject: [B] });
  const scope = c.createScope();
  await scope.resolve(C);
  await scope.dispose();
  t.deepEqual(log, ['C', 'B', 'A']);
});

test('disposal runs exactly once, however often dispose is called', async (t) => {
  const { log, make } = recorder();
  const A = token('A');
  const c = createContainer().register(A, make('A'));
  const scope = c.createScope();
  await scope.resolve(A);
  const first = scope.dispose();
  t.is(scope.dispose(), first);
  await Promise.all([first, scope.dispose(), scope[Symbol.asyncDispose]()]);
  t.deepEqual(log, ['A']);
  t.true(scope.disposed);
});

test('await using disposes the scope at the end of the block', async (t) => {
  const { log, make } = recorder();
  const A = token('A');
  const c = createContainer().register(A, make('A'));
  {
    await using scope = c.createScope();
    await scope.resolve(A);
  }
  t.deepEqual(log, ['A']);
});

test("an instance's own Symbol.asyncDispose or Symbol.dispose is used when no dispose option is given", async (t) => {
  const log: string[] = [];
  class Conn {
    async [Symbol.asyncDispose]() {
      log.push('conn');
    }
  }
  class Timer {
    constructor(readonly conn: Conn) {}
    [Symbol.dispose]() {
      log.push('timer');
    }
  }
  const c = createContainer().register(Conn, { lifetime: 'request' }).register(Timer, { lifetime: 'request', inject: [Conn] });
  const scope = c.createScope();
  await scope.resolve(Timer);
  await scope.dispose();
  t.deepEqual(log, ['timer', 'conn']);
});

test('every disposer runs even if one throws; the failures come back as one coded error', async (t) => {
  const log: string[] = [];
  const A = token('A'), B = token('B'), C = token('C');
  const c = createContainer()
    .register(A, { lifetime: 'request', useFactory: () => 'a', dispose: () => void log.push('A') })
    .register(B, { lifetime: 'request', inject: [A], useFactory: () => 'b', dispose: () => { throw new Error('B broke'); } })
    .register(C, { lifetime: 'request', inject: [B], useFactory: () => 'c', dispose: async () => { throw new Error('C broke'); } });
  const scope = c.createScope();
  await scope.resolve(C);
  const error = (await t.throwsAsync(scope.dispose())) as DisposalError;
  t.true(error instanceof DisposalError);
  t.is(error.code, 'LOOPSAFE_ERR_DISPOSAL_FAILED');
  t.deepEqual(log, ['A']);
  t.true(error.cause instanceof AggregateError);
  t.deepEqual((error.cause as AggregateError).errors.map((e: Error) => e.message), ['C broke', 'B broke']);
  t.regex(error.message, /C \(C broke\), B \(B broke\)/);
});

test('values from outside (useValue and supplied) are never disposed by the container', async (t) => {
  let disposed = 0;
  const external = { [Symbol.asyncDispose]: async () => void disposed++ };
  const Ext = token<typeof external>('Ext'), Req = token<typeof external>('Req');
  const c = createContainer().register(Ext, { useValue: external }).register(Req, { supplied: true });
  const scope = c.createScope().supply(Req, external);
  await scope.resolve(Req);
  await c.resolve(Ext);
  await scope.dispose();
  await c.dispose();
  t.is(disposed, 0);
});

test('the container disposes open scopes first, then its singletons in reverse creation order', async (t) => {
  const { log, make } = recorder();
  const Pool = token('Pool'), Cache = token('Cache'), Uow = token('Uow');
  const c = createContainer()
    .register(Pool, make('Pool', 'singleton'))
    .register(Cache, { ...make('Cache', 'singleton'), inject: [Pool] })
    .register(Uow, { ...make('Uow'), inject: [Cache] });
  const scope = c.createScope();
  await scope.resolve(Uow);
  await c.dispose();
  t.deepEqual(log, ['Uow', 'Cache', 'Pool']);
  t.true(scope.disposed);
});

test('transients are disposed with the scope that resolved them', async (t) => {
  const { log, make } = recorder();
  const Tmp = token('Tmp');
  const c = createContainer().register(Tmp, make('Tmp', 'transient'));
  const scope = c.createScope();
  await scope.resolve(Tmp);
  await scope.resolve(Tmp);
  await scope.dispose();
  t.deepEqual(log, ['Tmp', 'Tmp']);
});

test('a disposed scope or container refuses to resolve with a coded error', async (t) => {
  const A = token('A');
  const c = createContainer().register(A, { lifetime: 'request', useFactory: () => 1 });
  const scope = c.createScope();
  await scope.dispose();
  t.is(((await t.throwsAsync(scope.resolve(A))) as LoopsafeError).code, 'LOOPSAFE_ERR_DISPOSED');
  await c.dispose();
  t.is(((t.throws(() => c.createScope())) as LoopsafeError).code, 'LOOPSAFE_ERR_DISPOSED');
  t.is(((await t.throwsAsync(c.resolve(A))) as LoopsafeError).code, 'LOOPSAFE_ERR_DISPOSED');
  t.is(((t.throws(() => c.resolveSync(A))) as LoopsafeError).code, 'LOOPSAFE_ERR_DISPOSED');
});

test('a scope disposed while an instance is still building lets its resolve go at once and disposes the instance when it arrives', async (t) => {
  const log: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let disposedOnArrival!: () => void;
  const arrived = new Promise<void>((resolve) => (disposedOnArrival = resolve));
  const Slow = token('Slow');
  const c = createContainer().register(Slow, {
    lifetime: 'request',
    useFactory: async () => {
      await gate;
      return 'slow';
    },
    dispose: () => {
      log.push('Slow');
      disposedOnArrival();
    },
  });
  const scope = c.createScope();
  const pending = scope.resolve(Slow);
  await scope.dispose(); // the gate is still shut: a dispose() that waited for the factory would never return
  t.is(((await t.throwsAsync(pending)) as LoopsafeError).code, 'LOOPSAFE_ERR_DISPOSED');
  t.deepEqual(log, [], 'nothing had been built');
  release();
  await arrived;
  await tick();
  t.deepEqual(log, ['Slow'], 'disposed once, on arrival');
});

test('a scope that created nothing to dispose disposes immediately', async (t) => {
  const A = token('A');
  const c = createContainer().register(A, { lifetime: 'request', useFactory: () => ({}) });
  const scope = c.createScope();
  await scope.resolve(A);
  await t.notThrowsAsync(scope.dispose());
});

test('container.dispose waits for a scope that is still disposing before it disposes the singletons', async (t) => {
  const log: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const Pool = token('Pool'), Uow = token('Uow');
  const c = createContainer()
    .register(Pool, { useFactory: () => 'pool', dispose: () => void log.push('Pool') })
    .register(Uow, { lifetime: 'request', inject: [Pool], useFactory: () => 'uow', dispose: async () => {
      await gate;
      log.push('Uow');
    } });
  const scope = c.createScope();
  await scope.resolve(Uow);
  const scopeDone = scope.dispose(); // its disposer is now waiting on the gate
  const containerDone = c.dispose();
  await tick();
  t.deepEqual(log, [], 'the singleton is not disposed under a scope that still uses it');
  release();
  await Promise.all([scopeDone, containerDone]);
  t.deepEqual(log, ['Uow', 'Pool']);
});
