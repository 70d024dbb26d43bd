// Issue 11, "Cancellation": a factory that injects AbortSignalToken is told to stop when its timeout fires, when
// its request scope is disposed (in Fastify: the client went away) and when the container is disposed.
import test from 'ava';
import net from 'node:net';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { AbortSignalToken, createContainer, provide, token, type LoopsafeError } from '../../src/index.js';
import { createApp, route } from '../../src/fastify/index.js';
import { listen, signal as deferred } from '../helpers/http.js';

/** A worker that never answers, as a render that hangs would. */
const hangingWorker = 'setInterval(() => {}, 1000);';

test('a factory that times out terminates the Worker it started, through its signal', async (t) => {
  const started = deferred<Worker>();
  const Report = token<string>('Report');
  const c = createContainer().register(Report, {
    lifetime: 'request',
    timeout: 50,
    inject: [AbortSignalToken],
    useFactory: (signal) => {
      const worker = new Worker(hangingWorker, { eval: true });
      started.resolve(worker);
      signal.addEventListener('abort', () => void worker.terminate(), { once: true });
      return new Promise<string>((resolve) => worker.once('message', resolve));
    },
  });
  t.teardown(() => c.dispose());
  const scope = c.createScope();
  const resolving = scope.resolve(Report);
  const worker = await started.promise;
  const exited = once(worker, 'exit');
  t.is(((await t.throwsAsync(resolving)) as LoopsafeError).code, 'LOOPSAFE_ERR_PROVIDER_TIMEOUT');
  // The worker never finishes on its own (its interval keeps it alive), so an exit at all is the terminate() the
  // signal ran. The code is not asserted: it depends on how far the thread had started when it was terminated.
  await exited;
  await scope.dispose();
});

test('the signal\'s reason is the timeout error, and it aborts only once', async (t) => {
  const reasons: unknown[] = [];
  const Slow = token<string>('Slow');
  const c = createContainer().register(Slow, {
    timeout: 20,
    inject: [AbortSignalToken],
    useFactory: (signal) => new Promise<string>((_resolve, reject) => {
      signal.addEventListener('abort', () => {
        reasons.push(signal.reason);
        reject(signal.reason as Error);
      });
    }),
  });
  const error = (await t.throwsAsync(c.resolve(Slow))) as LoopsafeError;
  t.is(error.code, 'LOOPSAFE_ERR_PROVIDER_TIMEOUT');
  await c.dispose();
  t.is(reasons.length, 1);
  t.is((reasons[0] as LoopsafeError).code, 'LOOPSAFE_ERR_PROVIDER_TIMEOUT');
});

test('disposing a scope aborts the signal of a factory still building there', async (t) => {
  const aborted = deferred<unknown>();
  const started = deferred();
  const Conn = token<string>('Conn');
  const c = createContainer().register(Conn, {
    lifetime: 'request',
    timeout: 0,
    inject: [AbortSignalToken],
    useFactory: (signal) => new Promise<string>((_resolve, reject) => {
      started.resolve();
      signal.addEventListener('abort', () => {
        aborted.resolve(signal.reason);
        reject(new Error('stopped'));
      });
    }),
  });
  t.teardown(() => c.dispose());
  const scope = c.createScope();
  const resolving = scope.resolve(Conn);
  await started.promise;
  await scope.dispose(); // does not wait for the construction; its signal aborted
  t.is(((await aborted.promise) as LoopsafeError).code, 'LOOPSAFE_ERR_DISPOSED');
  // The caller was let go by the disposal itself, not by the factory's own rejection that followed.
  t.is(((await t.throwsAsync(resolving)) as LoopsafeError).code, 'LOOPSAFE_ERR_DISPOSED');
});

test('disposing the container aborts the signal of a singleton still building', async (t) => {
  const started = deferred();
  const Db = token<string>('Db');
  const c = createContainer().register(Db, {
    timeout: 0,
    inject: [AbortSignalToken],
    useFactory: (signal) => new Promise<string>((resolve) => {
      started.resolve();
      signal.addEventListener('abort', () => resolve('gave up'));
    }),
  });
  const resolving = c.resolve(Db);
  let signalled = false;
  await started.promise;
  const disposing = c.dispose();
  resolving.catch(() => (signalled = true));
  await disposing;
  t.true(signalled, 'the resolve was let go before dispose() returned');
  // What the factory delivers after its signal aborted reaches nobody: the caller already has DISPOSED.
  t.is(((await t.throwsAsync(resolving)) as LoopsafeError).code, 'LOOPSAFE_ERR_DISPOSED');
});

test('a client that disconnects mid-factory aborts the factory\'s signal, on a real socket', async (t) => {
  const started = deferred();
  const aborted = deferred<unknown>();
  const Render = token<string>('Render');
  const page = route({ method: 'GET', url: '/page', inject: [Render], handler: ([html]) => html });
  const app = await createApp({
    providers: [provide(Render, {
      lifetime: 'request',
      timeout: 0,
      inject: [AbortSignalToken],
      useFactory: (signal) => new Promise<string>((_resolve, reject) => {
        started.resolve();
        signal.addEventListener('abort', () => {
          aborted.resolve(signal.reason);
          reject(new Error('client gone'));
        });
      }),
    })],
    routes: [page],
    shutdown: false,
  });
  t.teardown(() => app.close());
  const port = await listen(app);
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write('GET /page HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  await started.promise;
  socket.destroy();
  t.is(((await aborted.promise) as LoopsafeError).code, 'LOOPSAFE_ERR_DISPOSED');
});

test('the built-in AbortSignal provider is shared by every container, the signals are not: disposing one aborts only its own', async (t) => {
  const Work = token<AbortSignal>('Work');
  const providers = [provide(Work, { lifetime: 'transient', timeout: 0, inject: [AbortSignalToken], useFactory: (signal) => signal })];
  const a = createContainer({ providers });
  const b = createContainer({ providers });
  const fromA = a.resolveSync(Work);
  const fromB = b.resolveSync(Work);
  t.not(fromA, fromB);
  await a.dispose();
  t.true(fromA.aborted);
  t.false(fromB.aborted, "the other container's signal is untouched");
  t.false(b.resolveSync(Work).aborted);
  await b.dispose();
  t.true(fromB.aborted);
});
