// Issue 9, defects 2 and 3: an instance that arrives after its timeout, or while its container is disposing, is
// disposed exactly once, never leaked. (Issue 21: dispose() no longer waits for it; it is disposed on arrival.)
import test from 'ava';
import { setImmediate as macrotask } from 'node:timers/promises';
import { createContainer, token, type LoopsafeError } from '../../src/index.js';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

test('a singleton that settles after its timeout is disposed with the container', async (t) => {
  const log: string[] = [];
  const { open, opened } = gate();
  const Slow = token<{ id: string }>('Slow');
  const c = createContainer().register(Slow, {
    timeout: 10,
    useFactory: async () => {
      await opened;
      return { id: 'late' };
    },
    dispose: (instance) => void log.push(instance.id),
  });
  t.is(((await t.throwsAsync(c.resolve(Slow))) as LoopsafeError).code, 'LOOPSAFE_ERR_PROVIDER_TIMEOUT');
  open();
  await macrotask(); // the late instance has arrived
  t.deepEqual(log, [], 'kept until its container goes');
  await c.dispose();
  t.deepEqual(log, ['late']);
});

test('a request-scoped instance that settles after its timeout, once its scope is gone, is disposed at once', async (t) => {
  t.timeout(10_000);
  const { open, opened } = gate();
  let disposedWith!: (id: string) => void;
  const disposed = new Promise<string>((resolve) => (disposedWith = resolve));
  const Slow = token<{ id: string }>('Slow');
  const c = createContainer().register(Slow, {
    lifetime: 'request',
    timeout: 10,
    useFactory: async () => {
      await opened;
      return { id: 'late' };
    },
    dispose: (instance) => disposedWith(instance.id),
  });
  t.teardown(() => c.dispose());
  const scope = c.createScope();
  t.is(((await t.throwsAsync(scope.resolve(Slow))) as LoopsafeError).code, 'LOOPSAFE_ERR_PROVIDER_TIMEOUT');
  await scope.dispose();
  open();
  t.is(await disposed, 'late');
});

test('container.dispose() does not wait for a singleton still being built, and disposes it exactly once on arrival', async (t) => {
  const log: string[] = [];
  const { open, opened } = gate();
  const arrived = gate();
  const Db = token<{ id: string }>('Db');
  const c = createContainer().register(Db, {
    useFactory: async () => {
      await opened;
      return { id: 'db' };
    },
    dispose: (db) => {
      log.push(db.id);
      arrived.open();
    },
  });
  const pending = c.resolve(Db);
  await c.dispose(); // Db's gate is shut: a dispose() that waited would never return
  t.is(((await t.throwsAsync(pending)) as LoopsafeError).code, 'LOOPSAFE_ERR_DISPOSED');
  t.deepEqual(log, []);
  open();
  await arrived.opened;
  await c.dispose();
  await macrotask();
  t.deepEqual(log, ['db'], 'exactly once');
});

test('container.dispose() does not wait for a request scope\'s construction in flight, and disposes it on arrival', async (t) => {
  const log: string[] = [];
  const { open, opened } = gate();
  const arrived = gate();
  const Conn = token<{ id: string }>('Conn');
  const c = createContainer().register(Conn, {
    lifetime: 'request',
    useFactory: async () => {
      await opened;
      return { id: 'conn' };
    },
    dispose: (conn) => {
      log.push(conn.id);
      arrived.open();
    },
  });
  const pending = c.createScope().resolve(Conn);
  await c.dispose();
  t.is(((await t.throwsAsync(pending)) as LoopsafeError).code, 'LOOPSAFE_ERR_DISPOSED');
  open();
  await arrived.opened;
  t.deepEqual(log, ['conn']);
});

test('a dependent whose dependency finishes while its owner disposes is not built', async (t) => {
  const log: string[] = [];
  const { open, opened } = gate();
  const Db = token<string>('Db');
  const Repo = token<string>('Repo');
  const c = createContainer()
    .register(Db, { useFactory: async () => { await opened; return 'db'; }, dispose: () => void log.push('Db') })
    .register(Repo, { inject: [Db], useFactory: (db) => { log.push('built Repo'); return `repo(${db})`; } });
  const pending = c.resolve(Repo);
  const disposing = c.dispose();
  open();
  await disposing;
  t.is(((await t.throwsAsync(pending)) as LoopsafeError).code, 'LOOPSAFE_ERR_DISPOSED');
  t.deepEqual(log, ['Db']);
});
