/**
 * A request's life over a real socket (issue 21, point 5): `listen()` on 127.0.0.1 port 0 and undici, for an app
 * made by `createApp()` and for `loopsafePlugin` on a user's own fastify instance. `app.inject()` never emits the
 * socket's events ('finish', 'close', aborts), so each test below is the twin of one that only injected.
 * Hooks are in socket-hooks.test.ts, aborts, streams and hijacked replies in socket-aborts.test.ts, a property over
 * mixed concurrent outcomes in socket-properties.test.ts, the thread monitor in socket-threads.test.ts, and what holds
 * the scope after an abort or during an async onResponse hook in socket-held.test.ts.
 *
 * Inventory: the tests about a request's life that used only `inject()`, and where their twin is.
 *   fastify/plugin.test.ts
 *     app.di is the container and request.di a scope given the request and reply .... here, "tokens", "own routes"
 *     every hook and the handler see one instance; the next request its own ......... socket-hooks (async onResponse: known-bugs)
 *     the scope is disposed exactly once after the response is sent ................. here, "disposed once"
 *     the scope is disposed exactly once when the handler throws ..................... here, "handler throws"
 *     (the abort test already listened) ............................................. socket-aborts
 *     a failing disposer is logged and changes neither the response nor the next ... here, "failing disposer"
 *     a request that never touches request.di creates no scope ....................... here, "no scope"
 *     closing the app disposes the container after the request scopes .............. here, "close after a request"
 *     request.di in a hook before the plugin's own fails with a coded error ......... here, "too early" / socket-hooks
 *     a hook can supply the app's own per-request values ............................. here, "supply"
 *   fastify/adversarial.test.ts
 *     1,000 concurrent requests, each its own instance, disposed once ................ here, "concurrent" (200 sockets)
 *     a handler that throws synchronously answers 500, disposed once ................ here, "handler throws"
 *     background work resolving after the response gets a coded error ............... here, "background"
 *     a hook that supplies twice fails that request with a 500 ....................... here, "supply"
 *     routes of the plugin inside a prefixed plugin .................................. here, "prefixes"
 *     a route that injects the reply beside an async singleton answers .............. here, "reply token"
 *   fastify/routes.test.ts
 *     a function route: dependencies, schema validation and serialization ........... here, "validation"
 *     hooks and config in the declaration share the handler's instances ............. socket-hooks
 *     an async request-scoped dependency is awaited once, never shared .............. here, "concurrent"
 *     a dependency that fails answers 500 with its code, logged with its path ....... here, "error bodies"
 *     a route whose dependencies are all singletons creates no request scope ........ here, "no scope"
 *   fastify/controllers.test.ts
 *     decorated methods become routes, with request parts and providers as arguments  here, "controllers"
 *     a request-scoped controller is built per request and shares instances ......... here, "controllers"
 *   fastify/create-app.test.ts
 *     createApp returns a ready app with routes wired and eager singletons built .... here, "tokens" (every createApp test)
 *     modules and overrides ......................................................... (boot-time: no request life)
 *   fastify/default-monitor.test.ts
 *     monitor warn names the provider that offloads, with the route ................. (thread attribution: test/threads)
 *   regressions/error-body.test.ts
 *     a failing provider answers 500 with the code, nothing internal ................ here, "error bodies"
 *     a loopsafe error from request.di in the user's own route: timeout, missing .... here, "error bodies"
 *     a user's setErrorHandler gets the whole error; sending it stays safe .......... here, "setErrorHandler"
 *   regressions/plugin-prefix.test.ts (all four) .................................... here, "prefixes"
 *   regressions/thenables.test.ts (reply beside an async singleton, both) ........... here, "reply token"
 *   regressions/reserved-tokens.test.ts, "the route gets the real request" .......... here, "tokens"
 *   regressions/disposal-log.test.ts, the disposer's own error in the log ........... here, "failing disposer"
 *   conformance/fastapi.test.ts (cleanup after response, on throw, reverse order, open while serialized,
 *     onSend sees dependencies open, broken cleanup logged) ......................... here, "order", "serialized"; socket-hooks
 *   conformance/fastify-awilix.test.ts (response disposes request scope not singletons; OPTIONS answered from
 *     onRequest before the scope exists) ............................................ here, "disposed once", "answered from onRequest"
 *   conformance/fastapi.test.ts (built once per request, through a sub-dependency, transient twin) here, "one instance per request"
 *   conformance/nestjs.test.ts (request-scoped controllers per request; lazy pairs) .. here, "controllers", "reach each other"
 *   threads/fastify.test.ts (throw-mode 500 body, warn text, route attribution) ..... socket-threads.test.ts
 *   observe/metrics.test.ts (factory runs, open scopes, disposal failures from a real app) socket-metrics.test.ts
 *   testing/app.test.ts, testing/fastify.test.ts: the test harness, whose point is inject(); the request life
 *     its apps go through is the one covered here.
 */
import test from 'ava';
import fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Writable } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';
import { createContainer, lazy, provide, token, type Container, type Registration } from '../../src/index.js';
import {
  Body, Controller, FastifyReplyToken, FastifyRequestToken, Get, Inject, Params, Post, Reply, Req, createApp, loopsafePlugin, route,
  type AppOptions,
} from '../../src/fastify/index.js';
import { call, Journal, originOf, type Answer } from '../helpers/http.js';

