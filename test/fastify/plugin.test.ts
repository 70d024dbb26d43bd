import test from 'ava';
import http from 'node:http';
import { Writable } from 'node:stream';
import fastify from 'fastify';
import { createContainer, provide, token, type Container } from '../../src/index.js';
import { FastifyReplyToken, FastifyRequestToken, loopsafePlugin } from '../../src/fastify/index.js';
import { listen, signal } from '../helpers/http.js';

const Unit = token<{ id: number; url: string }>('Unit');

function setup(extra: { dispose?: () => void; log?: Writable } = {}) {
  let made = 0;
  const disposed: number[] = [];
  const container = createContainer({
    providers: [
      provide(Unit, {
        lifetime: 'request',
        inject: [FastifyRequestToken],
        useFactory: (request) => ({ id: ++made, url: request.url }),
        dispose: (unit) => {
          disposed.push(unit.id);
          extra.dispose?.();
        },
      }),
    ],
  });
  const app = fastify(extra.log === undefined ? {} : { logger: { level: 'error', stream: extra.log } });
  return { app, container, disposed, made: () => made };
}

test('app.di is the container and request.di is a scope given the request and the reply', async (t) => {
  const { app, container } = setup();
  t.teardown(() => app.close());
  await app.register(loopsafePlugin, { container, shutdown: false });
  app.get('/', async (request, reply) => {
    // resolveSync for the reply: fastify's reply is thenable, so awaiting a promise of it waits for the response.
    const supplied = (await request.di.resolve(FastifyRequestToken)) === request && request.di.resolveSync(FastifyReplyToken) === reply;
    return { supplied, same: request.di === request.di, app: request.server.di === container };
  });
  t.deepEqual((await app.inject('/')).json(), { supplied: true, same: true, app: true });
});

test('every hook and the handler of one request see the same request-scoped instance; the next request gets its own', async (t) => {
  const { app, container } = setup();
  t.teardown(() => app.close());
  await app.register(loopsafePlugin, { container, shutdown: false });
  const seen: number[] = [];
  const record = async (request: { di: { resolve: typeof container.resolve } }) => {
    seen.push((await request.di.resolve(Unit)).id);
  };
  app.addHook('onRequest', record);
  app.addHook('preValidation', record);
  app.addHook('preHandler', record);
  app.addHook('onSend', async (request) => record(request));
  app.addHook('onResponse', record);
  app.get('/', async (request) => (await request.di.resolve(Unit)).id);
  t.is((await app.inject('/')).body, '1');
  t.is((await app.inject('/')).body, '2');
  t.deepEqual(seen, [1, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
});

test('the scope is disposed exactly once after the response is sent', async (t) => {
  const { app, container, disposed } = setup();
  t.teardown(() => app.close());
  await app.register(loopsafePlugin, { container, shutdown: false });
  app.get('/', async (request) => {
    const unit = await request.di.resolve(Unit);
    t.false(disposed.includes(unit.id), 'not before the response');
    return 'ok';
  });
  await app.inject('/');
  await app.inject('/');
  await new Promise((resolve) => setImmediate(resolve));
  t.deepEqual(disposed, [1, 2]);
});

test('the scope is disposed exactly once when the handler throws', async (t) => {
  const { app, container, disposed } = setup();
  t.teardown(() => app.close());
  await app.register(loopsafePlugin, { container, shutdown: false });
  app.get('/', async (request) => {
    await request.di.resolve(Unit);
    throw new Error('boom');
  });
  t.is((await app.inject('/')).statusCode, 500);
  await new Promise((resolve) => setImmediate(resolve));
  t.deepEqual(disposed, [1]);
});

test('a handler that never settles after its client aborted holds its scope until the app closes, then it is disposed exactly once, although fastify calls no onResponse', async (t) => {
  const gone = signal();
  const { app, container, disposed } = setup({ dispose: () => gone.resolve() });
  t.teardown(() => app.close());
  await app.register(loopsafePlugin, { container, shutdown: false });
  const entered = signal();
  let onResponse = 0;
  app.addHook('onResponse', async () => {
    onResponse++;
  });
  app.get('/hang', async (request) => {
    await request.di.resolve(Unit);
    entered.resolve();
    return new Promise(() => {}); // never answers
  });
  const port = await listen(app);
  const req = http.get({ host: '127.0.0.1', port, path: '/hang', agent: false });
  req.on('error', () => {});
  await entered.promise;
  req.destroy();
  await new Promise<void>((resolve) => req.once('close', () => resolve()));
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  t.deepEqual(disposed, [], 'the handler may still resolve from its scope: nothing is disposed under it');
  await app.close();
  await gone.promise;
  t.deepEqual(disposed, [1]);
  t.is(onResponse, 0);
});

test('a failing disposer is logged through the app logger and changes neither the response nor the next request', async (t) => {
  const lines: string[] = [];
  const logged = signal();
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      logged.resolve();
      done();
    },
  });
  const { app, container } = setup({
    dispose: () => {
      throw new Error('disposer broke');
    },
    log: stream,
  });
  t.teardown(() => app.close());
  await app.register(loopsafePlugin, { container, shutdown: false });
  app.get('/', async (request) => (await request.di.resolve(Unit)).id);
  const first = await app.inject('/');
  t.is(first.statusCode, 200);
  t.is(first.body, '1');
  await logged.promise;
  const entry = JSON.parse(lines[0]!) as { level: number; err: { code: string } };
  t.is(entry.level, 50);
  t.is(entry.err.code, 'LOOPSAFE_ERR_DISPOSAL_FAILED');
  t.is((await app.inject('/')).statusCode, 200);
});

