import test from 'ava';
import cluster from 'node:cluster';
import { Agent } from 'node:http';
import { LoopsafeError, serveCluster, type ClusterEvent, type ClusterServer } from '../../src/index.js';
import { get } from '../helpers/requests.js';

const fixture = (name: string): URL => new URL(`./fixtures/${name}.js`, import.meta.url);

/** serveCluster in this process, never exiting it, closed at the end of the test. */
async function serve(t: { teardown(fn: () => unknown): void }, app: string, extra: Partial<Parameters<typeof serveCluster>[0]> = {}) {
  const events: ClusterEvent[] = [];
  const watchers = new Set<() => void>();
  const onEvent = (e: ClusterEvent): void => {
    events.push(e);
    for (const w of [...watchers]) w();
  };
  const server = await serveCluster({ app: fixture(app), workers: 2, port: 0, exit: false, signals: [], onEvent, ...extra });
  t.teardown(() => server.close().catch(() => {}));
  /** Resolves with the first event, seen or to come, that matches. */
  const event = (match: (e: ClusterEvent) => boolean): Promise<ClusterEvent> => new Promise((resolve) => {
    const look = (): void => {
      const found = events.find(match);
      if (found === undefined) return;
      watchers.delete(look);
      resolve(found);
    };
    watchers.add(look);
    look();
  });
  return { server, events, event };
}

async function hello(server: ClusterServer): Promise<{ worker: number; pid: number }> {
  const r = await get(server.port, '/hello', false);
  if (r.kind !== 'response' || r.status !== 200) throw new Error(`unexpected ${JSON.stringify(r)}`);
  return JSON.parse(r.body) as { worker: number; pid: number };
}

test.serial('a misconfigured app fails once in the primary with the boot error, before any worker is forked', async (t) => {
  let forks = 0;
  const onFork = (): void => void forks++;
  cluster.on('fork', onFork);
  t.teardown(() => cluster.off('fork', onFork));
  const error = await t.throwsAsync(serveCluster({ app: fixture('broken-app'), workers: 3, port: 0, exit: false, signals: [] }), { code: 'LOOPSAFE_ERR_BOOT' });
  t.is((error as unknown as { problems: LoopsafeError[] }).problems[0]?.code, 'LOOPSAFE_ERR_PROVIDER_MISSING');
  t.is(forks, 0);
});

test.serial('an app module without a defineClusterApp() default export, and bad options, are refused at once', async (t) => {
  await t.throwsAsync(serveCluster({ app: new URL('../helpers/ports.js', import.meta.url), exit: false, signals: [] }), { code: 'LOOPSAFE_ERR_CLUSTER_APP_INVALID' });
  await t.throwsAsync(serveCluster({ app: fixture('app'), workers: 0, exit: false }), { code: 'LOOPSAFE_ERR_OPTION_INVALID' });
  await t.throwsAsync(serveCluster({ app: fixture('app'), shutdownTimeout: -1, exit: false }), { code: 'LOOPSAFE_ERR_OPTION_INVALID' });
  await t.throwsAsync(serveCluster({ app: 42 as unknown as string, exit: false }), { code: 'LOOPSAFE_ERR_CLUSTER_APP_INVALID' });
});

test.serial('a worker whose app fails to build fails serveCluster with the worker error as cause; nothing listens', async (t) => {
  const error = await t.throwsAsync(serveCluster({ app: fixture('failing-app'), workers: 2, port: 0, exit: false, signals: [] }), {
    code: 'LOOPSAFE_ERR_CLUSTER_WORKER_FAILED',
  });
  t.is(((error as Error).cause as { code?: string }).code, 'LOOPSAFE_ERR_PROVIDER_FAILED');
  t.deepEqual(Object.keys(cluster.workers ?? {}), [], 'no worker is left running');
});

test.serial('connections are spread over every worker, and the primary reports each worker\'s OS thread count', async (t) => {
  const { server } = await serve(t, 'app', { workers: 3 });
  const seen = new Set<number>();
  for (let i = 0; i < 6; i++) seen.add((await hello(server)).worker);
  t.deepEqual([...seen].sort(), [1, 2, 3]);
  const counts = await server.threadCounts();
  t.deepEqual(counts.map((c) => c.worker).sort(), [1, 2, 3]);
  t.is(new Set(counts.map((c) => c.pid)).size, 3);
  for (const c of counts) t.true(c.threads > 0, `worker ${c.worker} reported ${c.threads} threads`);
  t.true(server.workers().every((w) => w.state === 'ready' && w.threads !== undefined));
  t.log(counts.map((c) => `worker ${c.worker}: ${c.threads} threads`).join(', '));
});

