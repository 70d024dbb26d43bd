import test from 'ava';
import { request } from 'node:http';
import { Cluster, Redis } from 'ioredis';
import { serveCluster } from '../../src/index.js';
import { get } from '../helpers/requests.js';
import { startRedis } from '../helpers/redis.js';
import { startRedisCluster } from '../helpers/redis-cluster.js';

function put(port: number, path: string, body: unknown): Promise<{ worker: number }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'PUT', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      let data = '';
      res.on('data', (chunk: Buffer) => (data += chunk.toString()));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(data) as { worker: number }) : reject(new Error(`${res.statusCode} ${data}`))));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

async function json<T>(port: number, path: string): Promise<T> {
  const r = await get(port, path, false);
  if (r.kind !== 'response' || r.status !== 200) throw new Error(`unexpected ${JSON.stringify(r)}`);
  return JSON.parse(r.body) as T;
}

test.serial('with 3 workers on Redis: a value written through one worker is read through the others, and 50 concurrent requests for one missing key run the loader once', async (t) => {
  const redis = await startRedis(t);
  process.env.REDIS_URL = redis.url;
  const server = await serveCluster({ app: new URL('./fixtures/cache-app.js', import.meta.url), workers: 3, port: 0, exit: false, signals: [] });
  t.teardown(() => server.close().catch(() => {}));

  // Round robin: a PUT and the next two GETs land on three different workers.
  const writer = await put(server.port, '/cache/greeting', { text: 'hi from one worker' });
  const reads = [await json<{ worker: number; value: unknown }>(server.port, '/cache/greeting'), await json<{ worker: number; value: unknown }>(server.port, '/cache/greeting')];
  t.deepEqual(new Set([writer.worker, ...reads.map((r) => r.worker)]).size, 3);
  for (const r of reads) t.deepEqual(r.value, { text: 'hi from one worker' });

  const results = await Promise.all(Array.from({ length: 50 }, () => json<{ worker: number; value: { computedBy: number; run: number } }>(server.port, '/load/report')));
  t.is(new Set(results.map((r) => r.worker)).size, 3, 'the requests were spread over all workers');
  t.true(results.every((r) => r.value.run === 1 && r.value.computedBy === results[0]!.value.computedBy), 'everyone got the one computed value');
  const raw = new Redis(redis.url);
  t.teardown(() => raw.quit());
  t.is(await raw.get('loads:report'), '1', 'the loader ran exactly once across all processes');
  await server.close();
});

test.serial('with 3 workers on a Redis Cluster (3 masters, 3 replicas): writes are shared, and 50 concurrent requests per missing key run each loader once across processes', async (t) => {
  const cluster = await startRedisCluster(t);
  delete process.env.REDIS_URL;
  process.env.REDIS_CLUSTER = cluster.urls.join(',');
  t.teardown(() => delete process.env.REDIS_CLUSTER);
  const server = await serveCluster({ app: new URL('./fixtures/cache-app.js', import.meta.url), workers: 3, port: 0, exit: false, signals: [] });
  t.teardown(() => server.close().catch(() => {}));

  const writer = await put(server.port, '/cache/greeting', { text: 'hi from one worker' });
  const reads = [await json<{ worker: number; value: unknown }>(server.port, '/cache/greeting'), await json<{ worker: number; value: unknown }>(server.port, '/cache/greeting')];
  t.deepEqual(new Set([writer.worker, ...reads.map((r) => r.worker)]).size, 3);
  for (const r of reads) t.deepEqual(r.value, { text: 'hi from one worker' });

  // Keys on different masters: each one's lock, value and notification stay on its own node.
  const keys = ['report', 'invoice', 'profile', 'catalog'];
  const masters = new Set(await Promise.all(keys.map(async (k) => (await cluster.masterOf(`cluster-test:{${k}}`)).port)));
  t.true(masters.size >= 2, 'the keys live on more than one master');
  const results = await Promise.all(keys.flatMap((k) => Array.from({ length: 50 }, () => json<{ worker: number; value: { computedBy: number; run: number } }>(server.port, `/load/${k}`).then((r) => ({ k, ...r })))));
  t.is(new Set(results.map((r) => r.worker)).size, 3, 'the requests were spread over all workers');
  for (const k of keys) {
    const mine = results.filter((r) => r.k === k);
    t.true(mine.every((r) => r.value.run === 1 && r.value.computedBy === mine[0]!.value.computedBy), `everyone got the one computed ${k}`);
  }
  const raw = new Cluster([{ host: '127.0.0.1', port: cluster.nodes[0]!.port }]);
  t.teardown(() => raw.quit());
  t.deepEqual(await Promise.all(keys.map((k) => raw.get(`loads:${k}`))), keys.map(() => '1'), 'each loader ran exactly once across all processes');
  await server.close();
});
