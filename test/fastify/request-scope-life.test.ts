import test, { type ExecutionContext } from 'ava';
import http from 'node:http';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { createContainer, provide, token } from '../../src/index.js';
import { createApp, loopsafePlugin, route } from '../../src/fastify/index.js';
import { listen, signal } from '../helpers/http.js';

// The request scope over a real socket: it lives until the last hook of the request has settled, onResponse
// included (fastify runs onResponse on 'finish', the socket's 'close' comes a tick later), and is disposed once.

interface Unit {
  id: number;
  disposed: boolean;
}
const Unit = token<Unit>('Unit');

/** A request-scoped Unit whose disposals are counted per id, with a log of who saw which unit in which state. */
function world() {
  let made = 0;
  const log: string[] = [];
  const disposals = new Map<number, number>();
  const waiting = new Map<number, () => void>();
  const providers = [
    provide(Unit, {
      lifetime: 'request',
      useFactory: (): Unit => ({ id: ++made, disposed: false }),
      dispose: (unit: Unit) => {
        unit.disposed = true;
        disposals.set(unit.id, (disposals.get(unit.id) ?? 0) + 1);
        log.push(`dispose ${unit.id}`);
        waiting.get(unit.id)?.();
      },
    }),
  ];
  /** Resolve Unit from the request's scope and log it, `ticks` macrotasks later (an audit log writing somewhere). */
  const seeLate = (name: string, ticks = 3) =>
    async function lateHook(request: FastifyRequest): Promise<void> {
      for (let i = 0; i < ticks; i++) await sleep(5);
      const unit = await request.di.resolve(Unit);
      log.push(`${name} ${unit.id} ${unit.disposed ? 'disposed' : 'live'}`);
    };
  const see = (name: string) =>
    async function hook(request: FastifyRequest): Promise<void> {
      const unit = await request.di.resolve(Unit);
      log.push(`${name} ${unit.id} ${unit.disposed ? 'disposed' : 'live'}`);
    };
  const disposed = (id: number): Promise<void> =>
    disposals.has(id) ? Promise.resolve() : new Promise((resolve) => waiting.set(id, resolve));
  /** Waits for the disposal, then a few more turns, so a second disposal would have shown up. */
  const settledOnce = async (t: ExecutionContext, id: number): Promise<void> => {
    await disposed(id);
    await sleep(30);
    t.is(disposals.get(id), 1, `unit ${id} disposed exactly once`);
  };
  return { providers, log, see, seeLate, disposed, settledOnce, disposals };
}

async function pluginApp(t: ExecutionContext, w: ReturnType<typeof world>, setup: (app: FastifyInstance) => void | Promise<void>, shutdown = {}) {
  const app = fastify({ return503OnClosing: false });
  t.teardown(() => app.close());
  await app.register(loopsafePlugin, { container: createContainer({ providers: w.providers }), shutdown });
  await setup(app);
  return { app, port: await listen(app) };
}

async function fetchText(port: number, path: string, init?: RequestInit): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, init);
  return { status: response.status, body: await response.text() };
}

test('plugin: an async onResponse hook added after the plugin resolves, ticks later, the instance the handler saw, live; disposal follows it once', async (t) => {
  const w = world();
  const { port } = await pluginApp(t, w, (app) => {
    app.addHook('onResponse', w.seeLate('onResponse'));
    app.get('/', async (request) => (await request.di.resolve(Unit)).id);
  });
  t.deepEqual(await fetchText(port, '/'), { status: 200, body: '1' });
  await w.settledOnce(t, 1);
  t.deepEqual(w.log, ['onResponse 1 live', 'dispose 1']);
});

test('plugin: onResponse hooks of an encapsulated child plugin and of the route itself run before the disposal, in order', async (t) => {
  const w = world();
  const { port } = await pluginApp(t, w, async (app) => {
    app.addHook('onResponse', w.seeLate('root'));
    await app.register(async (child) => {
      child.addHook('onResponse', w.seeLate('child'));
      await child.register(async (grandchild) => {
        grandchild.get('/deep', { onResponse: w.seeLate('route', 1) }, async (request) => (await request.di.resolve(Unit)).id);
        // Added after the route in the same context: fastify still runs it before the route's own hooks.
        grandchild.addHook('onResponse', w.seeLate('grandchild-after-route'));
      });
    });
  });
  t.deepEqual(await fetchText(port, '/deep'), { status: 200, body: '1' });
  await w.settledOnce(t, 1);
  t.deepEqual(w.log, ['root 1 live', 'child 1 live', 'grandchild-after-route 1 live', 'route 1 live', 'dispose 1']);
});