type Kind = 'createApp' | 'plugin';
const kinds: readonly Kind[] = ['createApp', 'plugin'];

const journal = new Journal();
let tags = 0;
/** A tag for one request: providers and hooks log under it, so tests can share an app and run concurrently. */
const newTag = (): string => `r${++tags}`;
const tagOf = (request: FastifyRequest): string => String(request.headers['x-tag']);
const tagged = (tag: string, headers: Record<string, string> = {}) => ({ headers: { 'x-tag': tag, ...headers } });
/** Let anything a response's 'close' set off run (a second disposal would show up here), without a timer. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 3; i++) await tick();
};

// Nothing internal may reach a client: no cause (the secret), no provider path, no route, no stack frame.
const secret = 'password=hunter2 rejected by /etc/vault.conf';
const internals = /hunter2|vault|GET \/|\bat \S+:\d+/i;

interface Unit {
  readonly tag: string;
  open: boolean;
}
const UnitToken = token<Unit>('Unit');
const Inner = token<Unit>('Inner');
const Outer = token<{ inner: Unit }>('Outer');
const Db = token<string>('Db');
const Sender = token<{ send(body: unknown): FastifyReply }>('Sender');
const Failing = token<object>('SecretVaultClient');
const FailingSingleton = token<object>('SecretVaultSingleton');
const Slow = token<object>('SlowVaultClient');
const Tenant = token<string>('Tenant');
const Audit = token<object>('Audit');

/** The one instance each request built, so hooks and handlers can say whether they see the same. */
const built = new Map<string, Unit>();

const providers: Registration[] = [
  provide(UnitToken, {
    lifetime: 'request',
    inject: [FastifyRequestToken],
    useFactory: (request) => {
      const unit = { tag: tagOf(request), open: true };
      built.set(unit.tag, unit);
      journal.add(`${unit.tag} build Unit`);
      return unit;
    },
    dispose: (unit) => {
      unit.open = false;
      journal.add(`${unit.tag} dispose Unit`);
    },
  }),
  provide(Inner, {
    lifetime: 'request',
    inject: [FastifyRequestToken],
    useFactory: async (request) => {
      await tick();
      journal.add(`${tagOf(request)} build Inner`);
      return { tag: tagOf(request), open: true };
    },
    dispose: (inner) => {
      inner.open = false;
      journal.add(`${inner.tag} dispose Inner`);
    },
  }),
  provide(Outer, {
    lifetime: 'request',
    inject: [Inner],
    useFactory: (inner) => {
      journal.add(`${inner.tag} build Outer`);
      return { inner };
    },
    dispose: async (outer) => {
      await tick();
      journal.add(`${outer.inner.tag} dispose Outer (Inner ${outer.inner.open ? 'open' : 'closed'})`);
    },
  }),
  provide(Db, { useFactory: async () => (await tick(), 'db') }),
  provide(Sender, { lifetime: 'request', inject: [FastifyReplyToken, Db], useFactory: (reply) => ({ send: (body: unknown) => reply.send(body) }) }),
  provide(Failing, { lifetime: 'request', inject: [FastifyRequestToken], useFactory: async (): Promise<object> => Promise.reject(new Error(secret)) }),
  provide(FailingSingleton, { useFactory: async (): Promise<object> => Promise.reject(new Error(secret)) }),
  provide(Slow, { lifetime: 'request', timeout: 30, useFactory: () => new Promise<object>(() => {}) }),
  provide(Tenant, { supplied: true }),
  provide(Audit, { lifetime: 'request', inject: [FastifyRequestToken], useFactory: (request) => (journal.add(`${tagOf(request)} build Audit`), {}) }),
];

/** Log the unit a step sees: `same` when it is the request's own instance, `disposed` when it was disposed already. */
function saw(step: string, unit: Unit): void {
  journal.add(`${unit.tag} ${step} ${unit === built.get(unit.tag) ? 'same' : 'OTHER'}${unit.open ? '' : ' disposed'}`);
}