test('a request that never touches request.di creates no scope', async (t) => {
  const { app, container, made } = setup();
  t.teardown(() => app.close());
  let scopes = 0;
  const createScope = container.createScope.bind(container);
  (container as { createScope: Container['createScope'] }).createScope = () => {
    scopes++;
    return createScope();
  };
  await app.register(loopsafePlugin, { container, shutdown: false });
  app.get('/plain', async () => 'plain');
  app.get('/di', async (request) => (await request.di.resolve(Unit)).id);
  await app.inject('/plain');
  await app.inject('/plain');
  t.is(scopes, 0);
  await app.inject('/di');
  t.is(scopes, 1);
  t.is(made(), 1);
});

test('a singleton that injects the request fails the boot as a captive dependency', async (t) => {
  const Cache = token<object>('Cache');
  const container = createContainer({ providers: [provide(Cache, { inject: [FastifyRequestToken], useFactory: () => ({}) })] });
  const app = fastify();
  t.teardown(() => app.close());
  const error = await t.throwsAsync(app.register(loopsafePlugin, { container, shutdown: false }).ready());
  t.is((error as { code?: string }).code, 'LOOPSAFE_ERR_BOOT');
  t.deepEqual((error as unknown as { problems: { code: string; path: string[] }[] }).problems.map((p) => [p.code, p.path]), [
    ['LOOPSAFE_ERR_CAPTIVE_DEPENDENCY', ['Cache', 'FastifyRequest']],
  ]);
});

test('closing the app disposes the container after the request scopes', async (t) => {
  const order: string[] = [];
  const Db = token<object>('Db');
  const container = createContainer({
    providers: [
      provide(Db, { useFactory: () => ({}), dispose: () => void order.push('Db') }),
      provide(Unit, { lifetime: 'request', inject: [Db], useFactory: () => ({ id: 1, url: '' }), dispose: () => void order.push('Unit') }),
    ],
  });
  const app = fastify();
  await app.register(loopsafePlugin, { container, shutdown: false });
  app.get('/', async (request) => (await request.di.resolve(Unit)).id);
  await app.inject('/');
  await app.close();
  t.deepEqual(order, ['Unit', 'Db']);
  t.true(container.disposed);
});

test('an option the plugin cannot use is refused with a coded error', async (t) => {
  const app = fastify();
  t.teardown(() => app.close());
  const error = await t.throwsAsync(app.register(loopsafePlugin, { container: createContainer(), shutdown: { timeout: -1 } }).ready());
  t.is((error as { code?: string }).code, 'LOOPSAFE_ERR_OPTION_INVALID');
});

test('request.di read in a hook that runs before the plugin\'s own fails with a coded error', async (t) => {
  const { app, container } = setup();
  t.teardown(() => app.close());
  let code: string | undefined;
  app.addHook('onRequest', async (request) => {
    try {
      void request.di;
    } catch (error) {
      code = (error as { code?: string }).code;
    }
  });
  await app.register(loopsafePlugin, { container, shutdown: false });
  app.get('/', async (request) => (await request.di.resolve(Unit)).id);
  t.is((await app.inject('/')).statusCode, 200, 'later hooks and the handler still get the scope');
  t.is(code, 'LOOPSAFE_ERR_FASTIFY_SCOPE_UNAVAILABLE');
});

test('a hook can supply the app\'s own per-request values to request.di', async (t) => {
  const Tenant = token<string>('Tenant');
  const container = createContainer({ providers: [provide(Tenant, { supplied: true })] });
  const app = fastify();
  t.teardown(() => app.close());
  await app.register(loopsafePlugin, { container, shutdown: false });
  app.addHook('onRequest', async (request) => {
    request.di.supply(Tenant, String(request.headers['x-tenant']));
  });
  app.get('/', async (request) => request.di.resolve(Tenant));
  t.is((await app.inject({ url: '/', headers: { 'x-tenant': 'acme' } })).body, 'acme');
});
