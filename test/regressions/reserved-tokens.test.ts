import test from 'ava';
import fastify from 'fastify';
import { createContainer, LoopsafeError, provide, type BootError } from '../../src/index.js';
import { checkApp, createApp, FastifyReplyToken, FastifyRequestToken, loopsafePlugin, route } from '../../src/fastify/index.js';

// The request and reply tokens are the plugin's own: it supplies them to every request scope. A provider registered
// for one replaced the request silently (GET / answered "string").
const codes = (error: unknown): string[] => (error as BootError).problems.map((p) => p.code);

test('a provider for FastifyRequestToken is refused at boot with a coded problem', async (t) => {
  const error = await t.throwsAsync(createApp({
    providers: [provide(FastifyRequestToken, { useValue: 'not a request' as never })],
    routes: [route({ method: 'GET', url: '/', inject: [FastifyRequestToken], handler: ([r]) => typeof r })],
    shutdown: false,
    monitor: false,
  }));
  t.true(LoopsafeError.is(error, 'LOOPSAFE_ERR_BOOT'));
  t.deepEqual(codes(error), ['LOOPSAFE_ERR_FASTIFY_TOKEN_RESERVED']);
  t.regex((error as BootError).problems[0]!.message, /FastifyRequest/);
});

test('a provider for FastifyReplyToken, even a supplied one, is refused by the plugin and by checkApp', async (t) => {
  const app = fastify();
  t.teardown(() => app.close());
  const container = createContainer().register(FastifyReplyToken, { supplied: true });
  const error = await t.throwsAsync(app.register(loopsafePlugin, { container, shutdown: false }));
  t.deepEqual(codes(error), ['LOOPSAFE_ERR_FASTIFY_TOKEN_RESERVED']);
  const checked = t.throws(() => checkApp({ providers: [provide(FastifyRequestToken, { supplied: true }), provide(FastifyReplyToken, { supplied: true })] }));
  t.deepEqual(codes(checked), ['LOOPSAFE_ERR_FASTIFY_TOKEN_RESERVED', 'LOOPSAFE_ERR_FASTIFY_TOKEN_RESERVED']);
});

test('without such a provider, the route gets the real request', async (t) => {
  const app = await createApp({
    routes: [route({ method: 'GET', url: '/', inject: [FastifyRequestToken], handler: ([r]) => r.url })],
    shutdown: false,
    monitor: false,
  });
  t.teardown(() => app.close());
  t.is((await app.inject('/')).body, '/');
});