test.serial('a worker that dies is replaced in its slot while the others keep serving', async (t) => {
  const { server, events, event } = await serve(t, 'app', { restart: { initialDelay: 50 } });
  const crashed = await get(server.port, `/crash`, false);
  if (crashed.kind !== 'response') return t.fail();
  const { worker: victim, pid: before } = JSON.parse(crashed.body) as { worker: number; pid: number };
  // While the slot waits for its replacement, every request is served by the other worker.
  const during = await Promise.all(Array.from({ length: 10 }, () => hello(server)));
  t.true(during.length === 10);
  await event((e) => e.type === 'worker-ready' && e.worker === victim && e.pid !== before);
  const exit = events.find((e) => e.type === 'worker-exit');
  t.like(exit, { type: 'worker-exit', expected: false, code: 3 });
  t.like(events.find((e) => e.type === 'worker-restart'), { delay: 50 });
  const slots = server.workers();
  t.like(exit, { worker: victim, pid: before });
  t.is(slots.find((w) => w.worker === victim)!.restarts, 1);
  t.is(new Set(slots.map((w) => w.pid)).size, 2);
  await server.close();
  t.like(events.at(-1), { type: 'stopped', error: undefined });
});

test.serial('workers that keep dying stop the cluster with LOOPSAFE_ERR_CLUSTER_CRASH_LOOP after the restart budget, with growing delays', async (t) => {
  const { server, events } = await serve(t, 'crashing-app', { restart: { maxRestarts: 3, initialDelay: 10, maxDelay: 1000 } });
  await t.throwsAsync(server.closed, { code: 'LOOPSAFE_ERR_CLUSTER_CRASH_LOOP' });
  const delays = events.filter((e) => e.type === 'worker-restart').map((e) => (e as { delay: number }).delay);
  t.deepEqual(delays, [10, 20, 40]);
  t.like(events.find((e) => e.type === 'shutdown'), { reason: 'crash-loop' });
  t.deepEqual(Object.keys(cluster.workers ?? {}), []);
});

test.serial('a worker reports a request in flight while it runs and none once it is answered, its keep-alive connection still open', async (t) => {
  const { server } = await serve(t, 'app');
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => agent.destroy());
  const inFlight = async (): Promise<number> => {
    await server.threadCounts(); // fresh stats from every worker
    return server.workers().reduce((n, w) => n + w.inFlight, 0);
  };
  const slow = get(server.port, '/slow?ms=400', agent);
  while ((await inFlight()) === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  t.is(await inFlight(), 1);
  t.is((await slow).kind, 'response');
  // The finished response stays the connection's last one until a next request or a look at the count.
  t.is(await inFlight(), 0);
  t.is((await get(server.port, '/slow?ms=0', agent)).kind, 'response');
  t.is(await inFlight(), 0);
});

test.serial('a request that never ends makes shutdown fail after shutdownTimeout, naming the busy worker', async (t) => {
  const { server } = await serve(t, 'app', { shutdownTimeout: 400 });
  const busy = (await hello(server)).worker === 1 ? 2 : 1; // round robin: the next connection goes to the other one
  const hanging = get(server.port, '/never', false);
  // /never sends its headers at once; once the worker reports the request, it is in flight.
  while ((server.workers().find((w) => w.worker === busy)?.inFlight ?? 0) === 0) await server.threadCounts();
  const error = await t.throwsAsync(server.close(), { code: 'LOOPSAFE_ERR_CLUSTER_SHUTDOWN_TIMEOUT' });
  t.like((error as unknown as { busy: unknown[] }).busy, [{ worker: busy, inFlight: 1, connections: 1 }]);
  t.is((await hanging).kind, 'error');
  t.deepEqual(Object.keys(cluster.workers ?? {}), [], 'the busy worker was killed');
});

test.serial('a worker whose app fails to close makes the shutdown fail with the worker error as cause; the others still drain', async (t) => {
  const { server, events } = await serve(t, 'failing-close-app');
  const error = await t.throwsAsync(server.close(), { code: 'LOOPSAFE_ERR_CLUSTER_WORKER_FAILED' });
  t.is(((error as Error).cause as { code?: string }).code, 'LOOPSAFE_ERR_DISPOSAL_FAILED');
  t.is(events.filter((e) => e.type === 'worker-exit').length, 2);
  t.deepEqual(Object.keys(cluster.workers ?? {}), []);
});
