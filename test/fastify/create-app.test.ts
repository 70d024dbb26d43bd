import test from 'ava';
import { LoopsafeError, provide, token, type BootError } from '../../src/index.js';
import { Controller, FastifyRequestToken, Get, Inject, createApp, route } from '../../src/fastify/index.js';

const Config = token<{ greeting: string }>('Config');
const Db = token<{ name: string }>('Db');
const Session = token<{ user: string }>('Session');

function problems(error: unknown): [string, readonly string[] | string][] {
  t_assertBoot(error);
  return (error as BootError).problems.map((p) => [p.code, 'path' in p ? (p as { path: readonly string[] }).path : (p as unknown as { route: string }).route]);
}
function t_assertBoot(error: unknown): void {
  if (!LoopsafeError.is(error, 'LOOPSAFE_ERR_BOOT')) throw new Error(`expected a BootError, got ${String(error)}`);
}

test('createApp returns a ready app that is not listening, with routes wired and eager singletons built', async (t) => {
  let built = 0;
  const app = await createApp({
    providers: [
      provide(Config, { useValue: { greeting: 'hello' } }),
      provide(Db, { eager: true, useFactory: async () => ({ name: `db${++built}` }) }),
    ],
    routes: [route({ method: 'GET', url: '/', inject: [Config, Db], handler: ([config, db]) => ({ text: config.greeting, db: db.name }) })],
    shutdown: false,
  });
  t.teardown(() => app.close());
  t.is(built, 1, 'eager singleton built before createApp resolved');
  t.is(app.server.listening, false);
  t.deepEqual((await app.inject('/')).json(), { text: 'hello', db: 'db1' });
  t.is(built, 1);
});

test('one BootError lists every problem with its path: missing provider of a route, captive controller, cycle, undecorated controller', async (t) => {
  const A = token<unknown>('A');
  const B = token<unknown>('B');
  @Controller('/sessions')
  class SessionController {
    constructor(@Inject(Session) readonly session: { user: string }) {}
    @Get()
    list() {
      return this.session.user;
    }
  }
  class NotAController {}
  let eager = 0;
  const error = await t.throwsAsync(createApp({
    providers: [
      provide(Session, { lifetime: 'request', inject: [FastifyRequestToken], useFactory: () => ({ user: 'x' }) }),
      provide(A, { inject: [B], useFactory: () => ({}) }),
      provide(B, { inject: [A], useFactory: () => ({}) }),
      provide(Config, { eager: true, useFactory: () => ({ greeting: String(++eager) }) }),
    ],
    controllers: [SessionController, NotAController],
    routes: [route({ method: 'GET', url: '/db', inject: [Db], handler: ([db]) => db.name })],
    shutdown: false,
  }));
  const found = problems(error);
  t.deepEqual(found.sort(), [
    ['LOOPSAFE_ERR_CAPTIVE_DEPENDENCY', ['SessionController', 'Session']],
    ['LOOPSAFE_ERR_CYCLE', ['A', 'B', 'A']],
    ['LOOPSAFE_ERR_FASTIFY_ROUTE_INVALID', 'NotAController'],
    ['LOOPSAFE_ERR_PROVIDER_MISSING', ['GET /db', 'Db']],
  ].sort());
  t.is(eager, 0, 'nothing is built when the graph has problems');
});

test('a failing eager singleton stops the boot and the singletons built before it are disposed', async (t) => {
  const disposed: string[] = [];
  const error = await t.throwsAsync(createApp({
    providers: [
      provide(Config, { eager: true, useFactory: () => ({ greeting: 'hi' }), dispose: () => void disposed.push('Config') }),
      provide(Db, { eager: true, inject: [Config], useFactory: async () => Promise.reject(new Error('no database')) }),
    ],
    shutdown: false,
  }));
  t.is((error as { code?: string }).code, 'LOOPSAFE_ERR_PROVIDER_FAILED');
  t.deepEqual(disposed, ['Config']);
});

test('modules add their providers and routes; overrides replace providers', async (t) => {
  const users = {
    providers: [provide(Db, { useFactory: () => ({ name: 'real' }) })],
    routes: [route({ method: 'GET', url: '/db', inject: [Db], handler: ([db]) => db.name })],
  };
  const app = await createApp({ modules: [users], overrides: [provide(Db, { useValue: { name: 'fake' } })], shutdown: false });
  t.teardown(() => app.close());
  t.is((await app.inject('/db')).body, 'fake');
});

test('fastify options are passed through', async (t) => {
  const app = await createApp({ providers: [], fastify: { bodyLimit: 1234 }, shutdown: false });
  t.teardown(() => app.close());
  t.is(app.initialConfig.bodyLimit, 1234);
});

test('options createApp cannot use are refused with a coded error', async (t) => {
  const error = await t.throwsAsync(createApp({ providers: [], timeout: -5, shutdown: false }));
  t.is((error as { code?: string }).code, 'LOOPSAFE_ERR_OPTION_INVALID');
  const signals = await t.throwsAsync(createApp({ providers: [], shutdown: { timeout: 0 } }));
  t.is((signals as { code?: string }).code, 'LOOPSAFE_ERR_OPTION_INVALID');
  for (const shutdown of [{ signals: ['SIGKILL'] }, { exit: false }, { delay: -1 }, { readiness: 'ready' }]) {
    const refused = await t.throwsAsync(createApp({ providers: [], shutdown: shutdown as never }));
    t.is((refused as { code?: string }).code, 'LOOPSAFE_ERR_OPTION_INVALID', JSON.stringify(shutdown));
  }
});

test('signal listeners are installed by default and removed when the app closes', async (t) => {
  const before = process.listenerCount('SIGTERM');
  const app = await createApp({ providers: [] });
  t.is(process.listenerCount('SIGTERM'), before + 1);
  t.is(process.listenerCount('SIGINT') > 0, true);
  await app.close();
  t.is(process.listenerCount('SIGTERM'), before);
});
