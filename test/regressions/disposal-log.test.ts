import test from 'ava';
import { Writable } from 'node:stream';
import { createContainer, DisposalError, provide, token } from '../../src/index.js';
import { createApp, route } from '../../src/fastify/index.js';

// A disposer that throws is logged with its own error, not only with the name of the provider it belonged to.

test("a failed request-scope disposer is logged with the disposer's own error message and stack", async (t) => {
  let logged!: (line: string) => void;
  const line = new Promise<string>((resolve) => (logged = resolve));
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (chunk.toString().includes('LOOPSAFE_ERR_DISPOSAL_FAILED')) logged(chunk.toString());
      done();
    },
  });
  const Broken = token<string>('broken_dep');
  const app = await createApp({
    providers: [provide(Broken, { lifetime: 'request', useFactory: () => 's', dispose: function closeBroken() {
      throw new Error('Broken after yield');
    } })],
    routes: [route({ method: 'GET', url: '/broken', inject: [Broken], handler: () => ({ message: 'all good?' }) })],
    fastify: { logger: { level: 'error', stream } },
    shutdown: false,
    monitor: false,
  });
  t.teardown(() => app.close());
  t.is((await app.inject('/broken')).statusCode, 200);
  const text = await line;
  t.regex(text, /broken_dep/);
  t.regex(text, /Broken after yield/);
  t.regex(text, /closeBroken/); // the disposer's stack frame
});

test('DisposalError lists each failure in errors, as AggregateError does, and in its message', async (t) => {
  const A = token<string>('A');
  const B = token<string>('B');
  const c = createContainer()
    .register(A, { useFactory: () => 'a', dispose: () => { throw new Error('A broke'); } })
    .register(B, { useFactory: () => 'b', dispose: () => { throw new Error('B broke'); } });
  await c.resolve(A);
  await c.resolve(B);
  const error = (await t.throwsAsync(c.dispose())) as DisposalError;
  t.deepEqual(error.errors.map((e) => (e as Error).message), ['B broke', 'A broke']);
  t.regex(error.message, /B \(B broke\), A \(A broke\)/);
  t.false(Object.keys(error).includes('errors'), 'kept out of enumerable fields, like AggregateError, so loggers print it once');
});
