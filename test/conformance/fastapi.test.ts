/**
 * FastAPI's dependency tests (fastapi/fastapi, tests/test_dependency_*.py), their semantics ported to
 * loopsafe/fastify: a yield dependency is a request-scoped provider with a disposer, `use_cache=False` is a
 * transient, `app.dependency_overrides` is `overrides`. Each case names the file and test function it comes
 * from. Where loopsafe differs on purpose the case asserts loopsafe's behaviour and says so; README "Differences
 * from awilix, NestJS, inversify and FastAPI" lists each one.
 */
import test from 'ava';
import { Writable } from 'node:stream';
import { LoopsafeError, provide, token, type BootError, type Registration } from '../../src/index.js';
import { createApp, route, type RouteDeclaration } from '../../src/fastify/index.js';
import { signal } from '../helpers/http.js';

type State = Record<string, string>;

async function app(t: { teardown(fn: () => unknown): void }, providers: Registration[], routes: RouteDeclaration[], overrides: Registration[] = []) {
  const built = await createApp({ providers, routes, overrides, shutdown: false, fastify: { logger: false } });
  t.teardown(() => built.close());
  return built;
}

/** A yield dependency: sets `started` when built, `completed` when disposed, and signals its disposal. */
function yieldDep(state: State, key: string, async: boolean) {
  const done = signal();
  const Dep = token<string>(key);
  const factory = () => (state[key] = `${key} started`);
  const registration = provide(Dep, {
    lifetime: 'request',
    useFactory: async ? async () => factory() : factory,
    dispose: async
      ? async () => {
        await new Promise((resolve) => setImmediate(resolve));
        state[key] = `${key} completed`;
        done.resolve();
      }
      : () => {
        state[key] = `${key} completed`;
        done.resolve();
      },
  });
  return { Dep, registration, disposed: done.promise };
}

for (const async of [true, false]) {
  const kind = async ? 'async' : 'sync';

  // tests/test_dependency_contextmanager.py, test_async_state / test_sync_state
  test(`${kind}: a request-scoped dependency is open while the handler runs and cleaned up after the response`, async (t) => {
    const state: State = {};
    const { Dep, registration, disposed } = yieldDep(state, 'dep', async);
    const a = await app(t, [registration], [route({ method: 'GET', url: '/', inject: [Dep], handler: ([value]) => ({ value, now: state['dep'] }) })]);
    const response = await a.inject('/');
    t.deepEqual(response.json(), { value: 'dep started', now: 'dep started' });
    await disposed;
    t.is(state['dep'], 'dep completed');
  });

  // tests/test_dependency_contextmanager.py, test_async_raise_other / test_sync_raise_other and
  // test_async_raise_server_error / test_sync_raise_server_error
  // Difference: FastAPI throws the handler's exception into the generator, so the dependency can see it.
  // loopsafe's disposer is given the instance only; cleanup runs the same whatever the handler did.
  test(`${kind}: a handler that throws still gets its dependency cleaned up, and the client gets a 500`, async (t) => {
    const state: State = {};
    const { Dep, registration, disposed } = yieldDep(state, 'dep', async);
    const a = await app(t, [registration], [route({ method: 'GET', url: '/', inject: [Dep], handler: () => {
      throw new Error('OtherDependencyError');
    } })]);
    const response = await a.inject('/');
    t.is(response.statusCode, 500);
    await disposed;
    t.is(state['dep'], 'dep completed');
  });
}

/** context_a and context_b of test_dependency_contextmanager.py: b depends on a and reads a in its cleanup. */
function contexts(state: State) {
  const done = signal();
  const A = token<State>('context_a');
  const B = token<State>('context_b');
  return {
    A, B, disposed: done.promise,
    providers: [
      provide(A, { lifetime: 'request', useFactory: async () => ((state['context_a'] = 'started a'), state), dispose: () => {
        state['context_a'] = 'finished a';
        done.resolve();
      } }),
      provide(B, { lifetime: 'request', inject: [A], useFactory: async (s) => ((s['context_b'] = 'started b'), s), dispose: (s) => {
        s['context_b'] = `finished b with a: ${s['context_a']}`;
      } }),
    ],
  };
}

// tests/test_dependency_contextmanager.py, test_context_b
test('a dependency is cleaned up before the dependency it depends on, which is still open during its cleanup', async (t) => {
  const state: State = {};
  const { B, providers, disposed } = contexts(state);
  const a = await app(t, providers, [route({ method: 'GET', url: '/context_b', inject: [B], handler: ([s]) => ({ ...s }) })]);
  t.deepEqual((await a.inject('/context_b')).json(), { context_a: 'started a', context_b: 'started b' });
  await disposed;
  t.deepEqual(state, { context_a: 'finished a', context_b: 'finished b with a: started a' });
});

