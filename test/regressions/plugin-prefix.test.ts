import test from 'ava';
import fastify, { type FastifyInstance } from 'fastify';
import { createContainer, provide, token } from '../../src/index.js';
import { Controller, FastifyRequestToken, Get, loopsafePlugin, route } from '../../src/fastify/index.js';

// Issue 9, item 10: routes declared through loopsafePlugin ignored the prefix they were registered under, and were
// served at /t instead of /api/t. They follow Fastify's encapsulation like any plugin's routes.

const Greeting = token<string>('Greeting');
const Path = token<string>('Path');
const providers = [
  provide(Greeting, { useValue: 'hi' }),
  // Request-scoped, so the prefixed routes use request.di, decorated on the app outside their child context.
  provide(Path, { lifetime: 'request', inject: [FastifyRequestToken], useFactory: (request) => request.url }),
];
const t1 = route({ method: 'GET', url: '/t', inject: [Greeting, Path], handler: ([greeting, path]) => ({ greeting, path }) });

@Controller('/c')
class Greeter {
  @Get('/')
  hello(): string {
    return 'controller';
  }
}

async function status(app: FastifyInstance, url: string): Promise<number> {
  return (await app.inject(url)).statusCode;
}

test('routes and controllers registered with { prefix } are served under it', async (t) => {
  const app = fastify();
  t.teardown(() => app.close());
  await app.register(loopsafePlugin, { prefix: '/api', container: createContainer({ providers }), routes: [t1], controllers: [Greeter], shutdown: false });
  t.deepEqual((await app.inject('/api/t')).json(), { greeting: 'hi', path: '/api/t' });
  t.is((await app.inject('/api/c')).body, 'controller');
  t.is(await status(app, '/t'), 404);
  t.is(await status(app, '/c'), 404);
  // The container and request.di still belong to the app, as with any fastify-plugin plugin.
  t.is(await app.di.resolve(Greeting), 'hi');
});

test('routes registered inside an encapsulated plugin with a prefix are served under it', async (t) => {
  const app = fastify();
  t.teardown(() => app.close());
  await app.register(async (api) => {
    await api.register(loopsafePlugin, { container: createContainer({ providers }), routes: [t1], shutdown: false });
  }, { prefix: '/v1' });
  t.deepEqual((await app.inject('/v1/t')).json(), { greeting: 'hi', path: '/v1/t' });
  t.is(await status(app, '/t'), 404);
});

test('prefixes nest: a plugin prefix inside an encapsulated prefix', async (t) => {
  const app = fastify();
  t.teardown(() => app.close());
  await app.register(async (v1) => {
    await v1.register(loopsafePlugin, { prefix: '/api', container: createContainer({ providers }), routes: [t1], shutdown: false });
  }, { prefix: '/v1' });
  t.deepEqual((await app.inject('/v1/api/t')).json(), { greeting: 'hi', path: '/v1/api/t' });
  t.is(await status(app, '/api/t'), 404);
});

test('hooks the app adds after registering the plugin still run for its routes', async (t) => {
  const app = fastify();
  t.teardown(() => app.close());
  await app.register(loopsafePlugin, { prefix: '/api', container: createContainer({ providers }), routes: [t1], shutdown: false });
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('x-hooked', 'yes');
  });
  const response = await app.inject('/api/t');
  t.is(response.headers['x-hooked'], 'yes');
});
