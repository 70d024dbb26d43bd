// Controllers written with TC39 standard decorators and inject lists (test/fixtures/standard-decorators/fastify/),
// served over real sockets. The one source runs compiled by tsc (standard decorators), by tsx (esbuild's) and by
// tsc with experimentalDecorators: the behaviour of test/fastify/controllers.test.ts must hold for all three.
import test from 'ava';
import type { FastifyInstance } from 'fastify';
import { listen } from '../helpers/http.js';
import { fixtureLoader, type Compiler } from '../helpers/standard-decorators.js';

interface Controllers {
  createApp(options: Record<string, unknown>): Promise<FastifyInstance>;
  providers: unknown[];
  built: { items: number; scoped: number };
  ItemsController: unknown;
  ScopedController: unknown;
  CaptiveController: unknown;
  MissingController: unknown;
  Undecorated: unknown;
}
interface Misuse {
  createApp: Controllers['createApp'];
  staticRoute(): unknown;
  privateRoute(): unknown;
  fieldRoute(): unknown;
  controllerOnMethod(): unknown;
  misspeltOption(): unknown;
  wrappedAbove(): unknown;
  injectNotAList(): unknown;
  UnlistedController: unknown;
  NoListController: unknown;
}

const load = fixtureLoader('fastify');
const compilers: Compiler[] = ['tsc', 'tsx', 'tsc-legacy'];

async function serve(t: { teardown(fn: () => unknown): void }, fixture: Pick<Controllers, 'createApp'> & { providers?: unknown[] }, controllers: unknown[]) {
  const app = await fixture.createApp({ providers: fixture.providers ?? [], controllers, shutdown: false });
  t.teardown(() => app.close());
  const port = await listen(app);
  return (path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${port}${path}`, init);
}

function bootProblems(error: unknown): { code: string; path?: string[]; route?: string }[] {
  return (error as { problems: { code: string; path?: string[]; route?: string }[] }).problems;
}

const json = { 'content-type': 'application/json' };

for (const compiler of compilers) {
  test(`[${compiler}] decorated methods become routes under the prefix, receiving (deps, request, reply)`, async (t) => {
    const fixture = (await load(compiler, 'controllers')) as Controllers;
    const get = await serve(t, fixture, [fixture.ItemsController]);
    t.deepEqual(await (await get('/items/1')).json(), { id: '1', value: 'one' });
    const created = await get('/items', { method: 'POST', headers: json, body: JSON.stringify({ id: '2', value: 'two' }) });
    t.is(created.status, 201);
    t.deepEqual(await created.json(), { created: '2' });
    t.is((await get('/items', { method: 'POST', headers: json, body: JSON.stringify({ id: '3' }) })).status, 400, 'the body schema validates');
    t.deepEqual(await (await get('/items/2', { method: 'PUT', headers: json, body: JSON.stringify({ value: 'TWO' }) })).json(), { replaced: '2' });
    t.deepEqual(await (await get('/items/2?suffix=!', { method: 'PATCH' })).json(), { value: 'TWO!' });
    t.deepEqual(await (await get('/items/2', { method: 'DELETE', headers: { 'x-reason': 'test' } })).json(), { deleted: true, reason: 'test', method: 'DELETE' });
    const [first, second] = await Promise.all([get('/items/count'), get('/items/count')].map(async (r) => ((await r).json()) as Promise<{ serial: number }>));
    t.is(first!.serial, second!.serial, 'a controller is a singleton by default');
  });

  test(`[${compiler}] one method carries two routes; optional and lazy keys, parameterless and wrapped methods work`, async (t) => {
    const fixture = (await load(compiler, 'controllers')) as Controllers;
    const get = await serve(t, fixture, [fixture.ItemsController]);
    t.deepEqual(await (await get('/items/extra/a')).json(), { missing: null, mine: true, url: '/items/extra/a' });
    t.deepEqual(await (await get('/items/extra/b')).json(), { missing: null, mine: true, url: '/items/extra/b' });
    const head = await get('/items/extra/a', { method: 'HEAD' });
    t.is(head.status, 200);
    t.is(await head.text(), '');
    t.is(((await (await get('/items/count')).json()) as { size: number }).size, 1);
    t.is(await (await get('/items/wrapped')).text(), 'QUIET', 'the route serves what the decorator below it made');
  });

  test(`[${compiler}] a request-scoped controller is built per request and shares request-scoped instances with hooks and the handler`, async (t) => {
    const fixture = (await load(compiler, 'controllers')) as Controllers;
    const get = await serve(t, fixture, [fixture.ScopedController]);
    const first = (await (await get('/scoped')).json()) as { same: boolean; steps: string[]; mine: boolean; config: { audited?: boolean } };
    t.true(first.same);
    t.true(first.mine);
    t.deepEqual(first.steps, ['preHandler', 'handler']);
    t.true(first.config.audited);
    t.is((await get('/scoped')).status, 200);
    t.is(fixture.built.scoped, 2);
  });

  test(`[${compiler}] a singleton controller whose inject list names a request-scoped provider fails the boot as a captive dependency`, async (t) => {
    const fixture = (await load(compiler, 'controllers')) as Controllers;
    const error = await t.throwsAsync(fixture.createApp({ providers: fixture.providers, controllers: [fixture.CaptiveController], shutdown: false }));
    t.is((error as { code?: string }).code, 'LOOPSAFE_ERR_BOOT');
    t.deepEqual(bootProblems(error).map((p) => [p.code, p.path]), [['LOOPSAFE_ERR_CAPTIVE_DEPENDENCY', ['CaptiveController', 'Unit']]]);
  });

  test(`[${compiler}] a handler whose inject list names an unregistered provider fails the boot with the handler in the path`, async (t) => {
    const fixture = (await load(compiler, 'controllers')) as Controllers;
    const error = await t.throwsAsync(fixture.createApp({ providers: fixture.providers, controllers: [fixture.MissingController], shutdown: false }));
    t.deepEqual(bootProblems(error).map((p) => [p.code, p.path]), [['LOOPSAFE_ERR_PROVIDER_MISSING', ['MissingController.home', 'Nowhere']]]);
  });

  test(`[${compiler}] a class with routes but no @Controller fails the boot instead of serving nothing`, async (t) => {
    const fixture = (await load(compiler, 'controllers')) as Controllers;
    const error = await t.throwsAsync(fixture.createApp({ providers: fixture.providers, controllers: [fixture.Undecorated], shutdown: false }));
    t.deepEqual(bootProblems(error).map((p) => [p.code, p.route]), [['LOOPSAFE_ERR_FASTIFY_ROUTE_INVALID', 'Undecorated']]);
  });
}

for (const compiler of ['tsc', 'tsx'] as const) {
  test(`[${compiler}] a route decorator on a static or #private method or a field, or @Controller on a method, throws when the class is defined`, async (t) => {
    const misuse = (await load(compiler, 'misuse')) as Misuse;
    for (const define of [misuse.staticRoute, misuse.privateRoute, misuse.fieldRoute, misuse.controllerOnMethod]) {
      t.is(t.throws(define, undefined, define.name)?.['code' as keyof Error], 'LOOPSAFE_ERR_DECORATOR_MISPLACED', define.name);
    }
    t.is(t.throws(misuse.misspeltOption)?.['code' as keyof Error], 'LOOPSAFE_ERR_OPTION_INVALID');
    t.is(t.throws(misuse.injectNotAList)?.['code' as keyof Error], 'LOOPSAFE_ERR_OPTION_INVALID');
  });

  test(`[${compiler}] a controller constructor that takes parameters and has no inject list is refused at boot: standard decorators emit no types`, async (t) => {
    const misuse = (await load(compiler, 'misuse')) as Misuse;
    const error = await t.throwsAsync(misuse.createApp({ providers: [], controllers: [misuse.UnlistedController], shutdown: false }));
    t.deepEqual(bootProblems(error).map((p) => [p.code, p.path]), [['LOOPSAFE_ERR_PROVIDER_INVALID', ['UnlistedController']]]);
  });
}