const routes = [
  route({
    method: 'GET',
    url: '/tokens',
    inject: [FastifyRequestToken, FastifyReplyToken, UnitToken],
    handler: ([req, rep, unit], request, reply) => {
      saw('handler', unit);
      return { request: req === request, reply: rep === reply, url: req.url, tag: req.headers['x-tag'], scoped: request.di.resolveSync(UnitToken) === unit };
    },
  }),
  route({ method: 'GET', url: '/order', inject: [Outer], handler: ([outer]) => ({ inner: outer.inner.open }) }),
  route({
    method: 'GET',
    url: '/serialized',
    inject: [UnitToken],
    // The payload is serialized after the handler returned: the instance is still open then.
    handler: ([unit]) => ({ toJSON: () => ({ open: unit.open }) }),
  }),
  route({ method: 'GET', url: '/throws', inject: [UnitToken], handler: async () => Promise.reject(new Error('async boom')) }),
  route({ method: 'GET', url: '/throws-sync', inject: [UnitToken], handler: () => {
    throw new Error('sync boom');
  } }),
  route({ method: 'GET', url: '/failing', inject: [Failing], handler: () => 'never' }),
  route({ method: 'GET', url: '/failing-singleton', inject: [FailingSingleton], handler: () => 'never' }),
  route({ method: 'GET', url: '/slow', inject: [Slow], handler: () => 'never' }),
  route({
    method: 'GET',
    url: '/tenant',
    onRequest: async (request) => {
      request.di.supply(Tenant, String(request.headers['x-tenant']));
      if (request.headers['x-twice'] === '1') request.di.supply(Tenant, 'again');
    },
    inject: [Tenant],
    handler: ([tenant]) => ({ tenant }),
  }),
  route({
    method: 'GET',
    url: '/lazy',
    preHandler: async (request) => saw('preHandler', await request.di.resolve(UnitToken)),
    inject: [lazy(UnitToken)],
    handler: async ([unit], _request, reply) => {
      const first = await unit();
      saw('handler', first);
      reply.raw.once('close', () => {
        // After the response: the scope is disposed, so the lazy dependency refuses with a code and builds nothing.
        void tick().then(unit).then(
          (late) => journal.add(`${first.tag} late ${late === first ? 'same' : 'other'}`),
          (error: { code?: string }) => journal.add(`${first.tag} late ${error.code}`),
        );
      });
      return { same: first === (await unit()) };
    },
  }),
  route({
    method: 'GET',
    url: '/background',
    inject: [UnitToken],
    handler: ([unit], request, reply) => {
      reply.raw.once('close', () => {
        void tick().then(() => request.di.resolve(Audit)).then(
          () => journal.add(`${unit.tag} late built`),
          (error: { code?: string }) => journal.add(`${unit.tag} late ${error.code}`),
        );
      });
      return 'ok';
    },
  }),
  route({
    method: 'POST',
    url: '/validated',
    schema: { body: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } },
    onRequest: async (request) => saw('onRequest', await request.di.resolve(UnitToken)),
    inject: [UnitToken],
    handler: ([unit], request: FastifyRequest<{ Body: { name: string } }>) => {
      saw('handler', unit);
      return { name: request.body.name };
    },
  }),
  route({
    method: 'GET',
    url: '/denied',
    onRequest: async (request, reply) => {
      saw('onRequest', await request.di.resolve(UnitToken));
      if (request.headers['x-deny'] === 'onRequest') return reply.code(403).send({ denied: 'onRequest' });
      return undefined;
    },
    preHandler: async (request, reply) => {
      saw('preHandler', await request.di.resolve(UnitToken));
      if (request.headers['x-deny'] === 'preHandler') return reply.code(401).send({ denied: 'preHandler' });
      return undefined;
    },
    inject: [UnitToken],
    handler: ([unit]) => (saw('handler', unit), { denied: false }),
  }),
  route({ method: 'GET', url: '/reply', inject: [FastifyReplyToken, Db], handler: ([reply, db]) => reply.code(201).send({ db }) }),
  route({ method: 'GET', url: '/sender', inject: [Sender], handler: ([sender]) => sender.send({ sent: true }) }),
  route({ method: 'GET', url: '/concurrent', inject: [UnitToken, Outer], handler: ([unit, outer]) => ({ tag: unit.tag, same: outer.inner.tag === unit.tag }) }),
];

let controllersBuilt = 0;

@Controller('/scoped', { lifetime: 'request' })
class ScopedController {
  constructor(@Inject(UnitToken) readonly unit: Unit) {
    controllersBuilt++;
    journal.add(`${unit.tag} build controller`);
  }

  @Get('', { preHandler: async (request) => saw('preHandler', await request.di.resolve(UnitToken)) })
  show(@Inject(UnitToken) unit: Unit, @Req() request: FastifyRequest) {
    saw('handler', unit);
    return { same: unit === this.unit, mine: unit.tag === tagOf(request) };
  }

  [Symbol.dispose](): void {
    journal.add(`${this.unit.tag} dispose controller (Unit ${this.unit.open ? 'open' : 'closed'})`);
  }
}

@Controller('/items')
class ItemsController {
  readonly items = new Map([['1', 'one']]);

  @Get('/:id')
  get(@Params('id') id: string) {
    return { id, value: this.items.get(id) ?? null };
  }

  @Post('', { schema: { body: { type: 'object', properties: { id: { type: 'string' }, value: { type: 'string' } }, required: ['id', 'value'] } } })
  create(@Body() body: { id: string; value: string }, @Reply() reply: FastifyReply) {
    this.items.set(body.id, body.value);
    return reply.code(201).send({ created: body.id });
  }
}

const controllers = [ScopedController, ItemsController];

/** The app a quick-start reader builds: createApp, or the plugin on their own fastify with routes of their own. */
async function build(kind: Kind): Promise<{ app: FastifyInstance; container: Container }> {
  if (kind === 'createApp') {
    const app = await createApp({ providers, routes, controllers, shutdown: false });
    return { app, container: app.di };
  }
  const app = fastify();
  // Registered before the plugin, so it runs before the plugin's own onRequest hook.
  app.addHook('onRequest', function tooEarly(request, _reply, done) {
    if (request.headers['x-early'] === '1') {
      try {
        void request.di;
        journal.add(`${tagOf(request)} early ok`);
      } catch (error) {
        journal.add(`${tagOf(request)} early ${(error as { code?: string }).code}`);
      }
    }
    done();
  });
  const container = createContainer({ providers });
  await app.register(loopsafePlugin, { container, routes, controllers, shutdown: false });
  app.get('/own/tokens', async (request, reply) => {
    // resolveSync for the reply: fastify's reply is thenable, so awaiting a promise of it waits for the response.
    const unit = await request.di.resolve(UnitToken);
    saw('handler', unit);
    return {
      request: (await request.di.resolve(FastifyRequestToken)) === request,
      reply: request.di.resolveSync(FastifyReplyToken) === reply,
      same: request.di === request.di,
      app: request.server.di === container,
    };
  });
  app.get('/own/slow', async (request) => request.di.resolve(Slow));
  app.get('/own/missing', async (request) => request.di.resolve(token<object>('UnregisteredVault')));
  app.get('/own/tenant', async (request) => request.di.resolve(Tenant));
  app.addHook('onRequest', async (request) => {
    if (request.url === '/own/tenant') request.di.supply(Tenant, String(request.headers['x-tenant']));
  });
  await app.ready();
  return { app, container };
}

