/**
 * What holds a request scope over a real socket (issue 21, points 1 and 5), for both kinds of app. These began as
 * the failing twins of three bugs that `app.inject()` hid; they now pin the fixes:
 *
 * 1. onResponse after disposal: the scope was disposed on the response's 'close', which Node emits in the tick
 *    after 'finish', while fastify runs onResponse hooks from 'finish', one after another. Now every route's last
 *    onResponse hook is loopsafe's own, which ends the scope (src/fastify/request-scope.ts, endHook).
 * 2. A handler of the user's own (`app.get()` with `request.di`) was not held when its client left mid-handler.
 * 3. Nor were async preHandler / onSend hooks: the scope was disposed on 'close' under the hook.
 *    For 2 and 3, after an abort the scope now lives until the request's lifecycle reaches loopsafe's last onSend
 *    hook (sentHook): fastify still runs the handler and the hooks after an abort, and all of them come before it.
 *    A handler or hook that never settles holds the scope until the app closes (plugin.test.ts).
 */
import test from 'ava';
import fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { setImmediate as tick } from 'node:timers/promises';
import { createContainer, provide, token } from '../../src/index.js';
import { FastifyRequestToken, createApp, loopsafePlugin, route } from '../../src/fastify/index.js';
import { call, Journal, originOf, signal } from '../helpers/http.js';

const journal = new Journal();
let tags = 0;
const newTag = (): string => `k${++tags}`;
const tagOf = (request: FastifyRequest): string => String(request.headers['x-tag']);
const settle = async (): Promise<void> => {
  for (let i = 0; i < 3; i++) await tick();
};

interface Unit {
  readonly tag: string;
  open: boolean;
}
const Unit = token<Unit>('Unit');
const state = (unit: Unit): string => (unit.open ? 'open' : 'disposed');
const providers = [
  provide(Unit, {
    lifetime: 'request',
    inject: [FastifyRequestToken],
    useFactory: (request) => (journal.add(`${tagOf(request)} build Unit`), { tag: tagOf(request), open: true }),
    dispose: (unit) => {
      unit.open = false;
      journal.add(`${unit.tag} dispose Unit`);
    },
  }),
];

/** An async onResponse hook of the kind a request logger or an audit trail has: it resolves from request.di. */
function auditOnResponse(where: string) {
  return async function audit(request: FastifyRequest): Promise<void> {
    if (request.headers['x-hook'] !== `${where} async`) return;
    try {
      journal.add(`${tagOf(request)} async onResponse Unit ${state(await request.di.resolve(Unit))}`);
    } catch (error) {
      journal.add(`${tagOf(request)} async onResponse ${(error as { code?: string }).code}`);
    }
  };
}
/** An async onResponse hook that never touches request.di (a metrics plugin's), ahead of a sync one that does. */
async function metricsOnResponse(): Promise<void> {}
function syncAfterAsync(where: string) {
  return function lateSync(request: FastifyRequest, _reply: unknown, done: () => void): void {
    if (request.headers['x-hook'] === `${where} sync-after-async`) {
      try {
        journal.add(`${tagOf(request)} sync onResponse Unit ${state(request.di.resolveSync(Unit))}`);
      } catch (error) {
        journal.add(`${tagOf(request)} sync onResponse ${(error as { code?: string }).code}`);
      }
    }
    done();
  };
}

const gates = new Map<string, ReturnType<typeof signal<void>>>();
function gate(tag: string): ReturnType<typeof signal<void>> {
  let g = gates.get(tag);
  if (g === undefined) gates.set(tag, (g = signal()));
  return g;
}

const routes = [
  route({ method: 'GET', url: '/route-hook', onResponse: auditOnResponse('route'), inject: [Unit], handler: ([unit]) => unit.tag }),
  route({ method: 'GET', url: '/route-hooks', onResponse: [metricsOnResponse, syncAfterAsync('route')], inject: [Unit], handler: ([unit]) => unit.tag }),
  route({ method: 'GET', url: '/plain', inject: [Unit], handler: ([unit]) => unit.tag }),
  route({
    method: 'GET',
    url: '/slow-hook',
    onRequest: async (request, reply) => {
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) journal.add(`${tagOf(request)} client gone`);
      });
    },
    preHandler: async (request) => pausedHook(request, 'preHandler'),
    onSend: async (request, _reply, payload) => (await pausedHook(request, 'onSend'), payload),
    inject: [Unit],
    handler: ([unit]) => (journal.add(`${unit.tag} handler ran with Unit ${state(unit)}`), unit.tag),
  }),
];

