import test from 'ava';
import { fileURLToPath } from 'node:url';
import { get } from '../helpers/http.js';
import { startChild } from '../helpers/child.js';

const script = fileURLToPath(new URL('../fixtures/signal-app.js', import.meta.url));

async function start(t: { teardown: (fn: () => void) => void }, env: Record<string, string> = {}) {
  const child = startChild(script, env, (fn) => t.teardown(fn));
  const { port } = (await child.waitFor((l) => l['msg'] === 'listening')) as { port: number };
  return { child, port };
}

for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  test(`${sig}: in-flight requests finish with 200, scopes then singletons are disposed, exit code 0`, async (t) => {
    const { child, port } = await start(t);
    const inflight = [100, 250].map((ms) => get(port, `/slow?ms=${ms}`));
    await child.waitFor((l) => l['msg'] === 'entered' && String((l as { entered?: string }).entered).includes('250'));
    child.process.kill(sig);
    const outcomes = await Promise.all(inflight);
    t.deepEqual(outcomes.map((o) => o.status), [200, 200]);
    t.is(await child.exited, 0);
    const db = child.lines.find((l) => l['msg'] === 'db disposed') as { disposedUnits: number } | undefined;
    t.is(db?.disposedUnits, 2, 'both request scopes were disposed before the Db singleton');
  });
}

test('a second signal forces exit with code 1 and logs what was still running', async (t) => {
  const { child, port } = await start(t);
  const hung = get(port, '/slow?ms=30000');
  await child.waitFor((l) => l['msg'] === 'entered');
  child.process.kill('SIGTERM');
  await child.waitFor((l) => l['signal'] === 'SIGTERM');
  child.process.kill('SIGTERM');
  t.is(await child.exited, 1);
  t.truthy((await hung).error);
  const forced = child.lines.find((l) => (l['err'] as { code?: string } | undefined)?.code === 'LOOPSAFE_ERR_FASTIFY_SHUTDOWN_FORCED');
  t.deepEqual((forced?.['err'] as { running?: string[] } | undefined)?.running, ['GET /slow?ms=30000']);
});

test('the shutdown timeout forces exit with code 1 and logs what was still running', async (t) => {
  const { child, port } = await start(t, { SHUTDOWN_TIMEOUT: '200' });
  const hung = get(port, '/slow?ms=30000');
  await child.waitFor((l) => l['msg'] === 'entered');
  child.process.kill('SIGTERM');
  t.is(await child.exited, 1);
  t.truthy((await hung).error);
  t.true(child.lines.some((l) => (l['err'] as { code?: string } | undefined)?.code === 'LOOPSAFE_ERR_FASTIFY_SHUTDOWN_FORCED'));
});
