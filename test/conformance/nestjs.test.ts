/**
 * NestJS's request-scope and lifecycle integration tests (nestjs/nest, integration/scopes/e2e/ and
 * integration/hooks/e2e/), their semantics ported to loopsafe/fastify: per-request controllers and services,
 * transient per dependent, cycles at boot, destroy order. Each case names the file and title it comes from. Where
 * loopsafe differs on purpose the case asserts loopsafe's behaviour and says so; README "Differences from awilix,
 * NestJS, inversify and FastAPI" lists each one.
 */
import test from 'ava';
import type { FastifyRequest } from 'fastify';
import { lazy, LoopsafeError, provide, token, type BootError } from '../../src/index.js';
import { Controller, createApp, FastifyRequestToken, Get, Inject, route } from '../../src/fastify/index.js';
import { signal } from '../helpers/http.js';

// integration/scopes/e2e/request-scope.spec.ts, "Request scope" / "when one service is request scoped":
// "should create controller for each request", "should create service for each request",
// "should share static provider across requests", "should create request scoped guard for each request"
test('three requests build three request-scoped controllers, services and guards, and one static provider', async (t) => {
  const counters = { controller: 0, service: 0, meta: 0, guard: 0 };
  const guardData: number[] = [];
  const Meta = token<object>('META');
  const UsersService = token<{ id: number }>('UsersService');
  const Guard = token<{ requestId: string; checks: number }>('Guard');
  @Controller('/hello', { lifetime: 'request' })
  class HelloController {
    constructor(@Inject(UsersService) readonly users: { id: number }, @Inject(Meta) readonly meta: object) {
      counters.controller++;
    }
    @Get('', {
      preHandler: async (request) => {
        const guard = await request.di.resolve(Guard);
        guardData.push(++guard.checks);
      },
    })
    greet(@Inject(Guard) guard: { requestId: string; checks: number }) {
      return { users: this.users.id, guardChecks: guard.checks };
    }
  }
  const app = await createApp({
    providers: [
      provide(Meta, { useFactory: () => (counters.meta++, {}) }),
      provide(UsersService, { lifetime: 'request', useFactory: () => ({ id: ++counters.service }) }),
      provide(Guard, { lifetime: 'request', inject: [FastifyRequestToken], useFactory: (r: FastifyRequest) => (counters.guard++, { requestId: r.id, checks: 0 }) }),
    ],
    controllers: [HelloController],
    shutdown: false,
  });
  t.teardown(() => app.close());
  const bodies = [];
  for (let i = 0; i < 3; i++) bodies.push((await app.inject('/hello')).json());
  t.deepEqual(bodies, [{ users: 1, guardChecks: 1 }, { users: 2, guardChecks: 1 }, { users: 3, guardChecks: 1 }]);
  t.deepEqual(counters, { controller: 3, service: 3, meta: 1, guard: 3 });
  t.deepEqual(guardData, [1, 1, 1], 'the guard in preHandler and the handler share one instance per request');
});

// integration/scopes/e2e/request-scope.spec.ts, "should create controller for each request" (HelloController
// there is declared without a scope and becomes request-scoped because it injects a request-scoped service)
// Difference: NestJS bubbles the request scope up to every dependent silently. loopsafe refuses the boot: the
// default-singleton controller would hold a request-scoped service (declare the controller request-scoped, or
// inject the service into the handler).
test('a default (singleton) controller that injects a request-scoped service fails the boot instead of becoming request-scoped', async (t) => {
  const UsersService = token<object>('UsersService');
  @Controller('/hello')
  class HelloController {
    constructor(@Inject(UsersService) readonly users: object) {}
    @Get()
    greet() {
      return 'never';
    }
  }
  const error = await t.throwsAsync(createApp({
    providers: [provide(UsersService, { lifetime: 'request', useFactory: () => ({}) })],
    controllers: [HelloController],
    shutdown: false,
  }));
  t.deepEqual((error as BootError).problems.map((p) => [p.code, (p as unknown as { path: string[] }).path]), [
    ['LOOPSAFE_ERR_CAPTIVE_DEPENDENCY', ['HelloController', 'UsersService']],
  ]);
});

// integration/scopes/e2e/transient-scope.spec.ts, "should create provider for each inquirer"
test('a transient is built once for each dependent that injects it, per request for request-scoped dependents', async (t) => {
  let meta = 0;
  const Meta = token<number>('META');
  const UsersService = token<{ meta: number }>('UsersService');
  const Logger = token<{ meta: number }>('Logger');
  const Static = token<{ meta: number }>('Static');
  const app = await createApp({
    providers: [
      provide(Meta, { lifetime: 'transient', useFactory: () => ++meta }),
      provide(UsersService, { lifetime: 'request', inject: [Meta], useFactory: (m) => ({ meta: m }) }),
      provide(Logger, { lifetime: 'request', inject: [Meta], useFactory: (m) => ({ meta: m }) }),
      provide(Static, { inject: [Meta], useFactory: (m) => ({ meta: m }) }),
    ],
    routes: [route({ method: 'GET', url: '/hello', inject: [UsersService, Logger, Static], handler: ([u, l, s]) => [u.meta, l.meta, s.meta] })],
    shutdown: false,
  });
  t.teardown(() => app.close());
  const seen = [(await app.inject('/hello')).json<number[]>(), (await app.inject('/hello')).json<number[]>(), (await app.inject('/hello')).json<number[]>()];
  t.is(meta, 7, 'two request-scoped inquirers per request for three requests, plus one static inquirer');
  t.is(new Set(seen.map((s) => s[2])).size, 1, 'the static inquirer keeps its one transient');
  t.is(new Set(seen.flatMap((s) => s.slice(0, 2))).size, 6);
});