/** A hook that resolves the request's instance, then waits for the test (which makes its client leave meanwhile). */
async function pausedHook(request: FastifyRequest, name: string): Promise<void> {
  if (request.headers['x-pause'] !== name) return;
  const tag = tagOf(request);
  const unit = await request.di.resolve(Unit);
  journal.add(`${tag} ${name} paused`);
  await gate(tag).promise;
  journal.add(`${tag} ${name} resumes with Unit ${state(unit)}`);
  journal.add(`${tag} ${name} settled`);
}

async function build(kind: 'createApp' | 'plugin'): Promise<FastifyInstance> {
  if (kind === 'createApp') return createApp({ providers, routes, shutdown: false });
  const app = fastify();
  await app.register(loopsafePlugin, { container: createContainer({ providers }), routes, shutdown: false });
  app.addHook('onResponse', auditOnResponse('app'));
  app.addHook('onResponse', metricsOnResponse);
  app.addHook('onResponse', syncAfterAsync('app'));
  app.get('/own/wait', async (request, reply) => {
    const tag = tagOf(request);
    const unit = await request.di.resolve(Unit);
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) journal.add(`${tag} client gone`);
    });
    journal.add(`${tag} handler entered`);
    await gate(tag).promise;
    journal.add(`${tag} handler settles with Unit ${state(unit)}`);
    journal.add(`${tag} handler settled`);
    if (request.headers['x-fail'] === '1') throw new Error('the handler failed after its client left');
    return 'done';
  });
  app.addHook('onError', async (request) => {
    if (request.url !== '/own/wait') return;
    journal.add(`${tagOf(request)} onError Unit ${state(await request.di.resolve(Unit))}`);
  });
  await app.ready();
  return app;
}

const origins = new Map<string, string>();
const apps: FastifyInstance[] = [];
test.before(async () => {
  for (const kind of ['createApp', 'plugin'] as const) {
    const app = await build(kind);
    apps.push(app);
    origins.set(kind, await originOf(app));
  }
});
test.after.always(() => Promise.all(apps.map((app) => app.close())));

// Bug 1 on a route: both kinds of app.
for (const kind of ['createApp', 'plugin'] as const) {
  test(`onResponse, ${kind}: an async onResponse hook on a route resolves the request's instance still open, and the scope is disposed after it`, async (t) => {
    const tag = newTag();
    t.is((await call(origins.get(kind)!, '/route-hook', { headers: { 'x-tag': tag, 'x-hook': 'route async' } })).body, tag);
    await journal.until(`${tag} dispose Unit`);
    await settle();
    t.deepEqual(journal.of(tag), ['build Unit', 'async onResponse Unit open', 'dispose Unit']);
  });

  test(`onResponse, ${kind}: a sync onResponse hook after an async one that never touches request.di still finds the scope open`, async (t) => {
    const tag = newTag();
    t.is((await call(origins.get(kind)!, '/route-hooks', { headers: { 'x-tag': tag, 'x-hook': 'route sync-after-async' } })).body, tag);
    await journal.until(`${tag} dispose Unit`);
    await settle();
    t.deepEqual(journal.of(tag), ['build Unit', 'sync onResponse Unit open', 'dispose Unit']);
  });
}

// Bug 1 with app-level hooks added after the plugin, as a request logger or a metrics plugin adds them.
for (const hook of ['async', 'sync-after-async'] as const) {
  test(`onResponse, plugin: an app-level ${hook === 'async' ? 'async onResponse hook' : 'sync onResponse hook after an async one'} resolves the request's instance still open; disposal comes after it`, async (t) => {
    const tag = newTag();
    t.is((await call(origins.get('plugin')!, '/plain', { headers: { 'x-tag': tag, 'x-hook': `app ${hook}` } })).body, tag);
    await journal.until(`${tag} dispose Unit`);
    await settle();
    t.deepEqual(journal.of(tag), ['build Unit', `${hook === 'async' ? 'async' : 'sync'} onResponse Unit open`, 'dispose Unit']);
  });
}