const served = new Map<Kind, { origin: string; container: Container }>();
const apps: FastifyInstance[] = [];

test.before(async () => {
  for (const kind of kinds) {
    const { app, container } = await build(kind);
    apps.push(app);
    served.set(kind, { origin: await originOf(app), container });
  }
});
test.after.always(async () => {
  await Promise.all(apps.map((app) => app.close()));
});

const originOfKind = (kind: Kind): string => served.get(kind)!.origin;
const json = <T = Record<string, unknown>>(answer: Answer): T => JSON.parse(answer.body) as T;

for (const kind of kinds) {
  test(`${kind}: tokens: the route gets the real request and reply of this socket, and request.di shares its instance`, async (t) => {
    const tag = newTag();
    const answer = await call(originOfKind(kind), '/tokens?x=1', tagged(tag));
    t.is(answer.status, 200);
    t.deepEqual(json(answer), { request: true, reply: true, url: '/tokens?x=1', tag, scoped: true });
    await journal.until(`${tag} dispose Unit`);
    await settle();
    t.deepEqual(journal.of(tag), ['build Unit', 'handler same', 'dispose Unit']);
  });

  test(`${kind}: disposed once: each request's scope is disposed exactly once after its response, the next request gets its own`, async (t) => {
    const first = newTag();
    const second = newTag();
    t.is((await call(originOfKind(kind), '/tokens', tagged(first))).status, 200);
    t.is((await call(originOfKind(kind), '/tokens', tagged(second))).status, 200);
    await journal.until(`${second} dispose Unit`);
    await journal.until(`${first} dispose Unit`);
    await settle();
    t.not(built.get(first), built.get(second));
    t.deepEqual(journal.of(first).filter((e) => e.startsWith('dispose')), ['dispose Unit']);
    t.deepEqual(journal.of(second).filter((e) => e.startsWith('dispose')), ['dispose Unit']);
  });

  test(`${kind}: order: a dependent is disposed before the instance it depends on, which is still open during its disposal`, async (t) => {
    const tag = newTag();
    const answer = await call(originOfKind(kind), '/order', tagged(tag));
    t.deepEqual(json(answer), { inner: true });
    await journal.until(`${tag} dispose Inner`);
    await settle();
    t.deepEqual(journal.of(tag), ['build Inner', 'build Outer', 'dispose Outer (Inner open)', 'dispose Inner']);
  });

  test(`${kind}: serialized: a request-scoped instance is still open when the handler's payload is serialized`, async (t) => {
    const tag = newTag();
    t.deepEqual(json(await call(originOfKind(kind), '/serialized', tagged(tag))), { open: true });
    await journal.until(`${tag} dispose Unit`);
    t.false(built.get(tag)!.open);
  });

  for (const path of ['/throws', '/throws-sync']) {
    test(`${kind}: handler throws (${path}): the client gets a 500 without a stack, and the scope is disposed exactly once`, async (t) => {
      const tag = newTag();
      const answer = await call(originOfKind(kind), path, tagged(tag));
      t.is(answer.status, 500);
      t.notRegex(answer.body, internals);
      t.is(json(answer)['statusCode'], 500);
      await journal.until(`${tag} dispose Unit`);
      await settle();
      t.deepEqual(journal.of(tag), ['build Unit', 'dispose Unit']);
    });
  }

  test(`${kind}: error bodies: a failing provider answers 500 with its code and nothing internal`, async (t) => {
    for (const path of ['/failing', '/failing-singleton']) {
      const answer = await call(originOfKind(kind), path);
      t.is(answer.status, 500, path);
      t.notRegex(answer.body, internals, path);
      t.notRegex(answer.body, /SecretVault/, path);
      const body = json(answer);
      t.deepEqual(Object.keys(body).sort(), ['code', 'error', 'message', 'statusCode'], path);
      t.like(body, { statusCode: 500, code: 'LOOPSAFE_ERR_PROVIDER_FAILED', error: 'Internal Server Error' }, path);
    }
  });

  test(`${kind}: error bodies: a request-scoped factory that outlives its timeout answers 500 with the timeout's code`, async (t) => {
    const answer = await call(originOfKind(kind), '/slow');
    t.is(answer.status, 500);
    t.notRegex(answer.body, internals);
    t.notRegex(answer.body, /SlowVault/);
    t.like(json(answer), { statusCode: 500, code: 'LOOPSAFE_ERR_PROVIDER_TIMEOUT' });
  });

  test(`${kind}: supply: a route hook supplies a per-request value; supplying it twice answers 500 with the code, the next request is fine`, async (t) => {
    t.deepEqual(json(await call(originOfKind(kind), '/tenant', { headers: { 'x-tenant': 'acme' } })), { tenant: 'acme' });
    const twice = await call(originOfKind(kind), '/tenant', { headers: { 'x-tenant': 'acme', 'x-twice': '1' } });
    t.is(twice.status, 500);
    t.notRegex(twice.body, internals);
    t.is(json(twice)['code'], 'LOOPSAFE_ERR_SUPPLY_INVALID');
    t.deepEqual(json(await call(originOfKind(kind), '/tenant', { headers: { 'x-tenant': 'globex' } })), { tenant: 'globex' });
  });

  test(`${kind}: lazy: a lazy dependency gives the hook's instance, and after the response it refuses with a code and builds nothing`, async (t) => {
    const tag = newTag();
    t.deepEqual(json(await call(originOfKind(kind), '/lazy', tagged(tag))), { same: true });
    await journal.until(`${tag} late LOOPSAFE_ERR_DISPOSED`);
    t.deepEqual(journal.of(tag), ['build Unit', 'preHandler same', 'handler same', 'dispose Unit', 'late LOOPSAFE_ERR_DISPOSED']);
  });

  test(`${kind}: background: work that resolves from request.di after the response gets a coded error and builds nothing`, async (t) => {
    const tag = newTag();
    t.is((await call(originOfKind(kind), '/background', tagged(tag))).body, 'ok');
    await journal.until(`${tag} late LOOPSAFE_ERR_DISPOSED`);
    t.deepEqual(journal.of(tag), ['build Unit', 'dispose Unit', 'late LOOPSAFE_ERR_DISPOSED']);
  });

  test(`${kind}: validation: an invalid body answers 400 with fastify's code; the scope a hook opened is disposed once, the handler never runs`, async (t) => {
    const tag = newTag();
    const bad = await call(originOfKind(kind), '/validated', { method: 'POST', ...tagged(tag, { 'content-type': 'application/json' }), body: '{"nom":1}' });
    t.is(bad.status, 400);
    t.is(json(bad)['code'], 'FST_ERR_VALIDATION');
    await journal.until(`${tag} dispose Unit`);
    await settle();
    t.deepEqual(journal.of(tag), ['build Unit', 'onRequest same', 'dispose Unit']);
    const good = newTag();
    const answer = await call(originOfKind(kind), '/validated', { method: 'POST', ...tagged(good, { 'content-type': 'application/json' }), body: '{"name":"ada"}' });
    t.deepEqual(json(answer), { name: 'ada' });
    await journal.until(`${good} dispose Unit`);
    t.deepEqual(journal.of(good), ['build Unit', 'onRequest same', 'handler same', 'dispose Unit']);
  });

  for (const [what, contentType, body, status] of [
    ['malformed JSON', 'application/json', '{"name":', 400],
    ['an unsupported content type', 'application/x-absurd', 'name=ada', 415],
  ] as const) {
    test(`${kind}: a body fastify cannot parse (${what}) answers ${status} with fastify's code; the scope a hook opened is disposed once`, async (t) => {
      const tag = newTag();
      const answer = await call(originOfKind(kind), '/validated', { method: 'POST', ...tagged(tag, { 'content-type': contentType }), body });
      t.is(answer.status, status);
      t.regex(String(json(answer)['code']), /^FST_ERR_CTP_/);
      t.notRegex(answer.body, internals);
      await journal.until(`${tag} dispose Unit`);
      await settle();
      t.deepEqual(journal.of(tag), ['build Unit', 'onRequest same', 'dispose Unit']);
    });
  }

  for (const [hook, status] of [['onRequest', 403], ['preHandler', 401]] as const) {
    test(`${kind}: replied in a hook: ${hook} answers ${status} itself; the handler never runs and the scope is disposed once`, async (t) => {
      const tag = newTag();
      const answer = await call(originOfKind(kind), '/denied', tagged(tag, { 'x-deny': hook }));
      t.is(answer.status, status);
      t.deepEqual(json(answer), { denied: hook });
      await journal.until(`${tag} dispose Unit`);
      await settle();
      const steps = hook === 'onRequest' ? ['onRequest same'] : ['onRequest same', 'preHandler same'];
      t.deepEqual(journal.of(tag), ['build Unit', ...steps, 'dispose Unit']);
    });
  }

  test(`${kind}: reply token: a route or a request-scoped provider that uses the reply beside an async singleton answers`, async (t) => {
    const reply = await call(originOfKind(kind), '/reply');
    t.is(reply.status, 201);
    t.deepEqual(json(reply), { db: 'db' });
    const sender = await call(originOfKind(kind), '/sender');
    t.is(sender.status, 200);
    t.deepEqual(json(sender), { sent: true });
  });

  test(`${kind}: concurrent: 200 requests on their own sockets each get their own instances, each disposed exactly once`, async (t) => {
    const batch = Array.from({ length: 200 }, () => newTag());
    const answers = await Promise.all(batch.map((tag) => call(originOfKind(kind), '/concurrent', tagged(tag))));
    t.deepEqual(answers.map((a) => json(a)), batch.map((tag) => ({ tag, same: true })));
    await Promise.all(batch.flatMap((tag) => [journal.until(`${tag} dispose Unit`), journal.until(`${tag} dispose Inner`)]));
    await settle();
    for (const tag of batch) {
      t.deepEqual(journal.of(tag).filter((e) => e.startsWith('dispose')).sort(), ['dispose Inner', 'dispose Outer (Inner open)', 'dispose Unit'], tag);
    }
  });

  test(`${kind}: controllers: a request-scoped controller is built per request, shares the hook's instance and is disposed before it`, async (t) => {
    const tags = [newTag(), newTag()];
    const before = controllersBuilt;
    for (const tag of tags) {
      t.deepEqual(json(await call(originOfKind(kind), '/scoped', tagged(tag))), { same: true, mine: true });
    }
    for (const tag of tags) {
      await journal.until(`${tag} dispose Unit`);
      t.deepEqual(journal.of(tag), ['build Unit', 'preHandler same', 'build controller', 'handler same', 'dispose controller (Unit open)', 'dispose Unit']);
    }
    t.true(controllersBuilt - before >= 2);
  });

  test(`${kind}: controllers: a singleton controller's routes take params and a validated body over the socket`, async (t) => {
    const origin = originOfKind(kind);
    t.deepEqual(json(await call(origin, '/items/1')), { id: '1', value: 'one' });
    const id = newTag();
    const created = await call(origin, '/items', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id, value: 'v' }) });
    t.is(created.status, 201);
    t.deepEqual(json(created), { created: id });
    const invalid = await call(origin, '/items', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":"x"}' });
    t.is(invalid.status, 400);
    t.is(json(invalid)['code'], 'FST_ERR_VALIDATION');
    t.deepEqual(json(await call(origin, `/items/${id}`)), { id, value: 'v' });
  });

  test(`${kind}: 404: an unknown path answers fastify's 404 and builds nothing`, async (t) => {
    const tag = newTag();
    const answer = await call(originOfKind(kind), '/nowhere', tagged(tag));
    t.is(answer.status, 404);
    t.like(json(answer), { statusCode: 404, error: 'Not Found' });
    await settle();
    t.deepEqual(journal.of(tag), []);
  });
}

