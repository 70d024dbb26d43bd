import test from 'ava';
import { setImmediate as tick } from 'node:timers/promises';
import { createContainer, token, type LoopsafeError } from '../../src/index.js';

type PathError = LoopsafeError & { path: string[] };

test('concurrent first resolutions of a singleton build exactly one instance', async (t) => {
  const Pool = token<object>('Pool');
  let builds = 0;
  const c = createContainer().register(Pool, {
    useFactory: async () => {
      builds++;
      await tick();
      return {};
    },
  });
  const all = await Promise.all(Array.from({ length: 100 }, () => c.resolve(Pool)));
  t.is(builds, 1);
  t.is(new Set(all).size, 1);
});

test('concurrent first resolutions of a request-scoped provider build one instance per scope', async (t) => {
  const Uow = token<object>('Uow');
  let builds = 0;
  const c = createContainer().register(Uow, {
    lifetime: 'request',
    useFactory: async () => {
      builds++;
      await tick();
      return {};
    },
  });
  const one = c.createScope();
  const two = c.createScope();
  const [a, b, x, y] = await Promise.all([one.resolve(Uow), one.resolve(Uow), two.resolve(Uow), two.resolve(Uow)]);
  t.is(builds, 2);
  t.is(a, b);
  t.is(x, y);
  t.not(a, x);
});

