import test from 'ava';
import { BootError, createContainer, provide, token, type LoopsafeError } from '../../src/index.js';
import { onlyBootProblem } from '../helpers/boot.js';

const codes = (error: unknown) => (error as BootError).problems.map((p) => p.code);
const paths = (error: unknown) => (error as BootError).problems.map((p) => (p as LoopsafeError & { path: string[] }).path.join(' -> '));

test('boot reports every problem at once, each with its code and provider path', async (t) => {
  const A = token('A'), B = token('B'), Svc = token('UserService'), Repo = token('Repo'), Db = token('Db');
  const c = createContainer()
    .register(A, { inject: [B], useFactory: () => 1 })
    .register(B, { inject: [A], useFactory: () => 1 })
    .register(Svc, { inject: [Repo], useFactory: () => 1 })
    .register(Repo, { inject: [Db], useFactory: () => 1 });
  const error = await t.throwsAsync(c.boot());
  t.true(error instanceof BootError);
  t.is((error as BootError).code, 'LOOPSAFE_ERR_BOOT');
  t.deepEqual(codes(error).sort(), ['LOOPSAFE_ERR_CYCLE', 'LOOPSAFE_ERR_PROVIDER_MISSING']);
  t.true(paths(error).includes('A -> B -> A'));
  t.true(paths(error).includes('UserService -> Repo -> Db'));
  t.true((error as BootError).cause instanceof AggregateError);
});

test('a cycle through three providers is reported once, with the full circle', (t) => {
  const A = token('A'), B = token('B'), C = token('C');
  const c = createContainer()
    .register(A, { inject: [B], useFactory: () => 1 })
    .register(B, { inject: [C], useFactory: () => 1 })
    .register(C, { inject: [A], useFactory: () => 1 });
  const error = t.throws(() => c.check());
  t.deepEqual(paths(error), ['A -> B -> C -> A']);
});

test('a singleton holding a request-scoped provider is a captive dependency', (t) => {
  const RequestId = token<number>('RequestId'), Cache = token('Cache');
  const c = createContainer().register(RequestId, { supplied: true }).register(Cache, { inject: [RequestId], useFactory: () => 1 });
  const error = t.throws(() => c.check());
  t.deepEqual(codes(error), ['LOOPSAFE_ERR_CAPTIVE_DEPENDENCY']);
  t.deepEqual(paths(error), ['Cache -> RequestId']);
});

test('a singleton reaching a request-scoped provider through a transient is captive too', (t) => {
  const User = token('CurrentUser'), Helper = token('Helper'), Cache = token('Cache');
  const c = createContainer()
    .register(User, { lifetime: 'request', useFactory: () => ({}) })
    .register(Helper, { lifetime: 'transient', inject: [User], useFactory: () => 1 })
    .register(Cache, { inject: [Helper], useFactory: () => 1 });
  const error = t.throws(() => c.check());
  t.deepEqual(codes(error), ['LOOPSAFE_ERR_CAPTIVE_DEPENDENCY']);
  t.deepEqual(paths(error), ['Cache -> Helper -> CurrentUser']);
});

test('request-scoped and transient providers may depend on request-scoped ones', (t) => {
  const User = token('User'), Uow = token('Uow'), Helper = token('Helper');
  const c = createContainer()
    .register(User, { lifetime: 'request', useFactory: () => ({}) })
    .register(Uow, { lifetime: 'request', inject: [User], useFactory: () => 1 })
    .register(Helper, { lifetime: 'transient', inject: [User], useFactory: () => 1 });
  t.notThrows(() => c.check());
});

test('invalid declarations are reported with what is wrong', (t) => {
  const Both = token('Both'), Hole = token('Hole'), Eager = token('Eager'), Bare = token('Bare');
  const c = createContainer()
    .register(Both, { useValue: 1, useFactory: () => 1 } as never)
    .register(Hole, { inject: [undefined as unknown as symbol], useFactory: () => 1 })
    .register(Eager, { lifetime: 'request', eager: true, useFactory: () => 1 })
    .register(Bare);
  const error = t.throws(() => c.check());
  t.deepEqual(codes(error), Array(4).fill('LOOPSAFE_ERR_PROVIDER_INVALID'));
  t.deepEqual(paths(error), ['Both', 'Hole', 'Eager', 'Bare']);
});

