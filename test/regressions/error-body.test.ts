import test from 'ava';
import fastify from 'fastify';
import { Writable } from 'node:stream';
import { createContainer, LoopsafeError, provide, token } from '../../src/index.js';
import { createApp, FastifyRequestToken, loopsafePlugin, route } from '../../src/fastify/index.js';

// A loopsafe error answered by fastify's default error handler tells the client the code and nothing internal:
// no provider path, no route, no cause message (a secret here), no stack. The full error goes to the log, and a
// user's own error handler still gets it whole.
const secret = 'password=hunter2 rejected by /etc/vault.conf';
const Secret = token<object>('SecretVaultClient');
const SecretSingleton = token<object>('SecretVaultSingleton');
const Slow = token<object>('SlowVaultClient');
const Unregistered = token<object>('UnregisteredVault');
const internals = /hunter2|vault|SecretVaultClient|SlowVaultClient|UnregisteredVault|GET \/|\bat \S+:\d+/i;

function logTo(lines: string[]) {
  return { logger: { level: 'error', stream: new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) }) } };
}

const failing = {
  lifetime: 'request' as const,
  inject: [FastifyRequestToken],
  useFactory: async (): Promise<object> => {
    throw new Error(secret);
  },
};

async function app(lines: string[]) {
  return createApp({
    providers: [
      provide(Secret, failing),
      provide(SecretSingleton, { useFactory: async () => Promise.reject(new Error(secret)) }),
    ],
    routes: [
      route({ method: 'GET', url: '/request', inject: [Secret], handler: () => 'never' }),
      route({ method: 'GET', url: '/singleton', inject: [SecretSingleton], handler: () => 'never' }),
    ],
    shutdown: false,
    monitor: false,
    fastify: logTo(lines),
  });
}

test('a failing provider answers 500 with the code and a short message; the log has the path and the cause', async (t) => {
  const lines: string[] = [];
  const server = await app(lines);
  t.teardown(() => server.close());
  for (const url of ['/request', '/singleton']) {
    const response = await server.inject(url);
    t.is(response.statusCode, 500, url);
    t.notRegex(response.body, internals, url);
    const body = response.json<Record<string, unknown>>();
    t.deepEqual(Object.keys(body).sort(), ['code', 'error', 'message', 'statusCode'], url);
    t.like(body, { statusCode: 500, code: 'LOOPSAFE_ERR_PROVIDER_FAILED', error: 'Internal Server Error' }, url);
    t.true(typeof body['message'] === 'string' && body['message'].length > 0, url);
  }
  const log = lines.join('');
  t.regex(log, /hunter2/);
  t.regex(log, /GET \/request -> SecretVaultClient/);
  t.regex(log, /GET \/singleton -> SecretVaultSingleton/);
});

test("a loopsafe error from request.di in the user's own route is answered the same way: timeout, missing", async (t) => {
  const lines: string[] = [];
  const own = fastify(logTo(lines));
  t.teardown(() => own.close());
  await own.register(loopsafePlugin, {
    container: createContainer({ providers: [provide(Slow, { lifetime: 'request', timeout: 5, useFactory: () => new Promise<object>(() => {}) })] }),
    shutdown: false,
  });
  own.get('/slow', async (request) => request.di.resolve(Slow));
  own.get('/missing', async (request) => request.di.resolve(Unregistered));
  for (const [url, code] of [['/slow', 'LOOPSAFE_ERR_PROVIDER_TIMEOUT'], ['/missing', 'LOOPSAFE_ERR_PROVIDER_MISSING']] as const) {
    const response = await own.inject(url);
    t.is(response.statusCode, 500, url);
    t.notRegex(response.body, internals, url);
    t.like(response.json(), { statusCode: 500, code, error: 'Internal Server Error' }, url);
  }
  t.regex(lines.join(''), /SlowVaultClient/);
  t.regex(lines.join(''), /UnregisteredVault/);
});

test("a user's setErrorHandler gets the whole error and answers what it chooses; sending the error itself stays safe", async (t) => {
  const warnings: string[] = [];
  const onWarning = (w: Error & { code?: string }): void => void warnings.push(w.code ?? w.name);
  process.on('warning', onWarning);
  t.teardown(() => process.off('warning', onWarning));
  const own = fastify();
  t.teardown(() => own.close());
  const seen: unknown[] = [];
  // The user's own handler at the root, set before the routes as fastify requires. loopsafe installs none there,
  // so fastify neither warns about an override nor refuses it.
  own.setErrorHandler((error, request, reply) => {
    seen.push(error);
    if (request.url === '/forward') return reply.send(error);
    return reply.code(503).send({ reason: (error as Error).message });
  });
  await own.register(loopsafePlugin, {
    container: createContainer({ providers: [provide(Secret, failing)] }),
    routes: [
      route({ method: 'GET', url: '/custom', inject: [Secret], handler: () => 'never' }),
      route({ method: 'GET', url: '/forward', inject: [Secret], handler: () => 'never' }),
    ],
    shutdown: false,
  });
  await own.ready();
  const custom = await own.inject('/custom');
  t.is(custom.statusCode, 503);
  t.regex(custom.json<{ reason: string }>().reason, /SecretVaultClient.*hunter2|hunter2.*SecretVaultClient/);
  const forwarded = await own.inject('/forward');
  t.is(forwarded.statusCode, 500);
  t.notRegex(forwarded.body, internals);
  t.like(forwarded.json(), { code: 'LOOPSAFE_ERR_PROVIDER_FAILED' });
  t.is(seen.length, 2);
  t.true(seen.every((e) => LoopsafeError.is(e, 'LOOPSAFE_ERR_PROVIDER_FAILED') && (e.cause as Error).message === secret));
  t.false(warnings.includes('FSTWRN004'), warnings.join(', '));
});
