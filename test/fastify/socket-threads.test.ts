// The thread monitor behind an app served over a real socket (issue 21, point 5): the twins of
// test/threads/fastify.test.ts, which used only inject(). Over a socket a request runs in the HTTP parser's async
// context, not in the test's, so attribution to the provider path and to the route has to hold there too.
// The loop-block budget is off (loopBlockBudgetMs: 0): on a loaded machine a GC pause inside a trivial factory can
// exceed 50 ms, and a loop-block verdict would hide the offload being tested. Serial: warnings are process-wide.
import test from 'ava';
import { readFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createThreadMonitor, provide, token, type ThreadMonitor } from '../../src/index.js';
import { createApp, route } from '../../src/fastify/index.js';
import { call, originOf } from '../helpers/http.js';

const Repo = token<{ rows: number }>('Repo');
const Service = token<{ repo: { rows: number } }>('Service');
const self = fileURLToPath(import.meta.url);

async function appWith(monitor: ThreadMonitor, lines: string[]) {
  const stream = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
  return createApp({
    observer: monitor,
    shutdown: false,
    fastify: { logger: { stream, level: 'error' } },
    providers: [
      provide(Repo, { lifetime: 'request', useFactory: async () => ({ rows: (await readFile(self)).length }) }),
      provide(Service, { lifetime: 'request', inject: [Repo], useFactory: (repo) => ({ repo }) }),
    ],
    routes: [route({ method: 'GET', url: '/work', inject: [Service], handler: ([service]) => ({ rows: service.repo.rows }) })],
  });
}

function offloadWarnings(t: { teardown(fn: () => void): void }): string[] {
  const warnings: string[] = [];
  const listener = (w: Error & { code?: string }): void => void (w.code === 'LOOPSAFE_ERR_THREAD_OFFLOAD' && warnings.push(w.message));
  process.on('warning', listener);
  t.teardown(() => process.off('warning', listener));
  return warnings;
}

test.serial('over a socket, a throw-mode 500 gives the client the code and a short message, no provider path nor file; the log has both', async (t) => {
  const monitor = createThreadMonitor({ mode: 'throw', loopBlockBudgetMs: 0 });
  t.teardown(() => monitor.close());
  const lines: string[] = [];
  const app = await appWith(monitor, lines);
  t.teardown(() => app.close());
  const answer = await call(await originOf(app), '/work');
  t.is(answer.status, 500);
  const body = JSON.parse(answer.body) as { code: string; message: string };
  t.is(body.code, 'LOOPSAFE_ERR_THREAD_OFFLOAD');
  t.false(body.message.includes('Repo'), body.message);
  t.false(answer.body.includes(self), answer.body);
  t.false(/\/[\w.-]+\/[\w.-]+\.(js|ts):\d+/.test(answer.body), answer.body); // no path:line of any file
  t.true(lines.some((line) => line.includes('GET /work -> Service -> Repo')), lines.join('\n'));
});

test.serial('over a socket, warn mode answers 200 and names the route first: GET /work -> Service -> Repo', async (t) => {
  const warnings = offloadWarnings(t);
  const monitor = createThreadMonitor({ mode: 'warn', loopBlockBudgetMs: 0 });
  t.teardown(() => monitor.close());
  const app = await appWith(monitor, []);
  t.teardown(() => app.close());
  t.is((await call(await originOf(app), '/work')).status, 200);
  await new Promise((resolve) => setImmediate(resolve));
  t.true(warnings.some((w) => w.startsWith('GET /work -> Service -> Repo: the factory of Repo put fs work')), JSON.stringify(warnings));
});

test.serial("over a socket, opt-in route attribution warns a route handler's own pool work as the route's; off by default", async (t) => {
  const warnings = offloadWarnings(t);
  const served = async (routes: boolean): Promise<void> => {
    const monitor = createThreadMonitor({ mode: 'throw', loopBlockBudgetMs: 0, routes });
    const app = await createApp({
      observer: monitor,
      shutdown: false,
      routes: [route({ method: 'GET', url: '/own/:n', handler: async () => ({ bytes: (await readFile(self)).length }) })],
    });
    t.is((await call(await originOf(app), `/own/${routes ? 1 : 2}`)).status, 200); // reported, never failed
    await app.close();
    monitor.close();
    await new Promise((resolve) => setImmediate(resolve));
  };
  await served(false);
  t.deepEqual(warnings, []);
  await served(true);
  t.true(warnings.some((w) => w.startsWith("GET /own/:n: the route's own hooks or handler put fs work")), JSON.stringify(warnings));
});