// tests/test_dependency_contextmanager.py, test_context_b_raise
test('the same reverse-order cleanup happens when the handler throws', async (t) => {
  const state: State = {};
  const { B, providers, disposed } = contexts(state);
  const a = await app(t, providers, [route({ method: 'GET', url: '/context_b_raise', inject: [B], handler: () => {
    throw new Error('OtherDependencyError');
  } })]);
  t.is((await a.inject('/context_b_raise')).statusCode, 500);
  await disposed;
  t.deepEqual(state, { context_a: 'finished a', context_b: 'finished b with a: started a' });
});

// tests/test_dependency_contextmanager.py, test_background_tasks (the middleware sees the state before cleanup)
test('hooks that run while the response is sent still see the dependencies open', async (t) => {
  const state: State = {};
  const { B, providers, disposed } = contexts(state);
  const a = await app(t, providers, [route({
    method: 'GET',
    url: '/context_b_bg',
    inject: [B],
    onSend: async (_request, reply, payload) => {
      reply.header('x-state', JSON.stringify(state));
      return payload;
    },
    handler: () => 'ok',
  })]);
  const response = await a.inject('/context_b_bg');
  t.deepEqual(JSON.parse(response.headers['x-state'] as string), { context_a: 'started a', context_b: 'started b' });
  await disposed;
  t.is(state['context_a'], 'finished a');
});

function counters() {
  let counter = 0;
  const Counter = token<number>('dep_counter');
  const FreshCounter = token<number>('dep_counter (use_cache=False)');
  const SuperDep = token<number>('super_dep');
  return {
    reset: () => (counter = 0),
    Counter, FreshCounter, SuperDep,
    providers: [
      provide(Counter, { lifetime: 'request', useFactory: async () => ++counter }),
      provide(FreshCounter, { lifetime: 'transient', useFactory: async () => ++counter }),
      provide(SuperDep, { lifetime: 'request', inject: [Counter], useFactory: (count) => count }),
    ],
  };
}

// tests/test_dependency_cache.py, test_normal_counter
test('a request-scoped dependency is built once per request', async (t) => {
  const { Counter, providers } = counters();
  const a = await app(t, providers, [route({ method: 'GET', url: '/counter/', inject: [Counter], handler: ([counter]) => ({ counter }) })]);
  t.deepEqual((await a.inject('/counter/')).json(), { counter: 1 });
  t.deepEqual((await a.inject('/counter/')).json(), { counter: 2 });
});

// tests/test_dependency_cache.py, test_sub_counter
test('a dependency needed twice in one request, directly and through a sub-dependency, is built once', async (t) => {
  const { Counter, SuperDep, providers } = counters();
  const a = await app(t, providers, [route({ method: 'GET', url: '/sub-counter/', inject: [SuperDep, Counter], handler: ([subcounter, counter]) => ({ counter, subcounter }) })]);
  t.deepEqual((await a.inject('/sub-counter/')).json(), { counter: 1, subcounter: 1 });
  t.deepEqual((await a.inject('/sub-counter/')).json(), { counter: 2, subcounter: 2 });
});

// tests/test_dependency_cache.py, test_sub_counter_no_cache
// Difference: FastAPI chooses caching per use (Depends(dep, use_cache=False)); in loopsafe the lifetime belongs
// to the provider, so the uncached use is a second, transient provider over the same factory.
test('a transient twin of a request-scoped dependency is built again for the use that asks for it', async (t) => {
  const { FreshCounter, SuperDep, providers } = counters();
  const a = await app(t, providers, [route({ method: 'GET', url: '/sub-counter-no-cache/', inject: [SuperDep, FreshCounter], handler: ([subcounter, counter]) => ({ counter, subcounter }) })]);
  t.deepEqual((await a.inject('/sub-counter-no-cache/')).json(), { counter: 2, subcounter: 1 });
  t.deepEqual((await a.inject('/sub-counter-no-cache/')).json(), { counter: 4, subcounter: 3 });
});

const Common = token<{ in: string }>('common_parameters');
const Query = token<string>('q');

// tests/test_dependency_overrides.py, test_override_simple
test('an override replaces a dependency for every route that uses it', async (t) => {
  const routes = [
    route({ method: 'GET', url: '/main-depends/', inject: [Common], handler: ([c]) => c }),
    route({ method: 'GET', url: '/decorator-depends/', inject: [Common], handler: ([c]) => c }),
  ];
  const a = await app(t, [provide(Common, { useValue: { in: 'main' } })], routes, [provide(Common, { useValue: { in: 'override' } })]);
  t.deepEqual((await a.inject('/main-depends/')).json(), { in: 'override' });
  t.deepEqual((await a.inject('/decorator-depends/')).json(), { in: 'override' });
});