test('independent async dependencies of one provider are built concurrently, not one after the other', async (t) => {
  const events: string[] = [];
  const connection = (name: string) => async () => {
    events.push(`${name} start`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    events.push(`${name} end`);
    return name;
  };
  const Primary = token<string>('Primary'), Replica = token<string>('Replica'), Repo = token<string[]>('Repo');
  const c = createContainer()
    .register(Primary, { useFactory: connection('primary') })
    .register(Replica, { useFactory: connection('replica') })
    .register(Repo, { eager: true, inject: [Primary, Replica], useFactory: (p, r) => [p, r] });
  await c.boot();
  t.deepEqual(events.slice(0, 2).sort(), ['primary start', 'replica start'], 'both connections started before either finished');
  t.deepEqual(await c.resolve(Repo), ['primary', 'replica']);
});

test('a factory that rejects is not cached: every waiter gets the same coded error, the next resolve retries', async (t) => {
  const Flaky = token<string>('Flaky');
  let attempts = 0;
  const c = createContainer().register(Flaky, {
    useFactory: async () => {
      attempts++;
      await tick();
      if (attempts === 1) throw new Error('connection refused');
      return 'ok';
    },
  });
  const results = await Promise.allSettled([c.resolve(Flaky), c.resolve(Flaky), c.resolve(Flaky)]);
  t.is(attempts, 1);
  const reasons = results.map((r) => (r.status === 'rejected' ? (r.reason as PathError) : undefined));
  t.is(new Set(reasons).size, 1, 'all three callers got the same error object');
  t.is(reasons[0]?.code, 'LOOPSAFE_ERR_PROVIDER_FAILED');
  t.deepEqual(reasons[0]?.path, ['Flaky']);
  t.is((reasons[0]?.cause as Error).message, 'connection refused');
  t.is(await c.resolve(Flaky), 'ok');
  t.is(attempts, 2);
});

test('a failure deep in the graph names the path it was reached by', async (t) => {
  const Db = token('Db'), Repo = token('Repo'), Svc = token('UserService');
  const c = createContainer()
    .register(Db, { useFactory: async () => Promise.reject(new Error('ECONNREFUSED')) })
    .register(Repo, { lifetime: 'request', inject: [Db], useFactory: () => 1 })
    .register(Svc, { lifetime: 'request', inject: [Repo], useFactory: () => 1 });
  const error = (await t.throwsAsync(c.createScope().resolve(Svc))) as PathError;
  t.is(error.code, 'LOOPSAFE_ERR_PROVIDER_FAILED');
  t.deepEqual(error.path, ['UserService', 'Repo', 'Db']);
  t.regex(error.message, /UserService -> Repo -> Db/);
});

test('a factory that never settles fails with a timeout error instead of hanging', async (t) => {
  const Stuck = token('Stuck'), User = token('User');
  const c = createContainer({ timeout: 30 })
    .register(Stuck, { useFactory: () => new Promise(() => {}) })
    .register(User, { inject: [Stuck], useFactory: () => 1 });
  const error = (await t.throwsAsync(c.resolve(User))) as PathError;
  t.is(error.code, 'LOOPSAFE_ERR_PROVIDER_TIMEOUT');
  t.deepEqual(error.path, ['User', 'Stuck']);
});

test("a provider's own timeout wins over the container's, and 0 turns it off", async (t) => {
  const Quick = token('Quick'), Patient = token('Patient');
  const c = createContainer({ timeout: 10_000 })
    .register(Quick, { timeout: 20, useFactory: () => new Promise(() => {}) })
    .register(Patient, { timeout: 0, useFactory: () => new Promise((resolve) => setTimeout(() => resolve('late'), 40)) });
  t.is(((await t.throwsAsync(c.resolve(Quick))) as PathError).code, 'LOOPSAFE_ERR_PROVIDER_TIMEOUT');
  t.is(await c.resolve(Patient), 'late');
});

test('200 concurrent scopes resolving the same graph never see each other\'s request-scoped instances', async (t) => {
  const RequestId = token<number>('RequestId');
  const Session = token<{ id: number }>('Session');
  const Handler = token<{ session: { id: number }; id: number }>('Handler');
  const c = createContainer()
    .register(RequestId, { supplied: true })
    .register(Session, {
      lifetime: 'request',
      inject: [RequestId],
      useFactory: async (id) => {
        await new Promise((resolve) => setTimeout(resolve, (id * 7) % 5)); // interleave the scopes
        return { id };
      },
    })
    .register(Handler, { lifetime: 'request', inject: [Session, RequestId], useFactory: async (session, id) => {
      await tick();
      return { session, id };
    } });
  const results = await Promise.all(
    Array.from({ length: 200 }, async (_, id) => {
      const scope = c.createScope().supply(RequestId, id);
      const [h1, h2, s] = await Promise.all([scope.resolve(Handler), scope.resolve(Handler), scope.resolve(Session)]);
      await scope.dispose();
      return { id, h1, h2, s };
    }),
  );
  for (const { id, h1, h2, s } of results) {
    t.is(h1, h2);
    t.is(h1.session, s);
    t.is(s.id, id);
    t.is(h1.id, id);
  }
  t.is(new Set(results.map((r) => r.s)).size, 200);
});

test('among concurrent scopes, an error in one names only its own path', async (t) => {
  const RequestId = token<number>('RequestId');
  const Loader = token('Loader'), Page = token('Page'), Feed = token('Feed');
  const c = createContainer()
    .register(RequestId, { supplied: true })
    .register(Loader, { lifetime: 'request', inject: [RequestId], useFactory: async (id) => {
      await new Promise((resolve) => setTimeout(resolve, id % 3));
      if (id === 13) throw new Error('bad id 13');
      return id;
    } })
    .register(Page, { lifetime: 'request', inject: [Loader], useFactory: () => 'page' })
    .register(Feed, { lifetime: 'request', inject: [Loader], useFactory: () => 'feed' });
  const results = await Promise.allSettled(
    Array.from({ length: 200 }, (_, id) => c.createScope().supply(RequestId, id).resolve(id % 2 === 0 ? Feed : Page)),
  );
  const failures = results.flatMap((r, id) => (r.status === 'rejected' ? [{ id, error: r.reason as PathError }] : []));
  t.is(failures.length, 1);
  t.is(failures[0]?.id, 13);
  t.deepEqual(failures[0]?.error.path, ['Page', 'Loader']);
});

test('a request-scoped provider resolved from the container itself is refused', async (t) => {
  const Uow = token('Uow'), Helper = token('Helper');
  const c = createContainer()
    .register(Uow, { lifetime: 'request', useFactory: () => ({}) })
    .register(Helper, { lifetime: 'transient', inject: [Uow], useFactory: () => ({}) });
  const direct = (await t.throwsAsync(c.resolve(Uow))) as PathError;
  t.is(direct.code, 'LOOPSAFE_ERR_SCOPE_REQUIRED');
  const through = (await t.throwsAsync(c.resolve(Helper))) as PathError;
  t.is(through.code, 'LOOPSAFE_ERR_SCOPE_REQUIRED');
  t.deepEqual(through.path, ['Helper', 'Uow']);
});

test('supplied values: given once per scope, refused when missing or given twice', async (t) => {
  const RequestId = token<number>('RequestId'), Uow = token<number>('Uow'), Other = token<number>('Other');
  const c = createContainer()
    .register(RequestId, { supplied: true })
    .register(Other, { useValue: 1 })
    .register(Uow, { lifetime: 'request', inject: [RequestId], useFactory: (id) => id * 10 });
  t.is(await c.createScope().supply(RequestId, 4).resolve(Uow), 40);
  const missing = (await t.throwsAsync(c.createScope().resolve(Uow))) as PathError;
  t.is(missing.code, 'LOOPSAFE_ERR_SUPPLIED_MISSING');
  t.deepEqual(missing.path, ['Uow', 'RequestId']);
  const scope = c.createScope().supply(RequestId, 1);
  t.is((t.throws(() => scope.supply(RequestId, 2)) as LoopsafeError).code, 'LOOPSAFE_ERR_SUPPLY_INVALID');
  t.is((t.throws(() => scope.supply(Other, 2)) as LoopsafeError).code, 'LOOPSAFE_ERR_SUPPLY_INVALID');
});
