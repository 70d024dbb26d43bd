import test from 'ava';
import type { FastifyRequest } from 'fastify';
import { Writable } from 'node:stream';
import { optional, provide, token, type Container } from '../../src/index.js';
import { FastifyRequestToken, createApp, route } from '../../src/fastify/index.js';

interface User {
  id: string;
  name: string;
  secret: string;
}
const Repo = token<{ find(id: string): User | undefined }>('Repo');
const Audit = token<{ request: string; seen: string[] }>('Audit');
const Missing = token<string>('Missing');

const providers = [
  provide(Repo, { useFactory: () => ({ find: (id: string) => (id === '1' ? { id, name: 'Ada', secret: 's' } : undefined) }) }),
  provide(Audit, { lifetime: 'request', inject: [FastifyRequestToken], useFactory: (request) => ({ request: request.id, seen: [] as string[] }) }),
];

test('a function route receives its dependencies resolved and typed, with schema validation and serialization passed through', async (t) => {
  const getUser = route({
    method: 'GET',
    url: '/users/:id',
    schema: {
      params: { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9]+$' } }, required: ['id'] },
      response: { 200: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } } },
    },
    inject: [Repo, optional(Missing)],
    handler: async ([repo, missing], request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      const name: string | undefined = missing; // optional(key) is typed `T | undefined`
      const user = repo.find(request.params.id);
      return user ?? reply.code(404).send({ name });
    },
  });
  const app = await createApp({ providers, routes: [getUser], shutdown: false });
  t.teardown(() => app.close());
  t.deepEqual((await app.inject('/users/1')).json(), { id: '1', name: 'Ada' }, 'the response schema drops the secret');
  t.is((await app.inject('/users/2')).statusCode, 404);
  t.is((await app.inject('/users/abc')).statusCode, 400, 'the params schema validates');
});

test('hooks and config in the declaration are passed to fastify, and the hooks share the handler\'s request-scoped instances', async (t) => {
  const audited = route({
    method: ['GET', 'POST'],
    url: '/audited',
    config: { label: 'audited' },
    preHandler: async (request) => {
      (await request.di.resolve(Audit)).seen.push('preHandler');
    },
    inject: [Audit],
    handler: ([audit], request) => {
      audit.seen.push('handler');
      return { seen: audit.seen, same: audit.request === request.id, label: (request.routeOptions.config as unknown as { label: string }).label };
    },
  });
  const app = await createApp({ providers, routes: [audited], shutdown: false });
  t.teardown(() => app.close());
  t.deepEqual((await app.inject('/audited')).json(), { seen: ['preHandler', 'handler'], same: true, label: 'audited' });
  t.deepEqual((await app.inject({ method: 'POST', url: '/audited' })).json(), { seen: ['preHandler', 'handler'], same: true, label: 'audited' });
});

test('an async request-scoped dependency is awaited once per request, and concurrent requests never share it', async (t) => {
  let made = 0;
  const Slow = token<{ n: number }>('Slow');
  const app = await createApp({
    providers: [provide(Slow, { lifetime: 'request', useFactory: async () => ({ n: ++made }) })],
    routes: [route({ method: 'GET', url: '/', inject: [Slow, Slow], handler: ([a, b]) => ({ n: a.n, same: a === b }) })],
    shutdown: false,
  });
  t.teardown(() => app.close());
  const bodies = await Promise.all(Array.from({ length: 20 }, () => app.inject('/').then((r) => r.json<{ n: number; same: boolean }>())));
  t.true(bodies.every((b) => b.same));
  t.is(new Set(bodies.map((b) => b.n)).size, 20);
  t.is(made, 20);
});

test('a dependency that fails answers 500 with its code; the logged error carries the route in its path', async (t) => {
  const Broken = token<string>('Broken');
  const lines: string[] = [];
  const stream = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
  const app = await createApp({
    providers: [provide(Broken, { lifetime: 'request', useFactory: () => { throw new Error('down'); } })],
    routes: [route({ method: 'GET', url: '/broken', inject: [Broken], handler: ([b]) => b })],
    shutdown: false,
    fastify: { logger: { stream, level: 'error' } },
  });
  t.teardown(() => app.close());
  const response = await app.inject('/broken');
  t.is(response.statusCode, 500);
  const body = response.json<{ code: string; message: string }>();
  t.is(body.code, 'LOOPSAFE_ERR_PROVIDER_FAILED');
  t.false(body.message.includes('Broken'), body.message); // the path is for the log, not the client
  t.true(lines.some((line) => line.includes('GET /broken -> Broken')), lines.join('\n'));
});

test('a route whose handler is not a function fails the boot with a coded problem', async (t) => {
  const bad = { method: 'GET', url: '/x', handler: 'nope' } as unknown as ReturnType<typeof route>;
  const error = await t.throwsAsync(createApp({ providers, routes: [bad], shutdown: false }));
  t.is((error as { code?: string }).code, 'LOOPSAFE_ERR_BOOT');
  t.deepEqual((error as unknown as { problems: { code: string }[] }).problems.map((p) => p.code), ['LOOPSAFE_ERR_FASTIFY_ROUTE_INVALID']);
});

test('a route whose dependencies are all singletons creates no request scope', async (t) => {
  const app = await createApp({
    providers,
    routes: [
      route({ method: 'GET', url: '/singletons', inject: [Repo], handler: ([repo]) => repo.find('1')?.name }),
      route({ method: 'GET', url: '/scoped', inject: [Audit], handler: ([audit]) => audit.request }),
    ],
    shutdown: false,
  });
  t.teardown(() => app.close());
  let scopes = 0;
  const createScope = app.di.createScope.bind(app.di);
  (app.di as { createScope: Container['createScope'] }).createScope = () => {
    scopes++;
    return createScope();
  };
  t.is((await app.inject('/singletons')).body, 'Ada');
  t.is(scopes, 0);
  await app.inject('/scoped');
  t.is(scopes, 1);
});
