/**
 * @fastify/awilix's own test suite (fastify/fastify-awilix, test/), its semantics ported to loopsafe/fastify:
 * disposal on close and per request, eager and async init, async dispose. Each case names the file and title it
 * comes from. @fastify/awilix makes disposal opt-in (disposeOnClose, disposeOnResponse, asyncDispose); loopsafe
 * always disposes, so its cases assert the behaviour those options turn on.
 */
import test from 'ava';
import fastify from 'fastify';
import { createContainer, LoopsafeError, provide, token, type Container } from '../../src/index.js';
import { createApp, FastifyRequestToken, loopsafePlugin, route } from '../../src/fastify/index.js';
import { signal } from '../helpers/http.js';

class UserRepository {
  disposeCounter = 0;
  dispose(): void {
    this.disposeCounter++;
  }
}
const Repo = token<UserRepository>('userRepository');
const RepoScoped = token<UserRepository>('userRepositoryScoped');

function containerWith(scopedDisposed?: () => void): { container: Container; stored: { single?: UserRepository; scoped?: UserRepository } } {
  const stored: { single?: UserRepository; scoped?: UserRepository } = {};
  const container = createContainer({
    providers: [
      provide(Repo, { useFactory: () => (stored.single = new UserRepository()), dispose: (r) => r.dispose() }),
      provide(RepoScoped, {
        lifetime: 'request',
        useFactory: () => (stored.scoped = new UserRepository()),
        dispose: (r) => {
          r.dispose();
          scopedDisposed?.();
        },
      }),
    ],
  });
  return { container, stored };
}

// test/fastifyAwilixPlugin.dispose.test.js, "dispose singletons" / "dispose app-scoped singletons on closing app correctly"
test('closing the app disposes the singletons it built, once', async (t) => {
  const { container, stored } = containerWith();
  const app = fastify();
  await app.register(loopsafePlugin, { container, shutdown: false });
  app.post('/', async () => {
    t.is((await app.di.resolve(Repo)).disposeCounter, 0);
    return { status: 'OK' };
  });
  t.is((await app.inject({ method: 'POST', url: '/' })).statusCode, 200);
  t.is(stored.single!.disposeCounter, 0);
  await app.close();
  t.is(stored.single!.disposeCounter, 1);
});

// test/fastifyAwilixPlugin.dispose.test.js, "dispose singletons" / "do not dispose app-scoped singletons on sending response"
test('sending a response disposes no singleton', async (t) => {
  const { container, stored } = containerWith();
  const app = fastify();
  t.teardown(() => app.close());
  await app.register(loopsafePlugin, { container, shutdown: false });
  app.post('/', async (request) => {
    await request.di.resolve(Repo);
    return { status: 'OK' };
  });
  t.is((await app.inject({ method: 'POST', url: '/' })).statusCode, 200);
  t.is((await app.inject({ method: 'POST', url: '/' })).statusCode, 200);
  t.is(stored.single!.disposeCounter, 0);
});

// test/fastifyAwilixPlugin.dispose.test.js, "dispose singletons" / "do not attempt to dispose request scope if response was returned before it was even created"
test('a response sent from an onRequest hook before the scope exists disposes nothing and logs no error', async (t) => {
  const { container, stored } = containerWith();
  const app = fastify();
  app.addHook('onRequest', async (_request, reply) => reply.send('OK'));
  await app.register(loopsafePlugin, { container, shutdown: false });
  let storedError: unknown = null;
  app.setErrorHandler(async (error, _request, reply) => {
    storedError = error;
    return reply.send('Error');
  });
  app.post('/', async (request) => (await request.di.resolve(Repo)) && 'unreachable');
  const response = await app.inject({ method: 'OPTIONS', url: '/' });
  t.is(response.statusCode, 200);
  t.is(response.body, 'OK');
  await app.close();
  t.is(storedError, null);
  t.is(stored.single, undefined, 'nothing was built, so nothing was disposed');
  t.is(stored.scoped, undefined);
});

// test/fastifyAwilixPlugin.dispose.test.js, "dispose singletons" / "dispose request-scoped singletons on sending response"
test('sending the response disposes the request-scoped instance, not the singleton', async (t) => {
  const gone = signal();
  const { container, stored } = containerWith(() => gone.resolve());
  const app = fastify();
  await app.register(loopsafePlugin, { container, shutdown: false });
  app.post('/', async (request) => {
    const [single, scoped] = [await request.di.resolve(Repo), await request.di.resolve(RepoScoped)];
    t.is(single.disposeCounter + scoped.disposeCounter, 0);
    return { status: 'OK' };
  });
  t.is((await app.inject({ method: 'POST', url: '/' })).statusCode, 200);
  await gone.promise;
  t.is(stored.scoped!.disposeCounter, 1);
  t.is(stored.single!.disposeCounter, 0);
  await app.close();
  t.is(stored.scoped!.disposeCounter, 1);
  t.is(stored.single!.disposeCounter, 1, 'loopsafe disposes the singleton on close (disposeOnClose is always on)');
});

// test/fastifyAwilixPlugin.dispose.test.js, "dispose singletons" / "do not dispose request-scoped singletons twice on closing app"
test('closing the app after a response does not dispose the request-scoped instance again', async (t) => {
  const gone = signal();
  const { container, stored } = containerWith(() => gone.resolve());
  const app = fastify();
  await app.register(loopsafePlugin, { container, shutdown: false });
  app.post('/', async (request) => {
    await request.di.resolve(Repo);
    await request.di.resolve(RepoScoped);
    return { status: 'OK' };
  });
  await app.inject({ method: 'POST', url: '/' });
  await gone.promise;
  await app.close();
  t.is(stored.scoped!.disposeCounter, 1);
  t.is(stored.single!.disposeCounter, 1);
});