test('plugin: own routes: request.di in a route of the user\'s own gives the request, the reply, one scope, and app.di is the container', async (t) => {
  const tag = newTag();
  t.deepEqual(json(await call(originOfKind('plugin'), '/own/tokens', tagged(tag))), { request: true, reply: true, same: true, app: true });
  await journal.until(`${tag} dispose Unit`);
  await settle();
  t.deepEqual(journal.of(tag), ['build Unit', 'handler same', 'dispose Unit']);
});

test('plugin: error bodies: a timeout and a missing provider resolved from request.di answer 500 with their codes, nothing internal', async (t) => {
  for (const [path, code] of [['/own/slow', 'LOOPSAFE_ERR_PROVIDER_TIMEOUT'], ['/own/missing', 'LOOPSAFE_ERR_PROVIDER_MISSING']] as const) {
    const answer = await call(originOfKind('plugin'), path);
    t.is(answer.status, 500, path);
    t.notRegex(answer.body, internals, path);
    t.notRegex(answer.body, /SlowVault|UnregisteredVault/, path);
    t.like(json(answer), { statusCode: 500, code, error: 'Internal Server Error' }, path);
  }
});

test('plugin: supply: an app hook supplies a value to request.di for a route of the user\'s own', async (t) => {
  t.is((await call(originOfKind('plugin'), '/own/tenant', { headers: { 'x-tenant': 'acme' } })).body, 'acme');
  t.is((await call(originOfKind('plugin'), '/own/tenant', { headers: { 'x-tenant': 'globex' } })).body, 'globex');
});