test('createApp: a route-level async onResponse hook sees the handler\'s instance live, then the scope is disposed once', async (t) => {
  const w = world();
  const app = await createApp({
    providers: w.providers,
    shutdown: false,
    routes: [route({ method: 'GET', url: '/', inject: [Unit], onResponse: w.seeLate('onResponse'), handler: ([unit]) => ({ id: unit.id }) })],
  });
  t.teardown(() => app.close());
  const port = await listen(app);
  t.deepEqual(await fetchText(port, '/'), { status: 200, body: '{"id":1}' });
  await w.settledOnce(t, 1);
  t.deepEqual(w.log, ['onResponse 1 live', 'dispose 1']);
});

test('createApp: keep-alive requests each get their own scope, each disposed once after its own onResponse', async (t) => {
  const w = world();
  const app = await createApp({
    providers: w.providers,
    shutdown: false,
    routes: [route({ method: 'GET', url: '/', inject: [Unit], onResponse: w.seeLate('onResponse', 2), handler: ([unit]) => unit.id })],
  });
  t.teardown(() => app.close());
  const port = await listen(app);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  t.teardown(() => agent.destroy());
  const bodies = await Promise.all(
    Array.from({ length: 20 }, () => new Promise<string>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve(body));
      }).on('error', reject);
    })),
  );
  const ids = bodies.map(Number).sort((a, b) => a - b);
  t.deepEqual(ids, Array.from({ length: 20 }, (_, i) => i + 1));
  for (const id of ids) await w.settledOnce(t, id);
  for (const id of ids) {
    t.true(w.log.indexOf(`onResponse ${id} live`) < w.log.indexOf(`dispose ${id}`), `unit ${id} disposed after its hook`);
  }
});

test('plugin: a handler that throws, an async onError hook and an async onResponse hook share one instance; disposed once after', async (t) => {
  const w = world();
  const { port } = await pluginApp(t, w, (app) => {
    app.addHook('onError', w.seeLate('onError', 1));
    app.addHook('onResponse', w.seeLate('onResponse'));
    app.get('/', async (request) => {
      await request.di.resolve(Unit);
      throw Object.assign(new Error('boom'), { statusCode: 409 });
    });
  });
  t.is((await fetchText(port, '/')).status, 409);
  await w.settledOnce(t, 1);
  t.deepEqual(w.log, ['onError 1 live', 'onResponse 1 live', 'dispose 1']);
});

test('createApp: a compiled handler that throws, with route-level onError, onSend and onResponse hooks', async (t) => {
  const w = world();
  const app = await createApp({
    providers: w.providers,
    shutdown: false,
    routes: [
      route({
        method: 'GET',
        url: '/',
        inject: [Unit],
        onError: w.seeLate('onError', 1),
        onSend: async (request: FastifyRequest, _reply: FastifyReply, payload: unknown) => {
          await w.see('onSend')(request);
          return payload;
        },
        onResponse: w.seeLate('onResponse'),
        handler: () => {
          throw Object.assign(new Error('boom'), { statusCode: 418 });
        },
      }),
    ],
  });
  t.teardown(() => app.close());
  const port = await listen(app);
  t.is((await fetchText(port, '/')).status, 418);
  await w.settledOnce(t, 1);
  t.deepEqual(w.log, ['onError 1 live', 'onSend 1 live', 'onResponse 1 live', 'dispose 1']);
});

for (const stage of ['onRequest', 'preHandler'] as const) {
  test(`plugin: a reply sent from ${stage} (no handler runs) keeps the scope for the async onResponse hook`, async (t) => {
    const w = world();
    const { port } = await pluginApp(t, w, (app) => {
      app.addHook(stage, async (request, reply) => {
        await w.see(stage)(request);
        return reply.code(403).send('no');
      });
      app.addHook('onResponse', w.seeLate('onResponse'));
      app.get('/', async () => 'never');
    });
    t.deepEqual(await fetchText(port, '/'), { status: 403, body: 'no' });
    await w.settledOnce(t, 1);
    t.deepEqual(w.log, [`${stage} 1 live`, 'onResponse 1 live', 'dispose 1']);
  });

  test(`createApp: a reply sent from a route-level ${stage} hook keeps the scope for the async onResponse hook`, async (t) => {
    const w = world();
    const app = await createApp({
      providers: w.providers,
      shutdown: false,
      routes: [
        route({
          method: 'GET',
          url: '/',
          [stage]: async (request: FastifyRequest, reply: FastifyReply) => {
            await w.see(stage)(request);
            return reply.code(403).send('no');
          },
          onResponse: w.seeLate('onResponse'),
          handler: () => 'never',
        }),
      ],
    });
    t.teardown(() => app.close());
    const port = await listen(app);
    t.deepEqual(await fetchText(port, '/'), { status: 403, body: 'no' });
    await w.settledOnce(t, 1);
    t.deepEqual(w.log, [`${stage} 1 live`, 'onResponse 1 live', 'dispose 1']);
  });
}

