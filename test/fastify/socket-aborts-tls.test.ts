import test from 'ava';
import { readFileSync } from 'node:fs';
import { connect } from 'node:tls';
import fastify from 'fastify';
import { AbortSignalToken, createContainer, provide, token } from '../../src/index.js';
import { loopsafePlugin, route } from '../../src/fastify/index.js';
import { selfSignedFiles } from '../helpers/tls.js';

// Over TLS the connection drain tracks the TCP socket beneath the one a request sees, so it does not report the
// request's response (ConnectionDrain.reports): the request scope keeps its own listeners there. These cases make
// sure a TLS client's leaving and a TLS response's end still reach the scope.

interface Unit {
  readonly n: number;
}

test('over TLS: a client that leaves while a request-scoped factory waits aborts its signal, and a served request is disposed once', async (t) => {
  const files = selfSignedFiles(t);
  const journal: string[] = [];
  let started!: () => void;
  const factoryStarted = new Promise<void>((resolve) => (started = resolve));
  let units = 0;
  const Slow = token<Unit>('Slow');
  const Quick = token<Unit>('Quick');
  const app = fastify({ https: { key: readFileSync(files.key), cert: readFileSync(files.cert) }, return503OnClosing: false });
  await app.register(loopsafePlugin, {
    container: createContainer({
      providers: [
        provide(Slow, {
          lifetime: 'request',
          inject: [AbortSignalToken],
          useFactory: (signal: AbortSignal) => new Promise<Unit>((_resolve, reject) => {
            started();
            signal.addEventListener('abort', () => {
              journal.push('Slow aborted');
              reject(signal.reason as Error);
            });
          }),
        }),
        provide(Quick, { lifetime: 'request', useFactory: () => ({ n: ++units }), dispose: (u) => void journal.push(`dispose Quick ${u.n}`) }),
      ],
    }),
    routes: [
      route({ method: 'GET', url: '/slow', inject: [Slow], handler: () => (journal.push('slow handler ran'), 'never') }),
      route({ method: 'GET', url: '/quick', inject: [Quick], handler: ([q]) => `quick ${q.n}` }),
    ],
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  t.teardown(() => app.close());
  const { port } = app.server.address() as { port: number };

  const open = async (): Promise<ReturnType<typeof connect>> => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
    return socket;
  };

  const leaving = await open();
  leaving.write('GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  await factoryStarted;
  leaving.destroy();
  while (!journal.includes('Slow aborted')) await new Promise((resolve) => setTimeout(resolve, 5));

  const staying = await open();
  t.teardown(() => staying.destroy());
  let received = '';
  staying.on('data', (chunk: Buffer) => (received += chunk.toString()));
  staying.write('GET /quick HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  // The scope is disposed when the server's response finishes, which can come before the client's TLS socket has
  // read the bytes: wait for both.
  while (!journal.includes('dispose Quick 1') || !/quick 1$/.test(received)) await new Promise((resolve) => setTimeout(resolve, 5));
  t.regex(received, /quick 1$/);
  t.deepEqual(journal, ['Slow aborted', 'dispose Quick 1'], 'the slow handler never ran; the served scope was disposed once, over a kept-alive connection');
});