test('plugin: too early: request.di in an onRequest hook added before the plugin fails with a coded error; the route still gets its scope', async (t) => {
  const tag = newTag();
  t.is((await call(originOfKind('plugin'), '/tokens', tagged(tag, { 'x-early': '1' }))).status, 200);
  await journal.until(`${tag} dispose Unit`);
  t.deepEqual(journal.of(tag), ['early LOOPSAFE_ERR_FASTIFY_SCOPE_UNAVAILABLE', 'build Unit', 'handler same', 'dispose Unit']);
});

// Apps of their own below: they count scopes, log, set an error handler or are closed by the test.

async function isolated(kind: Kind, parts: { providers: Registration[]; routes: NonNullable<AppOptions['routes']>; log?: Writable }): Promise<FastifyInstance> {
  const logger = parts.log === undefined ? {} : { logger: { level: 'error', stream: parts.log } };
  if (kind === 'createApp') return createApp({ providers: parts.providers, routes: parts.routes, shutdown: false, fastify: logger });
  const app = fastify(logger);
  await app.register(loopsafePlugin, { container: createContainer({ providers: parts.providers }), routes: parts.routes, shutdown: false });
  return app;
}

for (const kind of kinds) {
  test(`${kind}: no scope: a request whose route needs only singletons, or nothing, creates no request scope`, async (t) => {
    const app = await isolated(kind, {
      providers,
      routes: [
        route({ method: 'GET', url: '/plain', handler: () => 'plain' }),
        route({ method: 'GET', url: '/singleton', inject: [Db], handler: ([db]) => db }),
        route({ method: 'GET', url: '/scoped', inject: [UnitToken], handler: ([unit]) => unit.tag }),
      ],
    });
    t.teardown(() => app.close());
    let scopes = 0;
    const createScope = app.di.createScope.bind(app.di);
    (app.di as { createScope: Container['createScope'] }).createScope = () => (scopes++, createScope());
    const origin = await originOf(app);
    t.is((await call(origin, '/plain')).body, 'plain');
    t.is((await call(origin, '/singleton')).body, 'db');
    t.is(scopes, 0);
    const tag = newTag();
    t.is((await call(origin, '/scoped', tagged(tag))).body, tag);
    t.is(scopes, 1);
  });

  test(`${kind}: failing disposer: its error is logged with its code and the disposer's own message; the client got its 200`, async (t) => {
    const lines: string[] = [];
    const logged = new Journal();
    const log = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        if (chunk.toString().includes('LOOPSAFE_ERR_DISPOSAL_FAILED')) logged.add('failed');
        done();
      },
    });
    const Broken = token<string>('broken_dep');
    const app = await isolated(kind, {
      providers: [provide(Broken, { lifetime: 'request', useFactory: () => 's', dispose: function closeBroken() {
        throw new Error('Broken after yield');
      } })],
      routes: [route({ method: 'GET', url: '/broken', inject: [Broken], handler: () => ({ message: 'all good?' }) })],
      log,
    });
    t.teardown(() => app.close());
    const origin = await originOf(app);
    const answer = await call(origin, '/broken');
    t.is(answer.status, 200);
    t.deepEqual(json(answer), { message: 'all good?' });
    await logged.until('failed');
    const entry = JSON.parse(lines.find((line) => line.includes('LOOPSAFE_ERR_DISPOSAL_FAILED'))!) as { level: number };
    t.is(entry.level, 50);
    t.regex(lines.join(''), /broken_dep[\s\S]*Broken after yield|Broken after yield[\s\S]*broken_dep/);
    t.is((await call(origin, '/broken')).status, 200, 'the next request is unaffected');
  });

  test(`${kind}: close after a request: closing the app disposes the request scope, then the singletons`, async (t) => {
    const order: string[] = [];
    const Pool = token<object>('Pool');
    const Conn = token<object>('Conn');
    const app = await isolated(kind, {
      providers: [
        provide(Pool, { useFactory: () => ({}), dispose: () => void order.push('Pool') }),
        provide(Conn, { lifetime: 'request', inject: [Pool], useFactory: () => ({}), dispose: () => void order.push('Conn') }),
      ],
      routes: [route({ method: 'GET', url: '/', inject: [Conn], handler: () => 'ok' })],
    });
    let closed = false;
    t.teardown(() => (closed ? undefined : app.close()));
    const origin = await originOf(app);
    t.is((await call(origin, '/')).body, 'ok');
    await app.close();
    closed = true;
    t.deepEqual(order, ['Conn', 'Pool']);
    t.true(app.di.disposed);
  });
}

