/**
 * Clients that go away, over a real socket (issue 21, point 5), for createApp and the plugin: an abort while the
 * handler runs (undici's AbortController, a destroyed node:http request, a destroyed raw TCP socket), while a
 * request-scoped async factory is still building, in the middle of a streamed or hijacked response, and clients that
 * connect and say nothing or send half a request. Every wait is on an event (a journal entry, a socket's 'close'),
 * never on a timer. What must hold: the handler runs on, its scope is disposed exactly once and only after the
 * handler settled; a streamed response's instance is open for every chunk; nothing is built for a request that
 * never arrived.
 */
import test from 'ava';
import fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import http from 'node:http';
import { Readable } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';
import { request as undiciRequest } from 'undici';
import { AbortSignalToken, createContainer, provide, token } from '../../src/index.js';
import { FastifyRequestToken, createApp, loopsafePlugin, route } from '../../src/fastify/index.js';
import { call, Journal, originOf, signal } from '../helpers/http.js';
import { rawClient, statusOf } from '../helpers/sockets.js';

type Kind = 'createApp' | 'plugin';
const kinds: readonly Kind[] = ['createApp', 'plugin'];

const journal = new Journal();
let tags = 0;
const newTag = (): string => `a${++tags}`;
const tagOf = (request: FastifyRequest): string => String(request.headers['x-tag']);
const settle = async (): Promise<void> => {
  for (let i = 0; i < 3; i++) await tick();
};

/** One gate per request: the test opens it once the client is gone, so the server side waits on an event. */
const gates = new Map<string, ReturnType<typeof signal<void>>>();
function gate(tag: string): ReturnType<typeof signal<void>> {
  let g = gates.get(tag);
  if (g === undefined) gates.set(tag, (g = signal()));
  return g;
}

interface Unit {
  readonly tag: string;
  open: boolean;
}
const state = (unit: Unit): string => (unit.open ? 'open' : 'disposed');
const Unit = token<Unit>('Unit');
const Pending = token<Unit>('Pending');
const Audit = token<Unit>('Audit');

function requestScoped(name: string) {
  return {
    lifetime: 'request' as const,
    inject: [FastifyRequestToken],
    useFactory: (request: FastifyRequest): Unit => {
      journal.add(`${tagOf(request)} build ${name}`);
      return { tag: tagOf(request), open: true };
    },
    dispose: (unit: Unit): void => {
      unit.open = false;
      journal.add(`${unit.tag} dispose ${name}`);
    },
  };
}

const providers = [
  provide(Unit, requestScoped('Unit')),
  provide(Audit, requestScoped('Audit')),
  provide(Pending, {
    lifetime: 'request',
    inject: [FastifyRequestToken, AbortSignalToken],
    useFactory: async (request, abort) => {
      const tag = tagOf(request);
      abort.addEventListener('abort', () => journal.add(`${tag} factory aborted ${(abort.reason as { code?: string }).code}`), { once: true });
      journal.add(`${tag} factory started`);
      await gate(tag).promise;
      // A factory that honours its signal stops; one that does not finishes, and its instance must still be disposed.
      if (request.headers['x-honour'] === '1' && abort.aborted) {
        journal.add(`${tag} factory stops`);
        throw abort.reason;
      }
      journal.add(`${tag} factory built`);
      return { tag, open: true };
    },
    dispose: (unit) => {
      unit.open = false;
      journal.add(`${unit.tag} dispose Pending`);
    },
  }),
];

/**
 * Log the client's leaving only when it left before the response was complete, the moment its connection closes:
 * loopsafe learns of it from the connection's close (the drain's listener), before the response's own 'close'.
 */
function watchClient(request: FastifyRequest, res: http.ServerResponse): void {
  // The request's socket: a pipelined response has none until the one before it is done.
  request.raw.socket.prependOnceListener('close', () => {
    if (!res.writableFinished) journal.add(`${tagOf(request)} client gone`);
  });
}