// tests/test_dependency_overrides.py, test_override_with_sub_main_depends
// The override's own dependencies replace the original's: the original needed a request value the override does not.
test('an override brings its own dependencies; the ones the original needed are no longer required', async (t) => {
  const a = await app(
    t,
    [provide(Common, { lifetime: 'request', inject: [Query], useFactory: (q) => ({ in: q }) })],
    [route({ method: 'GET', url: '/main-depends/', inject: [Common], handler: ([c]) => c })],
    [provide(Common, { useFactory: () => ({ in: 'overridden with no sub-dependency' }) })],
  );
  t.deepEqual((await a.inject('/main-depends/')).json(), { in: 'overridden with no sub-dependency' });
});

// tests/test_dependency_yield_scope.py, test_broken_scope (a request-scope dependency that depends on a
// function-scope one fails at startup). loopsafe's equivalent: a longer-lived provider holding a shorter-lived one
// fails the boot, before a port opens.
test('a longer-lived dependency holding a shorter-lived one fails at startup with its path', async (t) => {
  const Session = token<object>('dep_session');
  const Named = token<object>('get_named_session');
  const error = await t.throwsAsync(createApp({
    providers: [
      provide(Session, { lifetime: 'request', useFactory: () => ({ open: true }) }),
      provide(Named, { inject: [Session], useFactory: (s) => ({ s }) }),
    ],
    routes: [route({ method: 'GET', url: '/broken-scope', inject: [Named], handler: () => 'never' })],
    shutdown: false,
  }));
  t.true(LoopsafeError.is(error, 'LOOPSAFE_ERR_BOOT'));
  t.deepEqual((error as BootError).problems.map((p) => [p.code, (p as unknown as { path: string[] }).path]), [
    ['LOOPSAFE_ERR_CAPTIVE_DEPENDENCY', ['get_named_session', 'dep_session']],
  ]);
});

// tests/test_dependency_yield_scope.py, test_function_scope / test_request_scope
// Difference: FastAPI's scope="function" closes the dependency before the response is sent. loopsafe has one
// per-request lifetime, closed after the response (like scope="request"); the handler's result never sees it closed.
test('a request-scoped dependency is still open when the response is serialized', async (t) => {
  const Session = token<{ open: boolean }>('dep_session');
  const a = await app(t, [provide(Session, { lifetime: 'request', useFactory: () => ({ open: true }), dispose: (s) => void (s.open = false) })], [
    route({ method: 'GET', url: '/function-scope', inject: [Session], handler: ([s]) => ({ toJSON: () => ({ open: s.open }) }) }),
  ]);
  t.deepEqual((await a.inject('/function-scope')).json(), { open: true });
});

// tests/test_dependency_after_yield_raise.py, test_broken_no_raise / test_broken_return_finishes
test('a dependency whose cleanup throws after the response: the client got its 200, the error is logged with a code', async (t) => {
  const logged = signal<string>();
  const log = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (chunk.toString().includes('LOOPSAFE_ERR_DISPOSAL_FAILED')) logged.resolve(chunk.toString());
      done();
    },
  });
  const Broken = token<string>('broken_dep');
  const built = await createApp({
    providers: [provide(Broken, { lifetime: 'request', useFactory: () => 's', dispose: () => {
      throw new Error('Broken after yield');
    } })],
    routes: [route({ method: 'GET', url: '/broken', inject: [Broken], handler: () => ({ message: 'all good?' }) })],
    fastify: { logger: { level: 'error', stream: log } },
    shutdown: false,
  });
  t.teardown(() => built.close());
  const response = await built.inject('/broken');
  t.is(response.statusCode, 200);
  t.deepEqual(response.json(), { message: 'all good?' });
  t.regex(await logged.promise, /broken_dep/);
  t.is((await built.inject('/broken')).statusCode, 200, 'the next request is unaffected');
});

// tests/test_dependency_after_yield_raise.py, test_catching
// Difference: a FastAPI yield dependency can catch the handler's exception and answer another status (418).
// A loopsafe disposer runs after the response and never sees the exception; map errors with fastify's
// setErrorHandler instead.
test('a handler error is answered by fastify\'s error handler; the request-scoped dependency is still cleaned up', async (t) => {
  class CustomError extends Error {}
  const state: State = {};
  const { Dep, registration, disposed } = yieldDep(state, 'catching_dep', false);
  const fastifyApp = await createApp({
    providers: [registration],
    routes: [route({ method: 'GET', url: '/catching', inject: [Dep], handler: () => {
      throw new CustomError('Simulated error during streaming');
    } })],
    shutdown: false,
  });
  t.teardown(() => fastifyApp.close());
  // createApp returns a ready app, so the error handler is the route's own concern here: check the default.
  const response = await fastifyApp.inject('/catching');
  t.is(response.statusCode, 500);
  await disposed;
  t.is(state['catching_dep'], 'catching_dep completed');
});
