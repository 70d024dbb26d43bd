import test from 'ava';
import { LoopsafeError, provide, token } from '../../src/index.js';
import { Controller, Get, Inject, Params, route } from '../../src/fastify/index.js';
import { createTestApp } from '../../src/testing/index.js';

interface UserRepo {
  find(id: number): Promise<{ id: number; name: string } | undefined>;
}
const UserRepo = token<UserRepo>('UserRepo');
const Clock = token<() => number>('Clock');

@Controller('/users')
class UsersController {
  constructor(@Inject(UserRepo) private readonly users: UserRepo) {}

  @Get('/:id')
  async get(@Params('id') id: string, @Inject(Clock) now: () => number) {
    return { user: await this.users.find(Number(id)), at: now() };
  }
}

// The app's real graph: a repository that would need a database, and the wall clock.
const providers = [
  provide(UserRepo, { useFactory: async (): Promise<UserRepo> => Promise.reject(new Error('no database in this test run')) }),
  provide(Clock, { useValue: () => Date.now() }),
];

test('overrides replace providers by key while the rest of the app (controllers, routes) stays real', async (t) => {
  const fake: UserRepo = { find: async (id) => (id === 1 ? { id: 1, name: 'Ada' } : undefined) };
  const app = await createTestApp({ providers, controllers: [UsersController], overrides: [provide(UserRepo, { useValue: fake }), provide(Clock, { useValue: () => 42 })] }, t);
  const response = await app.inject('/users/1');
  t.is(response.statusCode, 200);
  t.deepEqual(response.json(), { user: { id: 1, name: 'Ada' }, at: 42 });
});

test('the app comes back booted: the graph is checked and eager singletons are built before the first inject()', async (t) => {
  let built = 0;
  const Db = token<{ n: number }>('Db');
  const app = await createTestApp({
    providers: [provide(Db, { eager: true, useFactory: () => ({ n: ++built }) })],
    routes: [route({ method: 'GET', url: '/n', inject: [Db], handler: ([db]) => ({ n: db.n }) })],
  }, t);
  t.is(built, 1);
  t.deepEqual((await app.inject('/n')).json(), { n: 1 });

  const error = await t.throwsAsync(createTestApp({ providers: [], routes: [route({ method: 'GET', url: '/n', inject: [Db], handler: ([db]) => db })] }, t));
  t.true(LoopsafeError.is(error, 'LOOPSAFE_ERR_BOOT'));
});

test('a test app installs no signal handler, so SIGTERM stays the test runner\'s', async (t) => {
  const before = process.listenerCount('SIGTERM');
  await createTestApp({ providers }, t);
  t.is(process.listenerCount('SIGTERM'), before);
});

test('without a test context the caller closes the app; a context without teardown() is refused with a coded error', async (t) => {
  let disposed = 0;
  const Resource = token<object>('Resource');
  const app = await createTestApp({ providers: [provide(Resource, { eager: true, useFactory: () => ({}), dispose: () => void disposed++ })] });
  t.is(disposed, 0);
  await app.close();
  t.is(disposed, 1);
  const error = await t.throwsAsync(createTestApp({ providers }, {} as never));
  t.true(LoopsafeError.is(error, 'LOOPSAFE_ERR_OPTION_INVALID'));
});

// Serial pair: ava runs a test's teardowns before the next serial test starts.
const closed: string[] = [];

test.serial('given t, the app is closed in t.teardown(): request scopes, then singletons disposed (1/2)', async (t) => {
  const Resource = token<object>('Resource');
  const app = await createTestApp({ providers: [provide(Resource, { eager: true, useFactory: () => ({}), dispose: () => void closed.push('Resource') })] }, t);
  app.addHook('onClose', async () => void closed.push('app'));
  t.deepEqual(closed, []);
});

test.serial('given t, the app is closed in t.teardown(): request scopes, then singletons disposed (2/2)', (t) => {
  t.deepEqual(closed.sort(), ['Resource', 'app']);
});

test.serial('a test that closes its app itself does not break the teardown', async (t) => {
  const app = await createTestApp({ providers }, t);
  await app.close();
  // The teardown closes it again after this test: a second close resolves rather than throws.
  await t.notThrowsAsync(app.close());
});