const routes = [
  route({
    method: 'GET',
    url: '/wait',
    inject: [Unit],
    handler: async ([unit], request, reply) => {
      const tag = tagOf(request);
      watchClient(request, reply.raw);
      journal.add(`${tag} handler entered`);
      await gate(tag).promise;
      journal.add(`${tag} handler settles with Unit ${state(unit)}`);
      return 'done';
    },
  }),
  route({
    method: 'GET',
    url: '/pending',
    onRequest: async (request, reply) => watchClient(request, reply.raw),
    inject: [Unit, Pending],
    handler: ([unit, pending]) => (journal.add(`${pending.tag} handler ran with Unit ${state(unit)}, Pending ${state(pending)}`), 'built'),
  }),
  route({
    method: 'GET',
    url: '/stream',
    inject: [Unit],
    handler: ([unit], request, reply) => {
      const tag = unit.tag;
      watchClient(request, reply.raw);
      const hold = request.headers['x-hold'] === '1';
      let sent = 0;
      const stream = new Readable({
        read() {
          if (sent === 3) return void this.push(null);
          if (sent === 1 && request.headers['x-break'] === '1') {
            // The source fails once the client has the first chunk: fastify destroys the response mid-body.
            sent++;
            void gate(tag).promise.then(() => {
              journal.add(`${tag} stream breaks`);
              this.destroy(new Error('the source broke'));
            });
            return;
          }
          if (sent === 1 && hold) {
            // Hold the second chunk until the test opens the gate (after the client left).
            sent++;
            void gate(tag).promise.then(() => {
              journal.add(`${tag} chunk 2 Unit ${state(unit)}`);
              this.push('two;');
            });
            return;
          }
          sent++;
          journal.add(`${tag} chunk ${sent} Unit ${state(unit)}`);
          this.push(['one;', 'two;', 'three;'][sent - 1]);
        },
      });
      stream.once('end', () => journal.add(`${tag} stream ended`));
      stream.once('close', () => journal.add(`${tag} stream closed`));
      return reply.type('text/plain').send(stream);
    },
  }),
  route({
    method: 'GET',
    url: '/hijack',
    inject: [Unit],
    handler: async ([unit], request, reply) => {
      const tag = unit.tag;
      watchClient(request, reply.raw);
      reply.hijack();
      reply.raw.writeHead(200, { 'content-type': 'text/plain' });
      reply.raw.write(`first Unit ${state(unit)};`);
      if (request.headers['x-hold'] === '1') await gate(tag).promise;
      else await tick();
      journal.add(`${tag} hijacked end Unit ${state(unit)}`);
      reply.raw.end(`last Unit ${state(unit)}`);
    },
  }),
  route({
    method: 'POST',
    url: '/upload',
    onRequest: async (request, reply) => {
      watchClient(request, reply.raw);
      journal.add(`${tagOf(request)} onRequest Unit ${state(await request.di.resolve(Unit))}`);
    },
    inject: [Unit],
    handler: ([unit]) => (journal.add(`${unit.tag} handler ran`), 'uploaded'),
  }),
];

async function build(kind: Kind): Promise<FastifyInstance> {
  if (kind === 'createApp') return createApp({ providers, routes, shutdown: false });
  const app = fastify();
  await app.register(loopsafePlugin, { container: createContainer({ providers }), routes, shutdown: false });
  return app;
}

const served = new Map<Kind, { origin: string; port: number }>();
const apps: FastifyInstance[] = [];
test.before(async () => {
  for (const kind of kinds) {
    const app = await build(kind);
    apps.push(app);
    const origin = await originOf(app);
    served.set(kind, { origin, port: Number(new URL(origin).port) });
  }
});
test.after.always(() => Promise.all(apps.map((app) => app.close())));