test('plugin: setErrorHandler: the user\'s handler gets the whole error and answers what it chooses; sending the error itself stays safe', async (t) => {
  const app = fastify();
  t.teardown(() => app.close());
  const seen: unknown[] = [];
  app.setErrorHandler((error, request, reply) => {
    seen.push(error);
    if (request.url === '/forward') return reply.send(error);
    return reply.code(503).send({ reason: (error as Error).message });
  });
  await app.register(loopsafePlugin, {
    container: createContainer({ providers }),
    routes: [
      route({ method: 'GET', url: '/custom', inject: [Failing], handler: () => 'never' }),
      route({ method: 'GET', url: '/forward', inject: [Failing], handler: () => 'never' }),
    ],
    shutdown: false,
  });
  const origin = await originOf(app);
  const custom = await call(origin, '/custom');
  t.is(custom.status, 503);
  t.regex(json<{ reason: string }>(custom).reason, /hunter2/, 'the user chose to send the message');
  const forwarded = await call(origin, '/forward');
  t.is(forwarded.status, 500);
  t.notRegex(forwarded.body, internals);
  t.like(json(forwarded), { code: 'LOOPSAFE_ERR_PROVIDER_FAILED' });
  t.is(seen.length, 2);
});

test('plugin: 404: a not-found handler of the user\'s own resolves from request.di; that scope is disposed once after the 404', async (t) => {
  const app = fastify();
  t.teardown(() => app.close());
  await app.register(loopsafePlugin, { container: createContainer({ providers }), shutdown: false });
  app.setNotFoundHandler(async (request, reply) => {
    saw('notFound', await request.di.resolve(UnitToken));
    return reply.code(404).send({ missing: request.url });
  });
  const tag = newTag();
  const answer = await call(await originOf(app), '/nowhere', tagged(tag));
  t.is(answer.status, 404);
  t.deepEqual(json(answer), { missing: '/nowhere' });
  await journal.until(`${tag} dispose Unit`);
  await settle();
  t.deepEqual(journal.of(tag), ['build Unit', 'notFound same', 'dispose Unit']);
});

