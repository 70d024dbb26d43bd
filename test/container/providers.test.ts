import test from 'ava';
import { createContainer, optional, provide, token } from '../../src/index.js';
import { onlyBootProblem } from '../helpers/boot.js';

class Clock {
  now(): number {
    return 1;
  }
}

test('a factory provider receives its declared dependencies in order', async (t) => {
  const Host = token<string>('Host');
  const Port = token<number>('Port');
  const Url = token<string>('Url');
  const c = createContainer({
    providers: [
      provide(Host, { useValue: 'db.local' }),
      provide(Port, { useValue: 5432 }),
      provide(Url, { inject: [Host, Port], useFactory: (host, port) => `${host}:${port}` }),
    ],
  });
  t.is(await c.resolve(Url), 'db.local:5432');
});

test('a class registered under itself is constructed with its inject list', async (t) => {
  const Prefix = token<string>('Prefix');
  class Greeter {
    constructor(readonly prefix: string, readonly clock: Clock) {}
  }
  const c = createContainer();
  c.register(Prefix, { useValue: 'hi' }).register(Clock).register(Greeter, { inject: [Prefix, Clock] });
  const greeter = await c.resolve(Greeter);
  t.is(greeter.prefix, 'hi');
  t.true(greeter.clock instanceof Clock);
});

test('useClass provides an implementation under an abstract key', async (t) => {
  abstract class Repo {
    abstract find(): string;
  }
  class SqlRepo extends Repo {
    find(): string {
      return 'sql';
    }
  }
  const c = createContainer().register(Repo, { useClass: SqlRepo });
  t.is((await c.resolve(Repo)).find(), 'sql');
});

test('string and symbol keys work as keys', async (t) => {
  const sym = Symbol('answer');
  const c = createContainer().register('name', { useValue: 'x' }).register(sym, { inject: ['name'], useFactory: (n) => `${String(n)}!` });
  t.is(await c.resolve(sym), 'x!');
});

test('an optional dependency nobody provides resolves to undefined', async (t) => {
  const Cache = token<Map<string, string>>('Cache');
  const Svc = token<{ cache: Map<string, string> | undefined }>('Svc');
  const c = createContainer().register(Svc, { inject: [optional(Cache)], useFactory: (cache) => ({ cache }) });
  t.is((await c.resolve(Svc)).cache, undefined);
});

test('an optional dependency that is provided resolves to the instance', async (t) => {
  const Cache = token<Map<string, string>>('Cache');
  const Svc = token<{ cache: Map<string, string> | undefined }>('Svc');
  const c = createContainer()
    .register(Cache, { useFactory: () => new Map() })
    .register(Svc, { inject: [optional(Cache)], useFactory: (cache) => ({ cache }) });
  t.true((await c.resolve(Svc)).cache instanceof Map);
});

test('a factory that returns a plain value resolves synchronously, with no await on the way', (t) => {
  const A = token<number>('A');
  const B = token<number>('B');
  const c = createContainer().register(A, { useFactory: () => 1 }).register(B, { inject: [A], useFactory: (a) => a + 1 });
  t.is(c.resolveSync(B), 2);
});

test('resolveSync refuses an async factory that is not built yet, and names it', async (t) => {
  const Slow = token<number>('Slow');
  const c = createContainer().register(Slow, { useFactory: async () => 7 });
  const error = t.throws(() => c.resolveSync(Slow));
  t.is((error as { code?: string }).code, 'LOOPSAFE_ERR_ASYNC_PROVIDER');
  t.is(await c.resolve(Slow), 7);
  t.is(c.resolveSync(Slow), 7, 'once built, the singleton resolves synchronously');
});

test('singletons are shared, transients are new for every resolve', async (t) => {
  const S = token<object>('S');
  const T = token<{ s: object }>('T');
  const c = createContainer()
    .register(S, { useFactory: () => ({}) })
    .register(T, { lifetime: 'transient', inject: [S], useFactory: (s) => ({ s }) });
  const [t1, t2] = [await c.resolve(T), await c.resolve(T)];
  t.not(t1, t2);
  t.is(t1.s, t2.s);
  t.is(await c.resolve(S), t1.s);
});

test('a factory may return a thenable, which is awaited', async (t) => {
  const V = token<number>('V');
  const thenable = { then: (resolve: (v: number) => void) => resolve(5) };
  const c = createContainer().register(V, { useFactory: () => thenable as unknown as PromiseLike<number> });
  t.is(await c.resolve(V), 5);
});

test('a factory returning undefined is cached like any other value', async (t) => {
  const U = token<undefined>('U');
  let calls = 0;
  const c = createContainer().register(U, {
    useFactory: () => {
      calls++;
      return undefined;
    },
  });
  await c.resolve(U);
  await c.resolve(U);
  t.is(calls, 1);
});

test('registering a key twice is reported by the boot; override replaces on purpose', async (t) => {
  const K = token<number>('K');
  const twice = createContainer().register(K, { useValue: 1 }).register(K, { useValue: 2 });
  const error = await onlyBootProblem(t, () => twice.boot());
  t.is(error.code, 'LOOPSAFE_ERR_PROVIDER_DUPLICATE');
  const c = createContainer().register(K, { useValue: 1 });
  c.override(K, { useValue: 3 });
  t.is(await c.resolve(K), 3);
});

test('resolving an unregistered key fails with the missing-provider code', async (t) => {
  const Nope = token<number>('Nope');
  const c = createContainer();
  const error = await t.throwsAsync(c.resolve(Nope));
  t.is((error as { code?: string }).code, 'LOOPSAFE_ERR_PROVIDER_MISSING');
  t.deepEqual((error as unknown as { path: string[] }).path, ['Nope']);
});

test('a bad container option is refused at creation with a coded error', (t) => {
  const error = t.throws(() => createContainer({ timeout: -1 }));
  t.is((error as { code?: string }).code, 'LOOPSAFE_ERR_OPTION_INVALID');
});