for (const compiler of ['tsc', 'tsx'] as const) {
  test(`[${compiler}] a standard route without an inject list receives an empty deps list, then the request`, async (t) => {
    const misuse = (await load(compiler, 'misuse')) as Misuse;
    const get = await serve(t, misuse, [misuse.NoListController]);
    t.deepEqual(await (await get('/nolist/7')).json(), { deps: [], id: '7' });
  });
}

test('[tsx] a decorator written above a route decorator that replaces the method throws when the class is defined', async (t) => {
  const misuse = (await load('tsx', 'misuse')) as Misuse; // esbuild passes a context.metadata object, which shows it
  t.is(t.throws(misuse.wrappedAbove)?.['code' as keyof Error], 'LOOPSAFE_ERR_DECORATOR_MISPLACED');
});

test('[tsc] with Symbol.metadata defined by the app, a decorator above a route decorator that replaces the method throws too', async (t) => {
  const misuse = (await load('tsc', 'misuse')) as Misuse;
  const symbols = Symbol as unknown as { metadata?: symbol };
  // tsc reads Symbol.metadata when the class is defined, which wrappedAbove() does: define it (Node 22 and 24 have
  // none) for that call only.
  const defined = symbols.metadata === undefined;
  if (defined) symbols.metadata = Symbol.for('Symbol.metadata');
  try {
    t.is(t.throws(misuse.wrappedAbove)?.['code' as keyof Error], 'LOOPSAFE_ERR_DECORATOR_MISPLACED');
  } finally {
    if (defined) delete symbols.metadata;
  }
});