test('a declaration option of the wrong type is reported by the boot, naming the provider and the option', async (t) => {
  const Life = token('Life'), NoFn = token('NoFn');
  const c = createContainer();
  t.notThrows(() => c.register(Life, { lifetime: 'forever' as 'singleton', useFactory: () => 1 }));
  const life = await onlyBootProblem(t, () => c.boot());
  t.like(life, { code: 'LOOPSAFE_ERR_OPTION_INVALID', where: 'provider Life', option: 'lifetime' });
  const noFn = await onlyBootProblem(t, () => createContainer({ providers: [provide(NoFn, { useFactory: 'nope' as unknown as () => number })] }).boot());
  t.like(noFn, { code: 'LOOPSAFE_ERR_OPTION_INVALID', where: 'provider NoFn', option: 'useFactory' });
});

test('a class whose constructor parameters have no metadata is an invalid provider, with the fix', (t) => {
  class Needs {
    constructor(readonly dep: unknown) {}
  }
  const c = createContainer().register(Needs);
  const error = t.throws(() => c.check()) as BootError;
  t.is(error.problems[0]?.code, 'LOOPSAFE_ERR_PROVIDER_INVALID');
  t.regex(error.problems[0]!.message, /inject/);
});

test('an invalid provider does not also make its dependents report it missing', (t) => {
  const Bad = token('Bad'), User = token('User');
  const c = createContainer().register(Bad, { useValue: 1, useFactory: () => 1 } as never).register(User, { inject: [Bad], useFactory: () => 1 });
  const error = t.throws(() => c.check());
  t.deepEqual(codes(error), ['LOOPSAFE_ERR_PROVIDER_INVALID']);
});

test('eager singletons are constructed at boot, the others on first use', async (t) => {
  const built: string[] = [];
  const Pool = token('Pool'), Lazy = token('Lazy');
  const c = createContainer()
    .register(Pool, { eager: true, useFactory: async () => built.push('Pool') })
    .register(Lazy, { useFactory: () => built.push('Lazy') });
  await c.boot();
  t.deepEqual(built, ['Pool']);
  await c.resolve(Lazy);
  t.deepEqual(built, ['Pool', 'Lazy']);
});

test('a failing eager singleton fails the boot with its path and cause', async (t) => {
  const Pool = token('Pool'), Cfg = token('Cfg');
  const c = createContainer()
    .register(Cfg, { useFactory: () => { throw new Error('no DATABASE_URL'); } })
    .register(Pool, { eager: true, inject: [Cfg], useFactory: () => 1 });
  const error = await t.throwsAsync(c.boot());
  t.is((error as LoopsafeError).code, 'LOOPSAFE_ERR_PROVIDER_FAILED');
  t.deepEqual((error as LoopsafeError & { path: string[] }).path, ['Pool', 'Cfg']);
  t.is(((error as Error).cause as Error).message, 'no DATABASE_URL');
});

test('boot is idempotent and registration closes after it', async (t) => {
  const K = token('K');
  const c = createContainer().register(K, { useValue: 1 });
  const first = c.boot();
  t.is(c.boot(), first);
  await first;
  const error = t.throws(() => c.register(token('Late'), { useValue: 2 }));
  t.is((error as LoopsafeError).code, 'LOOPSAFE_ERR_CONTAINER_FROZEN');
});

test('the first resolve checks the graph when boot was skipped', async (t) => {
  const A = token('A');
  const c = createContainer().register(A, { inject: [token('Ghost')], useFactory: () => 1 });
  const error = await t.throwsAsync(c.resolve(A));
  t.is((error as LoopsafeError).code, 'LOOPSAFE_ERR_BOOT');
});