test('plugin: prefixes: routes registered with { prefix }, inside an encapsulated prefix, and both nested, are served there', async (t) => {
  const Path = token<string>('Path');
  const pathProviders = [provide(Path, { lifetime: 'request', inject: [FastifyRequestToken], useFactory: (request) => request.url })];
  const pathRoute = route({ method: 'GET', url: '/t', inject: [Path], handler: ([path]) => ({ path }) });
  const app = fastify();
  t.teardown(() => app.close());
  await app.register(async (v1) => {
    await v1.register(loopsafePlugin, { prefix: '/api', container: createContainer({ providers: pathProviders }), routes: [pathRoute], shutdown: false });
  }, { prefix: '/v1' });
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('x-hooked', 'yes');
  });
  const origin = await originOf(app);
  const answer = await call(origin, '/v1/api/t');
  t.deepEqual(json(answer), { path: '/v1/api/t' });
  t.is(answer.headers['x-hooked'], 'yes', 'a hook the app added after the plugin runs for its routes');
  for (const path of ['/t', '/api/t', '/v1/t']) t.is((await call(origin, path)).status, 404, path);

  const flat = fastify();
  t.teardown(() => flat.close());
  await flat.register(async (api) => {
    await api.register(loopsafePlugin, { container: createContainer({ providers: pathProviders }), routes: [pathRoute], shutdown: false });
  }, { prefix: '/v2' });
  const flatOrigin = await originOf(flat);
  t.deepEqual(json(await call(flatOrigin, '/v2/t')), { path: '/v2/t' });
  t.is((await call(flatOrigin, '/t')).status, 404);
});

for (const kind of kinds) {
  test(`${kind}: answered from onRequest before anything touched request.di: nothing is built, nothing logged as an error, the close disposes nothing`, async (t) => {
    const lines: string[] = [];
    const log = new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(chunk.toString()), done()) });
    let builtHere = 0;
    let disposedHere = 0;
    const Repo = token<object>('Repo');
    const app = await isolated(kind, {
      providers: [provide(Repo, { lifetime: 'request', useFactory: () => (builtHere++, {}), dispose: () => void disposedHere++ })],
      routes: [route({
        method: ['POST', 'OPTIONS'],
        url: '/',
        onRequest: async (_request, reply) => reply.send('OK'),
        inject: [Repo],
        handler: () => 'unreachable',
      })],
      log,
    });
    let closed = false;
    t.teardown(() => (closed ? undefined : app.close()));
    const origin = await originOf(app);
    for (const method of ['OPTIONS', 'POST'] as const) {
      const answer = await call(origin, '/', { method });
      t.is(answer.status, 200, method);
      t.is(answer.body, 'OK', method);
    }
    await app.close();
    closed = true;
    t.is(builtHere, 0);
    t.is(disposedHere, 0);
    t.deepEqual(lines, [], 'no error was logged');
  });

  test(`${kind}: one instance per request: a dependency needed directly and through another is built once, a transient twin per use, concurrent requests never share`, async (t) => {
    let counter = 0;
    const Counter = token<number>('dep_counter');
    const Fresh = token<number>('dep_counter (use_cache=False)');
    const Super = token<number>('super_dep');
    const app = await isolated(kind, {
      providers: [
        provide(Counter, { lifetime: 'request', useFactory: async () => (await tick(), ++counter) }),
        provide(Fresh, { lifetime: 'transient', useFactory: async () => ++counter }),
        provide(Super, { lifetime: 'request', inject: [Counter], useFactory: (count) => count }),
      ],
      routes: [
        route({ method: 'GET', url: '/cached', inject: [Super, Counter], handler: ([sub, direct]) => ({ same: sub === direct, n: direct }) }),
        route({ method: 'GET', url: '/fresh', inject: [Super, Fresh], handler: ([sub, fresh]) => ({ differs: sub !== fresh }) }),
      ],
    });
    t.teardown(() => app.close());
    const origin = await originOf(app);
    const cached = (await Promise.all(Array.from({ length: 10 }, () => call(origin, '/cached')))).map((a) => json<{ same: boolean; n: number }>(a));
    t.true(cached.every((body) => body.same));
    t.is(new Set(cached.map((body) => body.n)).size, 10, 'each request built its own');
    t.is(counter, 10);
    t.deepEqual(json(await call(origin, '/fresh')), { differs: true });
    t.is(counter, 12, 'the request-scoped one once, the transient once more');
  });

  test(`${kind}: request-scoped providers that reach each other through lazy() share one instance per request`, async (t) => {
    let made = 0;
    interface Hello { users: () => Promise<Users>; n: number }
    interface Users { hello: Hello; n: number }
    const HelloService = token<Hello>('HelloService');
    const UsersService = token<Users>('UsersService');
    const app = await isolated(kind, {
      providers: [
        provide(HelloService, { lifetime: 'request', inject: [lazy(UsersService)], useFactory: (users) => ({ users, n: ++made }) }),
        provide(UsersService, { lifetime: 'request', inject: [HelloService], useFactory: (hello) => ({ hello, n: ++made }) }),
      ],
      routes: [route({ method: 'GET', url: '/hello', inject: [HelloService], handler: async ([hello]) => {
        const users = await hello.users();
        return { same: users.hello === hello, again: (await hello.users()) === users };
      } })],
    });
    t.teardown(() => app.close());
    const origin = await originOf(app);
    const bodies = await Promise.all(Array.from({ length: 3 }, () => call(origin, '/hello')));
    t.deepEqual(bodies.map((a) => json(a)), Array.from({ length: 3 }, () => ({ same: true, again: true })));
    t.is(made, 6, 'two services per request, three requests');
  });
}