// integration/scopes/e2e/circular-request-scope.spec.ts, "Circular request scope" (HelloService and UsersService
// depend on each other through forwardRef and NestJS builds both per request)
// Difference: loopsafe refuses every cycle when the app boots, whatever the lifetimes; nothing is built and no
// port opens. The fix is lazy(key) on one side (next test) or a third provider holding the shared part.
test('request-scoped providers that depend on each other fail the boot with the cycle named', async (t) => {
  let built = 0;
  const HelloService = token<object>('HelloService');
  const UsersService = token<object>('UsersService');
  const error = await t.throwsAsync(createApp({
    providers: [
      provide(HelloService, { lifetime: 'request', inject: [UsersService], useFactory: () => (built++, {}) }),
      provide(UsersService, { lifetime: 'request', inject: [HelloService], useFactory: () => (built++, {}) }),
    ],
    routes: [route({ method: 'GET', url: '/hello', inject: [HelloService], handler: () => 'never' })],
    shutdown: false,
  }));
  t.true(LoopsafeError.is(error, 'LOOPSAFE_ERR_BOOT'));
  const problems = (error as BootError).problems;
  t.deepEqual(problems.map((p) => p.code), ['LOOPSAFE_ERR_CYCLE']);
  t.deepEqual([...(problems[0] as unknown as { path: string[] }).path].sort(), ['HelloService', 'HelloService', 'UsersService'].sort());
  t.is(built, 0);
});

// integration/hooks/e2e/on-module-destroy.spec.ts, "should call onModuleDestroy when application closes"
test('closing the app disposes a singleton', async (t) => {
  let destroyed = 0;
  const TestInjectable = token<object>('TestInjectable');
  const app = await createApp({ providers: [provide(TestInjectable, { eager: true, useFactory: () => ({ [Symbol.dispose]: () => void destroyed++ }) })], shutdown: false });
  await app.close();
  t.is(destroyed, 1);
});

// integration/hooks/e2e/on-module-destroy.spec.ts, "should not throw an error when onModuleDestroy is null" /
// "should not throw an error when onModuleDestroy is undefined"
test('an instance whose dispose symbols are null or undefined is not disposed and does not fail the close', async (t) => {
  const A = token<object>('A');
  const B = token<object>('B');
  const app = await createApp({
    providers: [
      provide(A, { eager: true, useFactory: () => ({ [Symbol.dispose]: null }) }),
      provide(B, { eager: true, useFactory: () => ({ [Symbol.asyncDispose]: undefined }) }),
    ],
    shutdown: false,
  });
  await t.notThrowsAsync(app.close());
});

// integration/hooks/e2e/on-module-destroy.spec.ts, "should sort modules by distance (topological sort) - DESC order"
// Difference: NestJS destroys the dependency's module first, so AA's onModuleDestroy sees BB already destroyed
// ('b-field_a-field'). loopsafe disposes newest first, so a dependent is disposed while what it uses is still open.
test('a dependent is disposed before the provider it depends on, which is still open at that moment', async (t) => {
  const fields: Record<string, string> = {};
  const BB = token<{ field: string }>('BB');
  const AA = token<{ field: string }>('AA');
  const app = await createApp({
    providers: [
      provide(BB, { useFactory: () => ({ field: 'open' }), dispose: async (bb) => void (fields['BB'] = bb.field = 'b-field') }),
      provide(AA, { eager: true, inject: [BB], useFactory: (bb) => ({ field: '', bb }), dispose: async (aa) => void (fields['AA'] = `${(aa as unknown as { bb: { field: string } }).bb.field}_a-field`) }),
    ],
    shutdown: false,
  });
  await app.close();
  t.deepEqual(fields, { AA: 'open_a-field', BB: 'b-field' });
});

// integration/hooks/e2e/lifecycle-hook-order.spec.ts, "should call the lifecycle hooks in the correct order"
// (NestJS runs onModuleDestroy before the server stops taking requests). Difference: loopsafe's close drains
// in-flight requests first, disposes their scopes, then the singletons; a request in flight never sees a
// disposed singleton.
test('app.close() lets an in-flight request finish with its singleton open, then disposes its scope, then the singleton', async (t) => {
  const log: string[] = [];
  const Db = token<{ open: boolean }>('Db');
  const Unit = token<object>('Unit');
  const entered = signal();
  const release = signal();
  const app = await createApp({
    providers: [
      provide(Db, { eager: true, useFactory: () => ({ open: true }), dispose: (db) => void ((db.open = false), log.push('Db')) }),
      provide(Unit, { lifetime: 'request', inject: [Db], useFactory: () => ({}), dispose: () => void log.push('Unit') }),
    ],
    routes: [route({ method: 'GET', url: '/slow', inject: [Db, Unit], handler: async ([db]) => {
      entered.resolve();
      await release.promise;
      log.push(`handler sees db open: ${db.open}`);
      return { open: db.open };
    } })],
    shutdown: false,
  });
  const inFlight = app.inject('/slow');
  await entered.promise;
  const closing = app.close();
  release.resolve();
  t.deepEqual((await inFlight).json(), { open: true });
  await closing;
  t.deepEqual(log, ['handler sees db open: true', 'Unit', 'Db']);
});

