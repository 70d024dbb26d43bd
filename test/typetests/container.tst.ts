// What tsc says about a container's graph, message included: each `@ts-expect-error <text>` must be one error whose
// message contains <text> (tstyche checks it; plain tsc would accept any error there).
import { expect, test } from 'tstyche';
import { AbortSignalToken, createContainer, lazy, optional, provide, token, type Registration, type Scope, type Token } from 'loopsafe';

interface Pool { query(sql: string): Promise<unknown[]> }
interface Mailer { send(to: string): Promise<void> }
class Clock {
  now(): number {
    return 0;
  }
}
const ClockToken = token<Clock, 'Clock'>('Clock');
const Db = token<Pool, 'Db'>('Db');
const Cache = token<Map<string, unknown>, 'Cache'>('Cache');
const RequestId = token<string, 'RequestId'>('RequestId');
const Unnamed = token<Pool>('Unnamed');
const pool: Pool = { query: async () => [] };

declare module 'loopsafe' {
  interface Registry {
    mailer: Mailer;
  }
}

test('createContainer: a provider that injects a key nobody provides fails at that provider, naming the token', () => {
  createContainer({
    providers: [
      provide(Db, { useValue: pool }),
      // @ts-expect-error MissingProvider<"Clock">
      provide(Cache, { inject: [Db, ClockToken], useFactory: () => new Map() }),
    ],
  });
  createContainer({
    providers: [
      provide(ClockToken, { useFactory: () => new Clock() }),
      provide(Cache, { inject: [Db, ClockToken], useFactory: () => new Map() }),
    ],
    overrides: [
      // @ts-expect-error MissingProvider<"RequestId">
      provide(Db, { inject: [RequestId], useFactory: () => pool }),
    ],
  });
});

test('createContainer: the same list with the provider compiles, and optional() or lazy() keys need none', () => {
  const container = createContainer({
    providers: [
      provide(Db, { useValue: pool }),
      provide(ClockToken, { useFactory: () => new Clock() }),
      provide(Cache, { inject: [Db, ClockToken, optional(RequestId)], useFactory: () => new Map() }),
    ],
  });
  expect(container.resolveSync(Cache)).type.toBe<Map<string, unknown>>();
  createContainer({ providers: [provide(Db, { inject: [lazy(ClockToken)], useFactory: () => pool }), provide(ClockToken, { useValue: new Clock() })] });
});

test('createContainer: a token without a literal name is named by its type', () => {
  createContainer({
    providers: [
      // @ts-expect-error MissingProvider<Token<Pool, string>>
      provide(Cache, { inject: [Unnamed], useFactory: () => new Map() }),
    ],
  });
});

test('resolve(), scope.resolve() and resolveSync() of a key the container does not provide fail, naming it', async () => {
  const container = createContainer({ providers: [provide(Db, { useValue: pool })] });
  expect(await container.resolve(Db)).type.toBe<Pool>();
  // @ts-expect-error MissingProvider<"Clock">
  await container.resolve(ClockToken);
  // @ts-expect-error MissingProvider<"Clock">
  container.resolveSync(ClockToken);
  const scope = container.createScope();
  expect(scope).type.toBe<Scope<Token<Pool, 'Db'> | typeof AbortSignalToken>>();
  // @ts-expect-error MissingProvider<"Clock">
  await scope.resolve(ClockToken);
  // A chained register() widens what the compiler knows.
  await container.register(ClockToken, { useFactory: () => new Clock() }).resolve(ClockToken);
});

test('a singleton that injects a request-scoped key is a captive dependency, directly or through a transient', () => {
  createContainer({
    providers: [
      provide(RequestId, { lifetime: 'request', useFactory: () => 'r1' }),
      // @ts-expect-error CaptiveDependency<"Cache", "RequestId">
      provide(Cache, { inject: [RequestId], useFactory: () => new Map() }),
    ],
  });
  createContainer({
    providers: [
      provide(RequestId, { lifetime: 'request', useFactory: () => 'r1' }),
      provide(Db, { lifetime: 'transient', inject: [RequestId], useFactory: () => pool }),
      // @ts-expect-error CaptiveDependency<"Cache", "RequestId">
      provide(Cache, { inject: [Db], useFactory: () => new Map() }),
    ],
  });
  // Request-scoped or transient holders are fine.
  createContainer({
    providers: [
      provide(RequestId, { lifetime: 'request', useFactory: () => 'r1' }),
      provide(Cache, { lifetime: 'request', inject: [RequestId], useFactory: () => new Map() }),
    ],
  });
});

test('string keys named in Registry are typed and checked; other strings are left to the boot check', () => {
  createContainer({
    providers: [
      provide('mailer', { useValue: { send: async () => {} } }),
      provide(Cache, { inject: ['mailer'], useFactory: (mailer) => new Map([['mailer', mailer]]) }),
    ],
  });
  createContainer({
    providers: [
      // @ts-expect-error MissingProvider<"mailer">
      provide(Cache, { inject: ['mailer'], useFactory: () => new Map() }),
    ],
  });
  // @ts-expect-error Type 'number' is not assignable to type 'Mailer'
  provide('mailer', { useValue: 1 });
  expect(createContainer({ providers: [provide('mailer', { useValue: { send: async () => {} } })] }).resolveSync('mailer')).type.toBe<Mailer>();
});

test('a widened Registration[] checks nothing: it compiles, and the boot check decides', async () => {
  const providers: Registration[] = [provide(Db, { inject: [ClockToken], useFactory: () => pool })];
  const container = createContainer({ providers });
  await container.resolve(ClockToken);
});

test('an inversify fallback turns the compile-time check off: inversify binds keys only known at run time', async () => {
  const inversify = { isBound: (_key: unknown) => true, getAsync: async (_key: unknown) => new Clock() };
  const container = createContainer({ providers: [provide(Db, { inject: [ClockToken], useFactory: () => pool })], inversify });
  await container.resolve(ClockToken);
});

test("provide(Class, { inject }) is checked against the constructor's parameters", () => {
  class Repo {
    constructor(readonly db: Pool, readonly clock: Clock) {}
  }
  provide(Repo, { inject: [Db, ClockToken] });
  // @ts-expect-error InjectMismatch<[db: Pool, clock: Clock]>
  provide(Repo, { inject: [ClockToken, Db] });
});