test('plugin: a request whose body fails validation: the scope opened in onRequest lasts through the async onResponse', async (t) => {
  const w = world();
  const { port } = await pluginApp(t, w, (app) => {
    app.addHook('onRequest', w.see('onRequest'));
    app.addHook('onResponse', w.seeLate('onResponse'));
    app.post('/', { schema: { body: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] } } }, async () => 'never');
  });
  const result = await fetchText(port, '/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"n":"x"}' });
  t.is(result.status, 400);
  await w.settledOnce(t, 1);
  t.deepEqual(w.log, ['onRequest 1 live', 'onResponse 1 live', 'dispose 1']);
});

test('createApp: a compiled route whose body fails validation never builds its scope, and nothing is disposed', async (t) => {
  const w = world();
  const app = await createApp({
    providers: w.providers,
    shutdown: false,
    routes: [route({ method: 'POST', url: '/', schema: { body: { type: 'object', required: ['n'] } }, inject: [Unit], handler: ([unit]) => unit.id })],
  });
  t.teardown(() => app.close());
  const port = await listen(app);
  t.is((await fetchText(port, '/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status, 400);
  t.deepEqual(await fetchText(port, '/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"n":1}' }), { status: 200, body: '1' });
  await w.settledOnce(t, 1);
  t.deepEqual([...w.disposals.keys()], [1]);
});

test('plugin: a stream body: the scope lasts until the stream has been sent and the async onResponse has run', async (t) => {
  const w = world();
  const { port } = await pluginApp(t, w, (app) => {
    app.addHook('onResponse', w.seeLate('onResponse'));
    app.get('/', async (request) => {
      const unit = await request.di.resolve(Unit);
      return Readable.from((async function* () {
        for (let i = 0; i < 3; i++) {
          await sleep(5);
          yield `${unit.id}${unit.disposed ? 'x' : ''}`;
        }
      })());
    });
  });
  t.deepEqual(await fetchText(port, '/'), { status: 200, body: '111' });
  await w.settledOnce(t, 1);
  t.deepEqual(w.log, ['onResponse 1 live', 'dispose 1']);
});

test('plugin: reply.hijack(): the scope lasts while the handler writes the raw response, then through onResponse', async (t) => {
  const w = world();
  const { port } = await pluginApp(t, w, (app) => {
    app.addHook('onResponse', w.seeLate('onResponse'));
    app.get('/', async (request, reply) => {
      reply.hijack();
      const unit = await request.di.resolve(Unit);
      reply.raw.writeHead(200, { 'content-type': 'text/plain' });
      await sleep(10);
      reply.raw.end(`${unit.id}${unit.disposed ? 'x' : ''}`);
    });
  });
  t.deepEqual(await fetchText(port, '/'), { status: 200, body: '1' });
  await w.settledOnce(t, 1);
  t.deepEqual(w.log, ['onResponse 1 live', 'dispose 1']);
});

test('plugin: a 404 whose scope an app-wide onRequest hook opened is disposed once, after a synchronous onResponse saw it live', async (t) => {
  const w = world();
  const { port } = await pluginApp(t, w, (app) => {
    app.addHook('onRequest', w.see('onRequest'));
    app.addHook('onResponse', function syncSee(request, _reply, done) {
      const unit = request.di.resolveSync(Unit);
      w.log.push(`onResponse ${unit.id} ${unit.disposed ? 'disposed' : 'live'}`);
      done();
    });
  });
  t.is((await fetchText(port, '/nowhere')).status, 404);
  await w.settledOnce(t, 1);
  t.deepEqual(w.log, ['onRequest 1 live', 'onResponse 1 live', 'dispose 1']);
});

/** A GET whose client goes away once `gone` is asked for; resolves when the socket is closed. */
function abortedGet(port: number, path: string, abortWhen: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false });
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    void abortWhen.then(() => req.destroy());
  });
}