/** Three ways a client leaves: undici's AbortController, node:http's destroy(), a raw TCP socket destroyed. */
const leavers = {
  undici: async (kind: Kind, path: string, headers: Record<string, string>, until: string) => {
    const controller = new AbortController();
    const answer = call(served.get(kind)!.origin, path, { headers, signal: controller.signal }).then(
      () => 'answered',
      (error: Error) => error.name,
    );
    await journal.until(until);
    controller.abort();
    return answer;
  },
  'node:http': async (kind: Kind, path: string, headers: Record<string, string>, until: string) => {
    const req = http.get({ host: '127.0.0.1', port: served.get(kind)!.port, path, headers, agent: false });
    const gone = new Promise<string>((resolve) => req.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message)));
    await journal.until(until);
    req.destroy();
    return gone;
  },
  'raw socket': async (kind: Kind, path: string, headers: Record<string, string>, until: string) => {
    const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
    const client = await rawClient(served.get(kind)!.port, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${lines}\r\n`);
    await journal.until(until);
    client.socket.destroy();
    await client.closed;
    return statusOf(client.received()) === undefined ? 'no response' : 'answered';
  },
} as const;

for (const kind of kinds) {
  for (const [client, leave] of Object.entries(leavers)) {
    test(`${kind}: a client that leaves mid-handler (${client}): the handler runs on with its instance open, the scope is disposed once after it settles`, async (t) => {
      const tag = newTag();
      t.not(await leave(kind, '/wait', { 'x-tag': tag }, `${tag} handler entered`), 'answered');
      await journal.until(`${tag} client gone`);
      await settle();
      t.deepEqual(journal.of(tag), ['build Unit', 'handler entered', 'client gone'], 'nothing disposed while the handler runs');
      gate(tag).resolve();
      await journal.until(`${tag} dispose Unit`);
      await settle();
      t.deepEqual(journal.of(tag), ['build Unit', 'handler entered', 'client gone', 'handler settles with Unit open', 'dispose Unit']);
    });
  }

  test(`${kind}: a client that leaves while a request-scoped factory builds: the factory's signal aborts, the handler never runs, nothing is left undisposed`, async (t) => {
    const tag = newTag();
    t.not(await leavers.undici(kind, '/pending', { 'x-tag': tag, 'x-honour': '1' }, `${tag} factory started`), 'answered');
    await journal.until(`${tag} factory aborted LOOPSAFE_ERR_DISPOSED`);
    gate(tag).resolve();
    await journal.until(`${tag} factory stops`);
    await journal.until(`${tag} dispose Unit`);
    await settle();
    t.deepEqual(journal.of(tag), ['build Unit', 'factory started', 'client gone', 'factory aborted LOOPSAFE_ERR_DISPOSED', 'factory stops', 'dispose Unit']);
  });

  test(`${kind}: a factory that ignores its aborted signal and finishes after the client left: the handler runs on with it, then it is disposed exactly once`, async (t) => {
    const tag = newTag();
    t.not(await leavers['node:http'](kind, '/pending', { 'x-tag': tag }, `${tag} factory started`), 'answered');
    await journal.until(`${tag} factory aborted LOOPSAFE_ERR_DISPOSED`);
    gate(tag).resolve();
    await journal.until(`${tag} dispose Unit`);
    await settle();
    t.deepEqual(journal.of(tag), [
      'build Unit', 'factory started', 'client gone', 'factory aborted LOOPSAFE_ERR_DISPOSED', 'factory built',
      'handler ran with Unit open, Pending open', 'dispose Pending', 'dispose Unit',
    ]);
  });

  test(`${kind}: a streamed response reads its request-scoped instance open for every chunk; the scope is disposed once, after the stream ended`, async (t) => {
    const tag = newTag();
    const answer = await call(served.get(kind)!.origin, '/stream', { headers: { 'x-tag': tag } });
    t.is(answer.status, 200);
    t.is(answer.body, 'one;two;three;');
    await journal.until(`${tag} dispose Unit`);
    await settle();
    const log = journal.of(tag);
    t.deepEqual(log.filter((e) => e.startsWith('chunk') || e.startsWith('dispose')), ['chunk 1 Unit open', 'chunk 2 Unit open', 'chunk 3 Unit open', 'dispose Unit']);
    t.true(log.indexOf('stream ended') < log.indexOf('dispose Unit'), log.join(', '));
  });

  test(`${kind}: a client that leaves mid-stream: the stream is destroyed and the scope disposed exactly once`, async (t) => {
    const tag = newTag();
    const controller = new AbortController();
    const response = await undiciRequest(`${served.get(kind)!.origin}/stream`, { headers: { 'x-tag': tag, 'x-hold': '1' }, signal: controller.signal });
    t.is(response.statusCode, 200);
    const first = await new Promise<string>((resolve) => response.body.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    t.is(first, 'one;');
    response.body.on('error', () => {});
    controller.abort();
    await journal.until(`${tag} client gone`);
    await journal.until(`${tag} stream closed`);
    await journal.until(`${tag} dispose Unit`);
    gate(tag).resolve(); // the held chunk, pushed into a destroyed stream, goes nowhere
    await settle();
    const log = journal.of(tag);
    t.deepEqual(log.filter((e) => e.startsWith('dispose')), ['dispose Unit']);
    t.false(log.includes('stream ended'), log.join(', '));
  });

  test(`${kind}: a streamed response whose source fails midway: the client gets a truncated body, the scope is disposed exactly once`, async (t) => {
    const tag = newTag();
    const response = await undiciRequest(`${served.get(kind)!.origin}/stream`, { headers: { 'x-tag': tag, 'x-break': '1' } });
    t.is(response.statusCode, 200, 'the status went out with the first chunk');
    const rest = new Promise<string>((resolve) => {
      let text = '';
      response.body.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        gate(tag).resolve(); // the first chunk arrived: let the source fail
      });
      response.body.once('end', () => resolve(`complete: ${text}`));
      response.body.once('error', () => resolve(`cut after: ${text}`));
    });
    t.is(await rest, 'cut after: one;');
    await journal.until(`${tag} dispose Unit`);
    await settle();
    const log = journal.of(tag);
    t.deepEqual(log.filter((e) => e.startsWith('chunk') || e.startsWith('dispose') || e.startsWith('stream breaks')), ['chunk 1 Unit open', 'stream breaks', 'dispose Unit']);
  });

  test(`${kind}: a hijacked reply writes with its instance open to the end; the scope is disposed once, after the raw response ended`, async (t) => {
    const tag = newTag();
    const answer = await call(served.get(kind)!.origin, '/hijack', { headers: { 'x-tag': tag } });
    t.is(answer.status, 200);
    t.is(answer.body, 'first Unit open;last Unit open');
    await journal.until(`${tag} dispose Unit`);
    await settle();
    t.deepEqual(journal.of(tag), ['build Unit', 'hijacked end Unit open', 'dispose Unit']);
  });

  test(`${kind}: a client that leaves a hijacked reply midway: the handler finishes with its instance open, then the scope is disposed once`, async (t) => {
    const tag = newTag();
    const client = await rawClient(served.get(kind)!.port, `GET /hijack HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Tag: ${tag}\r\nX-Hold: 1\r\n\r\n`);
    await new Promise<void>((resolve) => client.socket.once('data', () => resolve()));
    t.regex(client.received(), /first Unit open;/);
    client.socket.destroy();
    await journal.until(`${tag} client gone`);
    await settle();
    t.deepEqual(journal.of(tag), ['build Unit', 'client gone'], 'nothing disposed while the handler runs');
    gate(tag).resolve();
    await journal.until(`${tag} dispose Unit`);
    await settle();
    t.deepEqual(journal.of(tag), ['build Unit', 'client gone', 'hijacked end Unit open', 'dispose Unit']);
  });

  test(`${kind}: silent clients: one that connects and sends nothing, one that sends half the headers: nothing is built, other requests are served`, async (t) => {
    const half = newTag();
    const quiet = await rawClient(served.get(kind)!.port);
    const partial = await rawClient(served.get(kind)!.port, `GET /wait HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Tag: ${half}\r\n`);
    t.teardown(() => {
      quiet.socket.destroy();
      partial.socket.destroy();
    });
    const served1 = newTag();
    const answer = call(served.get(kind)!.origin, '/wait', { headers: { 'x-tag': served1 } });
    await journal.until(`${served1} handler entered`);
    gate(served1).resolve();
    t.is((await answer).body, 'done');
    await journal.until(`${served1} dispose Unit`);
    quiet.socket.destroy();
    partial.socket.destroy();
    await Promise.all([quiet.closed, partial.closed]);
    await settle();
    t.deepEqual(journal.of(half), []);
    t.false(journal.entries.some((e) => e.startsWith('undefined ')), 'no request without a tag (the silent one) reached a provider');
    t.is(quiet.received(), '');
    t.is(partial.received(), '');
  });

  test(`${kind}: a client that sends the headers and half the body, then leaves: the scope an onRequest hook opened is disposed once, the handler never runs`, async (t) => {
    const tag = newTag();
    const client = await rawClient(
      served.get(kind)!.port,
      `POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Tag: ${tag}\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n{"half":`,
    );
    await journal.until(`${tag} onRequest Unit open`);
    t.deepEqual(journal.of(tag), ['build Unit', 'onRequest Unit open'], 'the body is still awaited: nothing disposed yet');
    client.socket.destroy();
    await journal.until(`${tag} dispose Unit`);
    await settle();
    t.deepEqual(journal.of(tag), ['build Unit', 'onRequest Unit open', 'client gone', 'dispose Unit']);
  });
}