// test/awilixManager.test.js, "performs eager injection if enabled"
test('an eager singleton is built by the time the app is ready', async (t) => {
  let inited = false;
  const Dep = token<object>('dependency1');
  const app = await createApp({ providers: [provide(Dep, { eager: true, useFactory: () => ((inited = true), {}) })], shutdown: false });
  t.teardown(() => app.close());
  t.true(inited);
});

// test/awilixManager.test.js, "performs async init if enabled"
test('an eager async factory has settled by the time the app is ready', async (t) => {
  let inited = false;
  const Dep = token<object>('dependency1');
  const app = await createApp({
    providers: [provide(Dep, { eager: true, useFactory: async () => {
      await new Promise((resolve) => setImmediate(resolve));
      inited = true;
      return {};
    } })],
    shutdown: false,
  });
  t.teardown(() => app.close());
  t.true(inited);
});

// test/awilixManager.test.js, "performs async dispose if enabled"
test('app.close() awaits an async disposer', async (t) => {
  let disposed = false;
  const Dep = token<object>('dependency1');
  const app = await createApp({
    providers: [provide(Dep, { eager: true, useFactory: () => ({}), dispose: async () => {
      await new Promise((resolve) => setImmediate(resolve));
      disposed = true;
    } })],
    shutdown: false,
  });
  await app.close();
  t.true(disposed);
});

// test/fastifyAwilixPlugin.test.js, "inject singleton" / "injects correctly"
test('a handler resolves classes, sync and async factories and values from app.di and request.di', async (t) => {
  class Repository {
    readonly id = 'userRepository';
  }
  const MaxUserName = token<number>('maxUserName');
  const MaxUserPassword = token<number>('maxUserPassword');
  const MaxEmail = token<number>('maxEmail');
  class UserService {
    constructor(readonly userRepository: Repository, readonly maxUserName: number, readonly maxEmail: number) {}
  }
  const app = await createApp({
    providers: [
      provide(Repository, { inject: [] }),
      provide(MaxUserName, { useFactory: () => 10 }),
      provide(MaxUserPassword, { useFactory: async () => 20 }),
      provide(MaxEmail, { useValue: 40 }),
      provide(UserService, { inject: [Repository, MaxUserName, MaxEmail] }),
    ],
    routes: [route({
      method: 'POST',
      url: '/',
      inject: [MaxUserPassword],
      handler: async ([fromRoute], request) => {
        const userService = await request.server.di.resolve(UserService);
        return {
          repo: userService.userRepository.id,
          name: userService.maxUserName,
          email: userService.maxEmail,
          password: await request.di.resolve(MaxUserPassword),
          fromRoute,
        };
      },
    })],
    shutdown: false,
  });
  t.teardown(() => app.close());
  const response = await app.inject({ method: 'POST', url: '/' });
  t.is(response.statusCode, 200);
  t.deepEqual(response.json(), { repo: 'userRepository', name: 10, email: 40, password: 20, fromRoute: 20 });
});

// test/fastifyAwilixPlugin.test.js, "plugin" / "handles DI timeout" (an asyncInit that throws rejects app.ready())
test('an eager async factory that fails rejects the boot with a coded error carrying the cause', async (t) => {
  const ThrowAnError = token<object>('throwAnError');
  const error = await t.throwsAsync(createApp({
    providers: [provide(ThrowAnError, { eager: true, useFactory: async () => {
      throw new Error('failed to init');
    } })],
    shutdown: false,
  }));
  t.true(LoopsafeError.is(error, 'LOOPSAFE_ERR_PROVIDER_FAILED'));
  t.is(((error as Error).cause as Error).message, 'failed to init');
});

// test/fastifyAwilixPlugin.test.js, "constructor" / "throws an error if both injection mode and container are specified"
// loopsafe's plugin takes only a container (no injection modes); an option it cannot use is a coded error.
test('the plugin refuses a missing container with a coded error', async (t) => {
  const app = fastify();
  t.teardown(() => app.close());
  const error = await t.throwsAsync(app.register(loopsafePlugin, { container: undefined as unknown as Container }).ready());
  t.true(LoopsafeError.is(error, 'LOOPSAFE_ERR_OPTION_INVALID'));
});

// @fastify/awilix README "Usage": `diContainer` is created when the module is imported, so two apps share it.
// Difference: loopsafe creates nothing at import; each app has its own container and its own singletons.
test('two apps have two containers, and their request scopes see only their own singletons', async (t) => {
  let made = 0;
  const Counter = token<number>('counter');
  const Seen = token<number>('seen');
  const build = () => createApp({
    providers: [
      provide(Counter, { useFactory: () => ++made }),
      provide(Seen, { lifetime: 'request', inject: [Counter, FastifyRequestToken], useFactory: (n) => n }),
    ],
    routes: [route({ method: 'GET', url: '/', inject: [Seen], handler: ([n]) => ({ n }) })],
    shutdown: false,
  });
  const [a, b] = [await build(), await build()];
  t.teardown(() => Promise.all([a.close(), b.close()]));
  t.not(a.di, b.di);
  t.deepEqual([(await a.inject('/')).json(), (await b.inject('/')).json(), (await a.inject('/')).json()], [{ n: 1 }, { n: 2 }, { n: 1 }]);
});
