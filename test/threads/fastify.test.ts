// The loop-block budget is off (loopBlockBudgetMs: 0) where offloads are the subject: on a loaded machine a GC pause
// inside a trivial factory can exceed 50 ms, and a loop-block verdict would hide the offload being tested.
import test from 'ava';
import { readFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createThreadMonitor, provide, token, type ThreadMonitor } from '../../src/index.js';
import { createApp, route } from '../../src/fastify/index.js';

// The thread monitor behind a real Fastify app: what the client sees, what the log and the warnings say.
const Repo = token<{ rows: number }>('Repo');
const Service = token<{ repo: { rows: number } }>('Service');
const self = fileURLToPath(import.meta.url);

async function appWith(monitor: ThreadMonitor, lines: string[]) {
  const stream = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
  const app = await createApp({
    observer: monitor,
    shutdown: false,
    fastify: { logger: { stream, level: 'error' } },
    providers: [
      provide(Repo, { lifetime: 'request', useFactory: async () => ({ rows: (await readFile(self)).length }) }),
      provide(Service, { lifetime: 'request', inject: [Repo], useFactory: (repo) => ({ repo }) }),
    ],
    routes: [route({ method: 'GET', url: '/work', inject: [Service], handler: ([service]) => ({ rows: service.repo.rows }) })],
  });
  return app;
}

test.serial('a throw-mode 500 gives the client the code and a short message, no provider path nor file; the log has both', async (t) => {
  const monitor = createThreadMonitor({ mode: 'throw', loopBlockBudgetMs: 0 });
  t.teardown(() => monitor.close());
  const lines: string[] = [];
  const app = await appWith(monitor, lines);
  t.teardown(() => app.close());
  const response = await app.inject('/work');
  t.is(response.statusCode, 500);
  const body = response.json<{ code: string; message: string }>();
  t.is(body.code, 'LOOPSAFE_ERR_THREAD_OFFLOAD');
  t.false(body.message.includes('Repo'), body.message); // the provider path is for the log
  t.true(lines.some((line) => line.includes('GET /work -> Service -> Repo')), lines.join('\n'));
  t.false(response.body.includes(self), response.body);
  t.false(/\/[\w.-]+\/[\w.-]+\.(js|ts):\d+/.test(response.body), response.body); // no path:line of any file
  t.true(lines.some((line) => /fastify\.test\.(js|ts):\d+:\d+/.test(line)), lines.join('\n'));
});

test.serial('warn text names the route first, like throw mode: GET /work -> Service -> Repo', async (t) => {
  const monitor = createThreadMonitor({ mode: 'warn', loopBlockBudgetMs: 0 });
  t.teardown(() => monitor.close());
  const warnings: string[] = [];
  const listener = (w: Error & { code?: string }): void => void (w.code === 'LOOPSAFE_ERR_THREAD_OFFLOAD' && warnings.push(w.message));
  process.on('warning', listener);
  t.teardown(() => process.off('warning', listener));
  const app = await appWith(monitor, []);
  t.teardown(() => app.close());
  t.is((await app.inject('/work')).statusCode, 200);
  await new Promise((resolve) => setImmediate(resolve));
  t.true(warnings.some((w) => w.startsWith('GET /work -> Service -> Repo: the factory of Repo put fs work')), JSON.stringify(warnings));
});

test.serial("opt-in route attribution: a route handler's own pool work is warned as the route's, GET /own", async (t) => {
  const warnings: string[] = [];
  const listener = (w: Error & { code?: string }): void => void (w.code === 'LOOPSAFE_ERR_THREAD_OFFLOAD' && warnings.push(w.message));
  process.on('warning', listener);
  t.teardown(() => process.off('warning', listener));
  const served = async (routes: boolean): Promise<void> => {
    const monitor = createThreadMonitor({ mode: 'throw', loopBlockBudgetMs: 0, routes });
    const app = await createApp({
      observer: monitor,
      shutdown: false,
      routes: [route({ method: 'GET', url: '/own/:n', handler: async () => ({ bytes: (await readFile(self)).length }) })],
    });
    t.is((await app.inject(`/own/${routes ? 1 : 2}`)).statusCode, 200); // reported, never failed: the request was fine
    await app.close();
    monitor.close();
    await new Promise((resolve) => setImmediate(resolve));
  };
  await served(false);
  t.deepEqual(warnings, []); // off by default
  await served(true);
  t.true(warnings.some((w) => w.startsWith("GET /own/:n: the route's own hooks or handler put fs work")), JSON.stringify(warnings));
});
