// Issue 9, defect 1: a thenable argument beside an async dependency was awaited, so the resolution hung.
import test from 'ava';
import { createContainer, provide, token } from '../../src/index.js';
import { FastifyReplyToken, createApp, route } from '../../src/fastify/index.js';

/** A thenable that never settles, like Fastify's reply before its response ends. */
const neverSettles = { then(): void {} };

test('a useValue thenable beside an async singleton is injected as it is, not awaited', async (t) => {
  const Thenable = token<typeof neverSettles>('Thenable');
  const Slow = token<string>('Slow');
  const Both = token<{ thenable: unknown; slow: string }>('Both');
  const c = createContainer({ timeout: 0 })
    .register(Thenable, { useValue: neverSettles })
    .register(Slow, { useFactory: async () => 'slow' })
    .register(Both, { inject: [Thenable, Slow], useFactory: (thenable, slow) => ({ thenable, slow }) });
  t.teardown(() => c.dispose());
  const both = await c.resolve(Both);
  t.is(both.thenable, neverSettles);
  t.is(both.slow, 'slow');
});

test('a useValue promise is injected as the promise itself', async (t) => {
  const Later = token<Promise<number>>('Later');
  const Slow = token<string>('Slow');
  const Holder = token<{ later: Promise<number> }>('Holder');
  const later = Promise.resolve(1);
  const c = createContainer()
    .register(Later, { useValue: later })
    .register(Slow, { useFactory: async () => 'slow' })
    .register(Holder, { lifetime: 'transient', inject: [Later, Slow], useFactory: (l) => ({ later: l }) });
  t.teardown(() => c.dispose());
  t.is((await c.resolve(Holder)).later, later);
  t.is(c.createScope().resolveSync(Later), later, 'resolveSync returns a promise value as it is');
});

test('a route that injects the reply beside an async singleton answers', async (t) => {
  const Greeting = token<string>('Greeting');
  const hello = route({
    method: 'GET',
    url: '/hello',
    inject: [FastifyReplyToken, Greeting],
    handler: ([reply, greeting]) => reply.code(201).send({ greeting }),
  });
  const app = await createApp({
    providers: [provide(Greeting, { useFactory: async () => { await new Promise((r) => setImmediate(r)); return 'hi'; } })],
    routes: [hello],
    shutdown: false,
  });
  t.teardown(() => app.close());
  const response = await app.inject('/hello');
  t.is(response.statusCode, 201);
  t.deepEqual(response.json(), { greeting: 'hi' });
});

test('a request-scoped provider that injects the reply beside an async singleton is built', async (t) => {
  const Greeting = token<string>('Greeting');
  const Sender = token<{ send(body: unknown): unknown }>('Sender');
  const hello = route({
    method: 'GET',
    url: '/hello',
    inject: [Sender],
    handler: ([sender]) => sender.send({ ok: true }),
  });
  const app = await createApp({
    providers: [
      provide(Greeting, { useFactory: async () => 'hi' }),
      provide(Sender, { lifetime: 'request', inject: [FastifyReplyToken, Greeting], useFactory: (reply) => ({ send: (b: unknown) => reply.send(b) }) }),
    ],
    routes: [hello],
    shutdown: false,
  });
  t.teardown(() => app.close());
  t.deepEqual((await app.inject('/hello')).json(), { ok: true });
});