for (const kind of kinds) {
  test(`${kind}: two requests pipelined on one raw socket each get their own scope, disposed once each, and both are answered in order`, async (t) => {
    const [first, second] = [newTag(), newTag()];
    const request = (tag: string): string => `GET /hijack HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Tag: ${tag}\r\n\r\n`;
    const client = await rawClient(served.get(kind)!.port, request(first) + request(second));
    t.teardown(() => client.socket.destroy());
    await journal.until(`${first} dispose Unit`);
    await journal.until(`${second} dispose Unit`);
    await settle();
    for (const tag of [first, second]) t.deepEqual(journal.of(tag), ['build Unit', 'hijacked end Unit open', 'dispose Unit'], tag);
    t.is(client.received().match(/HTTP\/1\.1 200/g)?.length, 2);
    t.is(client.received().match(/first Unit open;/g)?.length, 2);
  });
}

for (const kind of kinds) {
  test(`${kind}: two requests pipelined on one raw socket, the client leaves while both factories build: both signals abort, neither handler runs, each scope is disposed once`, async (t) => {
    // The second response has no socket of its own until the first is done, so Node never emits its 'close'.
    const [first, second] = [newTag(), newTag()];
    const request = (tag: string): string => `GET /pending HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Tag: ${tag}\r\nX-Honour: 1\r\n\r\n`;
    const client = await rawClient(served.get(kind)!.port, request(first) + request(second));
    await journal.until(`${first} factory started`);
    await journal.until(`${second} factory started`);
    client.socket.destroy();
    await client.closed;
    for (const tag of [first, second]) await journal.until(`${tag} factory aborted LOOPSAFE_ERR_DISPOSED`);
    for (const tag of [first, second]) gate(tag).resolve();
    for (const tag of [first, second]) await journal.until(`${tag} dispose Unit`);
    await settle();
    for (const tag of [first, second]) {
      t.deepEqual(journal.of(tag), ['build Unit', 'factory started', 'client gone', 'factory aborted LOOPSAFE_ERR_DISPOSED', 'factory stops', 'dispose Unit'], tag);
    }
  });
}