test('abort mid-handler, plugin: a client that leaves mid-handler of the user\'s own route: the handler runs on with its instance open, the scope is disposed after it settles', async (t) => {
  const tag = newTag();
  const controller = new AbortController();
  const answer = call(origins.get('plugin')!, '/own/wait', { headers: { 'x-tag': tag }, signal: controller.signal }).then(
    () => 'answered',
    (error: Error) => error.name,
  );
  await journal.until(`${tag} handler entered`);
  controller.abort();
  t.is(await answer, 'AbortError');
  await journal.until(`${tag} client gone`);
  await settle();
  t.deepEqual(journal.of(tag), ['build Unit', 'handler entered', 'client gone'], 'nothing disposed while the handler runs');
  gate(tag).resolve();
  await journal.until(`${tag} handler settled`);
  await journal.until(`${tag} dispose Unit`);
  await settle();
  t.deepEqual(journal.of(tag), ['build Unit', 'handler entered', 'client gone', 'handler settles with Unit open', 'handler settled', 'dispose Unit']);
});

for (const kind of ['createApp', 'plugin'] as const) {
  for (const hook of ['preHandler', 'onSend'] as const) {
    test(`abort in a hook, ${kind}: a client that leaves while an async ${hook} hook awaits: the hook resumes with the request's instance open, the scope is disposed after it`, async (t) => {
      const tag = newTag();
      const controller = new AbortController();
      const answer = call(origins.get(kind)!, '/slow-hook', { headers: { 'x-tag': tag, 'x-pause': hook }, signal: controller.signal }).then(
        () => 'answered',
        (error: Error) => error.name,
      );
      await journal.until(`${tag} ${hook} paused`);
      controller.abort();
      t.is(await answer, 'AbortError');
      await journal.until(`${tag} client gone`);
      await settle();
      const before = journal.of(tag);
      gate(tag).resolve();
      await journal.until(`${tag} ${hook} settled`);
      await journal.until(`${tag} dispose Unit`);
      await settle();
      t.false(before.includes('dispose Unit'), `nothing disposed while the ${hook} hook waits: ${before.join(', ')}`);
      const log = journal.of(tag);
      t.true(log.includes(`${hook} resumes with Unit open`), log.join(', '));
      t.is(log.filter((e) => e === 'dispose Unit').length, 1);
      t.is(log.at(-1), 'dispose Unit', log.join(', '));
    });
  }
}

test('abort mid-handler, plugin: many clients leave at once, some handlers then fail: every scope waits for its handler and its onError hook, and is disposed exactly once', async (t) => {
  const tags = Array.from({ length: 40 }, newTag);
  const controllers = tags.map(() => new AbortController());
  const answers = tags.map((tag, i) =>
    call(origins.get('plugin')!, '/own/wait', { headers: { 'x-tag': tag, 'x-fail': String(i % 2) }, signal: controllers[i]!.signal }).then(
      () => 'answered',
      (error: Error) => error.name,
    ));
  await Promise.all(tags.map((tag) => journal.until(`${tag} handler entered`)));
  for (const c of controllers) c.abort();
  t.deepEqual(new Set(await Promise.all(answers)), new Set(['AbortError']));
  await Promise.all(tags.map((tag) => journal.until(`${tag} client gone`)));
  await settle();
  t.false(tags.some((tag) => journal.of(tag).includes('dispose Unit')), 'nothing disposed while the handlers wait');
  for (const tag of tags) gate(tag).resolve();
  await Promise.all(tags.map((tag) => journal.until(`${tag} dispose Unit`)));
  await settle();
  tags.forEach((tag, i) => {
    const log = journal.of(tag);
    t.deepEqual(log.filter((e) => e === 'dispose Unit').length, 1, log.join(', '));
    t.is(log.at(-1), 'dispose Unit', log.join(', '));
    t.true(log.includes('handler settles with Unit open'), log.join(', '));
    if (i % 2 === 1) t.true(log.includes('onError Unit open'), log.join(', '));
  });
});
