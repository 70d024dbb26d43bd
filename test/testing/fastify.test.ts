import test from 'ava';
import fastify, { type FastifyInstance } from 'fastify';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { readFile } from 'node:fs/promises';
import { get } from 'node:http';
import {
  createContainer, createThreadMonitor, provide, threadChannels, token, type ThreadMonitor, type ThreadSample,
} from '../../src/index.js';
import { loopsafePlugin } from '../../src/fastify/index.js';
import { assertNoThreadLeaks, checkThreadLeaks, noThreadLeaks, LoopsafeErrorCode } from './codes.js';

// The scenario that started loopsafe: a Fastify app whose route pulls async providers, under concurrent load.
const Config = token<{ greeting: string }>('Config');
const Db = token<{ query(id: number): Promise<string> }>('Db');
const RequestId = token<number>('RequestId');
const Repo = token<{ find(): Promise<string> }>('Repo');
const Handler = token<{ hello(): Promise<{ id: number; text: string }> }>('Handler');

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function buildApp(options: { offload?: boolean; monitor?: ThreadMonitor } = {}): Promise<FastifyInstance> {
  const container = createContainer({
    ...(options.monitor === undefined ? {} : { observer: options.monitor }),
    providers: [
      provide(Config, { useFactory: async () => (await tick(), { greeting: 'hello' }) }),
      provide(Db, { useFactory: async () => (await tick(), { query: async (id: number) => (await tick(), `row ${id}`) }) }),
      provide(RequestId, { supplied: true }),
      provide(Repo, {
        lifetime: 'request',
        inject: [Db, RequestId],
        useFactory: async (db, id) => {
          if (options.offload === true) await readFile(new URL(import.meta.url)); // the one provider that offloads
          await tick();
          return { find: () => db.query(id) };
        },
      }),
      provide(Handler, {
        lifetime: 'request',
        inject: [Repo, Config, RequestId],
        useFactory: async (repo, config, id) => ({
          hello: async () => ({ id, text: `${config.greeting} ${await repo.find()}` }),
        }),
        dispose: async () => tick(),
      }),
    ],
  });
  let next = 0;
  const app = fastify();
  // The loopsafe/fastify plugin: request.di is the request's scope, disposed after the response; the container is
  // disposed when the app closes.
  await app.register(loopsafePlugin, { container });
  app.addHook('onRequest', async function supplyRequestId(request) {
    request.di.supply(RequestId, ++next);
  });
  app.get('/hello', async (request) => (await request.di.resolve(Handler)).hello());
  return app;
}

function request(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/hello', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

async function load(app: FastifyInstance): Promise<string[]> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  const bodies: string[] = [];
  for (const n of [10, 100]) {
    const responses = await Promise.all(Array.from({ length: n }, () => request(port)));
    for (const r of responses) bodies.push(`${r.status} ${r.body}`);
  }
  return bodies;
}

test.serial('a Fastify app answers 10, then 100 concurrent requests through async providers; OS threads before, during and after are equal', async (t) => {
  await readFile(new URL(import.meta.url)); // the pool is warm before the sampler's first reading
  // No loop-block budget: this test is about threads (a GC pause on a busy CI machine is not its subject).
  const monitor = createThreadMonitor({ mode: 'throw', loopBlockBudgetMs: 0, sampleIntervalMs: 2 });
  t.teardown(() => monitor.close());
  const samples: number[] = [];
  const onSample = (s: unknown): void => void samples.push((s as ThreadSample).count);
  subscribe(threadChannels.sample, onSample);
  t.teardown(() => unsubscribe(threadChannels.sample, onSample));
  let bodies: string[] = [];
  const report = await noThreadLeaks(t, async () => {
    const app = await buildApp({ monitor });
    bodies = await load(app);
    await app.close();
  });
  t.is(bodies.length, 110);
  const wrong = bodies.filter((b) => !/^200 \{"id":\d+,"text":"hello row \d+"\}$/.test(b));
  t.deepEqual(wrong, []);
  t.true(samples.length > 0, 'the sampler ran during the load');
  t.deepEqual([...new Set(samples)], [report.threads!.before], `sampled ${[...new Set(samples)].join(', ')}`);
  t.is(report.threads!.after, report.threads!.before);
  t.deepEqual(report.offloads, []);
  t.is(monitor.stats().offloads, 0);
});

test.serial('the same app with one provider that reads a file fails the check, which names that provider', async (t) => {
  const report = await checkThreadLeaks(async () => {
    const app = await buildApp({ offload: true }); // no monitor of its own: the check watches it
    await load(app);
    await app.close();
  });
  t.false(report.ok);
  t.true(report.offloads.length > 0);
  t.true(report.offloads.every((o) => o.kind === 'fs' && o.path.join(' > ') === 'Handler > Repo'), JSON.stringify(report.offloads[0]));
  t.regex(report.offloads[0]!.site?.user ?? '', /fastify\.test\.(js|ts):\d+:\d+$/);
  // The throwing form says the same in words.
  const error = await t.throwsAsync(assertNoThreadLeaks(async () => {
    const app = await buildApp({ offload: true });
    await app.inject('/hello');
    await app.close();
  }, { title: 'offloading app' }));
  t.is((error as unknown as { code: string }).code, LoopsafeErrorCode.leak);
  t.regex(error!.message, /fs \(FSREQPROMISE\) in Handler > Repo at .*fastify\.test/);
  t.regex(error!.message, /read the file before boot/);
});

test.serial('an app (container plus Fastify instance) built and closed 50 times leaves threads and open handles where they started', async (t) => {
  const handlesBefore = process.getActiveResourcesInfo().length;
  const report = await noThreadLeaks(t, async () => {
    for (let i = 0; i < 50; i++) {
      const app = await buildApp();
      const response = await app.inject('/hello');
      if (response.statusCode !== 200) throw new Error(response.body);
      await app.close();
    }
  });
  t.is(report.threads!.after, report.threads!.before);
  t.deepEqual(report.handles, []);
  t.is(process.getActiveResourcesInfo().length, handlesBefore);
});

test.serial('the same rebuild loop that forgets to close the app is caught with the handles it left', async (t) => {
  const apps: FastifyInstance[] = [];
  const report = await checkThreadLeaks(async () => {
    for (let i = 0; i < 3; i++) {
      const app = await buildApp();
      apps.push(app);
      await app.listen({ port: 0, host: '127.0.0.1' }); // never closed: the zombie server of a cache reset
    }
  }, { settleMs: 50 });
  for (const app of apps) await app.close();
  t.false(report.ok);
  t.is(report.handles.filter((h) => h.type === 'TCPSERVERWRAP').length, 3);
  // listen() opens the socket deep inside fastify, after awaits: the report names fastify's frame.
  t.regex(report.handles[0]!.site.user ?? report.handles[0]!.site.library ?? '', /fastify/);
});