test('createApp: when the client aborts, the scope outlives the still-running compiled handler and is disposed once after it', async (t) => {
  const w = world();
  const entered = signal();
  const proceed = signal();
  const app = await createApp({
    providers: w.providers,
    shutdown: false,
    routes: [
      route({
        method: 'GET',
        url: '/',
        inject: [Unit],
        onResponse: w.see('onResponse'),
        handler: async ([unit], request) => {
          entered.resolve();
          await proceed.promise;
          const again = await request.di.resolve(Unit);
          w.log.push(`handler ${again.id} ${again === unit && !unit.disposed ? 'live' : 'disposed'}`);
          return unit.id;
        },
      }),
    ],
  });
  t.teardown(() => app.close());
  const port = await listen(app);
  await abortedGet(port, '/', entered.promise);
  await sleep(20); // the server sees the close
  t.deepEqual(w.log, [], 'nothing disposed while the handler runs');
  proceed.resolve();
  await w.settledOnce(t, 1);
  t.deepEqual(w.log, ['handler 1 live', 'dispose 1'], 'fastify runs no onResponse for an aborted request');
});

test('plugin: when the client aborts before the response, the scope is disposed once even though no onResponse runs', async (t) => {
  const w = world();
  const entered = signal();
  const { port } = await pluginApp(t, w, (app) => {
    app.addHook('onResponse', w.see('onResponse'));
    app.get('/', async (request) => {
      await request.di.resolve(Unit);
      entered.resolve();
      await sleep(50);
      return 'late';
    });
  });
  await abortedGet(port, '/', entered.promise);
  await w.settledOnce(t, 1);
  t.deepEqual(w.log, ['dispose 1']);
});

test('plugin: an onResponse hook that never settles cannot keep its scope past app.close()', async (t) => {
  const w = world();
  const { app, port } = await pluginApp(
    t,
    w,
    (app) => {
      app.addHook('onResponse', async (request) => {
        await request.di.resolve(Unit);
        await new Promise(() => {});
      });
      app.get('/', async (request) => (await request.di.resolve(Unit)).id);
    },
    { timeout: 100, idleGrace: 10 },
  );
  t.is((await fetchText(port, '/')).body, '1');
  await sleep(30);
  t.false(w.disposals.has(1), 'the hook still holds its scope');
  await app.close();
  t.is(w.disposals.get(1), 1);
});

test('createApp: a route-level onResponse hook that never settles is bounded by app.close() too', async (t) => {
  const w = world();
  const app = await createApp({
    providers: w.providers,
    shutdown: { signals: [], timeout: 100, idleGrace: 10 },
    routes: [route({ method: 'GET', url: '/', inject: [Unit], onResponse: () => new Promise<void>(() => {}), handler: ([unit]) => unit.id })],
  });
  t.teardown(() => app.close());
  const port = await listen(app);
  t.is((await fetchText(port, '/')).body, '1');
  await app.close();
  t.is(w.disposals.get(1), 1);
});

test('inject twin: an async onResponse hook sees the handler\'s instance live, then the scope is disposed once', async (t) => {
  const w = world();
  const app = fastify();
  t.teardown(() => app.close());
  await app.register(loopsafePlugin, { container: createContainer({ providers: w.providers }), shutdown: false });
  app.addHook('onResponse', w.seeLate('onResponse'));
  app.get('/', async (request) => (await request.di.resolve(Unit)).id);
  t.is((await app.inject('/')).body, '1');
  await w.settledOnce(t, 1);
  t.deepEqual(w.log, ['onResponse 1 live', 'dispose 1']);
});

test('plugin: a scope first opened by an async onResponse hook, after the socket closed, lives until that hook is done', async (t) => {
  const w = world();
  const { port } = await pluginApp(t, w, (app) => {
    app.addHook('onResponse', async (request) => {
      await sleep(20); // past the response's 'close'
      const unit = await request.di.resolve(Unit);
      await sleep(5);
      w.log.push(`onResponse ${unit.id} ${unit.disposed ? 'disposed' : 'live'}`);
    });
    app.get('/', async () => 'plain');
  });
  t.deepEqual(await fetchText(port, '/'), { status: 200, body: 'plain' });
  await w.settledOnce(t, 1);
  t.deepEqual(w.log, ['onResponse 1 live', 'dispose 1']);
});
