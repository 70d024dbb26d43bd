import test from 'ava';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { get } from '../helpers/requests.js';
import { freePort } from '../helpers/ports.js';
import { startRedis } from '../helpers/redis.js';

const example = new URL('../../examples/cluster-cache/main.js', import.meta.url);

test('the cluster-cache example serves from 2 workers sharing one Redis cache, and SIGTERM stops it cleanly with exit 0', async (t) => {
  const redis = await startRedis(t);
  const port = await freePort();
  const child = spawn(process.execPath, [example.pathname], {
    env: { ...process.env, CACHE_URL: redis.url, WORKERS: '2', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.teardown(() => child.kill('SIGKILL'));
  const lines: string[] = [];
  const exited = once(child, 'exit');
  const listening = new Promise<void>((resolve) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      if (line.startsWith('listening on')) resolve();
    });
  });
  await listening;

  const answers = await Promise.all([0, 1].map(() => get(port, '/price/abc', false)));
  const bodies = answers.map((a) => (a.kind === 'response' && a.status === 200 ? JSON.parse(a.body) as { servedBy: number; cents: number; computedBy: number } : t.fail()));
  t.deepEqual(bodies.map((b) => b!.servedBy).sort(), [1, 2], 'one request per worker');
  t.is(bodies[0]!.cents, 399);
  t.is(bodies[0]!.computedBy, bodies[1]!.computedBy, 'computed once, by one worker, for both');

  child.kill('SIGTERM');
  const [code] = await exited;
  t.is(code, 0);
  t.true(lines.some((l) => /^worker 1 \(pid \d+\): \d+ OS threads$/.test(l)));
  t.true(lines.includes('shutting down (SIGTERM): port closed, workers draining'));
  t.regex(lines.at(-1) ?? '', /^stopped cleanly after \d+ connections$/);
});