// integration/scopes/e2e/nest-application-context-get-scope-provider.spec.ts, "should create provider for scope
// default", "should create provider for scope request", "should create provider for scope transient"
// Difference: NestJS's app.resolve() of a request-scoped provider outside a request builds a new one each time (a
// fresh context id). loopsafe needs a scope for it (LOOPSAFE_ERR_SCOPE_REQUIRED); each new scope builds one.
test('resolving from the app: a singleton is built once, a transient every time, a request-scoped provider once per scope', async (t) => {
  let counter = 0;
  const [Meta, MetaRequest, MetaTransient] = [token<number>('META'), token<number>('META_REQUEST'), token<number>('META_TRANSIENT')];
  const app = await createApp({
    providers: [
      provide(Meta, { useFactory: () => ++counter }),
      provide(MetaRequest, { lifetime: 'request', useFactory: () => ++counter }),
      provide(MetaTransient, { lifetime: 'transient', useFactory: () => ++counter }),
    ],
    shutdown: false,
  });
  t.teardown(() => app.close());
  t.deepEqual([app.di.resolveSync(Meta), app.di.resolveSync(Meta), await app.di.resolve(Meta)], [1, 1, 1]);
  t.true(LoopsafeError.is(await t.throwsAsync(app.di.resolve(MetaRequest)), 'LOOPSAFE_ERR_SCOPE_REQUIRED'));
  const [one, two] = [app.di.createScope(), app.di.createScope()];
  t.deepEqual([await one.resolve(MetaRequest), await one.resolve(MetaRequest), await two.resolve(MetaRequest)], [2, 2, 3]);
  t.deepEqual([await app.di.resolve(MetaTransient), await app.di.resolve(MetaTransient)], [4, 5]);
  await Promise.all([one.dispose(), two.dispose()]);
});

// integration/scopes/e2e/resolve-scoped.spec.ts, "should resolve transient logger" and "should resolve request-scoped logger"
test('a request-scoped service resolved in a scope gets its transient logger, built from a factory provider', async (t) => {
  const LoggerProvider = token<{ logger: boolean }>('LOGGER');
  class LoggerService {
    constructor(readonly logger: { logger: boolean }) {}
  }
  class RequestLoggerService {
    constructor(readonly loggerService: LoggerService) {}
  }
  const app = await createApp({
    providers: [
      provide(LoggerProvider, { useFactory: () => ({ logger: true }) }),
      provide(LoggerService, { lifetime: 'transient', inject: [LoggerProvider] }),
      provide(RequestLoggerService, { lifetime: 'request', inject: [LoggerService] }),
    ],
    shutdown: false,
  });
  t.teardown(() => app.close());
  t.deepEqual((await app.di.resolve(LoggerService)).logger, { logger: true });
  await using scope = app.di.createScope();
  const requestScoped = await scope.resolve(RequestLoggerService);
  t.true(requestScoped.loggerService instanceof LoggerService);
  t.deepEqual(requestScoped.loggerService.logger, { logger: true });
});

// integration/scopes/e2e/circular-request-scope.spec.ts, "should create service for each request" (the two
// services reach each other through forwardRef()). loopsafe's forwardRef is lazy(key): one side receives a function
// that resolves the other on use, in the same request scope, so the cycle is no longer a boot problem.
test('request-scoped providers that need each other boot when one side asks lazily, and share one instance per request', async (t) => {
  let built = 0;
  interface Hello { users: () => Promise<Users>; n: number }
  interface Users { hello: Hello; n: number }
  const HelloService = token<Hello>('HelloService');
  const UsersService = token<Users>('UsersService');
  const app = await createApp({
    providers: [
      provide(HelloService, { lifetime: 'request', inject: [lazy(UsersService)], useFactory: (users) => ({ users, n: ++built }) }),
      provide(UsersService, { lifetime: 'request', inject: [HelloService], useFactory: (hello) => ({ hello, n: ++built }) }),
    ],
    routes: [route({ method: 'GET', url: '/hello', inject: [HelloService], handler: async ([hello]) => {
      const users = await hello.users();
      return { same: users.hello === hello, again: (await hello.users()) === users };
    } })],
    shutdown: false,
  });
  t.teardown(() => app.close());
  for (let i = 0; i < 3; i++) t.deepEqual((await app.inject('/hello')).json(), { same: true, again: true });
  t.is(built, 6, 'two services per request, three requests');
});
