// Compile-time tests: `npm test` type-checks this file; each @ts-expect-error must be a real type error,
// or tsc fails on an unused directive. Nothing here runs.
import { AbortSignalToken, createContainer, lazy, optional, provide, token, type Scope } from '../../src/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | undefined {
  return undefined;
}

const Port = token<number>('Port');
const Host = token<string>('Host');
class Clock {
  now(): number {
    return 0;
  }
}

interface Pool {
  query(sql: string): unknown;
}
const Db = token<Pool>('Db');
const RequestId = token<number>('RequestId');
class UnitOfWork {
  constructor(readonly db: Pool, readonly requestId: number) {}
}
class Tolerant {
  constructor(readonly db: Pool, readonly requestId?: number) {}
}
const Work = token<UnitOfWork>('Work');

export async function typeTests(scope: Scope): Promise<void> {
  const c = createContainer();

  // Factory parameters are typed from the inject tuple, optional() adds undefined.
  c.register(Host, {
    inject: [Port, Clock, optional(Host)],
    useFactory: (port, clock, maybe) => {
      expectType<Equal<typeof port, number>>();
      expectType<Equal<typeof clock, Clock>>();
      expectType<Equal<typeof maybe, string | undefined>>();
      return `${port}`;
    },
  });

  // lazy() injects a resolver; AbortSignalToken an AbortSignal.
  c.register(Host, {
    inject: [lazy(Port), AbortSignalToken],
    useFactory: async (port, signal) => {
      expectType<Equal<typeof port, () => Promise<number>>>();
      expectType<Equal<typeof signal, AbortSignal>>();
      return `${await port()}`;
    },
  });

  // The factory must return the key's type (or a promise of it).
  // @ts-expect-error a number is not a string
  c.register(Host, { useFactory: () => 42 });
  c.register(Host, { useFactory: async () => 'ok' });

  // A value must match the token's type.
  // @ts-expect-error a string is not a number
  provide(Port, { useValue: 'eighty' });

  // Resolution is typed by the key.
  const port = await c.resolve(Port);
  expectType<Equal<typeof port, number>>();
  const clock = await scope.resolve(Clock);
  expectType<Equal<typeof clock, Clock>>();
  const sync = scope.resolveSync(Host);
  expectType<Equal<typeof sync, string>>();

  // Supplied values are typed by their key.
  // @ts-expect-error the request id is a number
  scope.supply(Port, '1');

  // A class's inject list must fit its constructor: the README's UnitOfWork(db, requestId), checked for a class
  // registered under itself (provide and register), for useClass, and for override.
  provide(UnitOfWork, { lifetime: 'request', inject: [Db, RequestId] });
  // @ts-expect-error swapped: a number is not a Db
  provide(UnitOfWork, { lifetime: 'request', inject: [RequestId, Db] });
  // @ts-expect-error too short: the request id is missing
  provide(UnitOfWork, { lifetime: 'request', inject: [Db] });
  c.register(UnitOfWork, { inject: [Db, RequestId] });
  // @ts-expect-error swapped
  c.register(UnitOfWork, { inject: [RequestId, Db] });
  // @ts-expect-error too short
  c.register(UnitOfWork, { inject: [Db] });
  // @ts-expect-error swapped, through override too
  c.override(UnitOfWork, { inject: [RequestId, Db] });
  provide(Work, { useClass: UnitOfWork, inject: [Db, RequestId] });
  // @ts-expect-error swapped
  provide(Work, { useClass: UnitOfWork, inject: [RequestId, Db] });
  // @ts-expect-error too short
  provide(Work, { useClass: UnitOfWork, inject: [Db] });
  // @ts-expect-error swapped, in register
  c.register(Work, { useClass: UnitOfWork, inject: [RequestId, Db] });
  // Without inject the dependencies come from the class's metadata: any constructor is accepted.
  provide(UnitOfWork, { lifetime: 'request' });
  provide(Work, { useClass: UnitOfWork });
  // An optional parameter may be left out, and optional() fits a parameter that accepts undefined.
  provide(Tolerant, { inject: [Db] });
  provide(Tolerant, { inject: [Db, optional(RequestId)] });

  // Lifetimes are a closed set.
  // @ts-expect-error 'forever' is not a lifetime
  c.register(Clock, { lifetime: 'forever' });
}

// Dynamic registration widens what the compiler knows, so resolving a key registered by a chained register() or
// override() compiles; a key registered nowhere still does not. An attached inversify container binds keys only
// known at run time, so its container's resolve() is not checked (the boot check is).
async function dynamicRegistration(): Promise<void> {
  const c = createContainer({ providers: [] }).register(Clock).register(Port, { useValue: 1 });
  expectType<Equal<Awaited<ReturnType<typeof c.resolve<typeof Clock>>>, Clock>>();
  await c.resolve(Clock);
  await c.resolve(Port);
  // @ts-expect-error Host was never registered: MissingProvider<"Host">
  await c.resolve(Host);
  const o = createContainer({ providers: [] }).override(Host, { useValue: 'h' });
  await o.resolve(Host);
  const legacy = { isBound: (_key: unknown) => false, getAsync: async (_key: unknown) => undefined };
  const viaInversify = createContainer({ providers: [], inversify: legacy as never });
  await viaInversify.resolve(Host);
}
void dynamicRegistration;
