import test from 'ava';
import http from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startChild } from '../helpers/child.js';
import { get } from '../helpers/http.js';

const main = fileURLToPath(new URL('../../examples/users-api/main.js', import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function send(port: number, method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({ host: '127.0.0.1', port, path, method, headers: payload === undefined ? {} : { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

test('the users API example serves real HTTP requests in both styles and shuts down cleanly on SIGTERM', async (t) => {
  const port = await freePort();
  const child = startChild(main, { PORT: String(port) }, (fn) => t.teardown(fn));
  const listening = await child.waitFor((l) => typeof l['url'] === 'string');
  t.is(listening['url'], `http://127.0.0.1:${port}`);

  t.deepEqual(JSON.parse((await send(port, 'GET', '/users')).body), [{ id: 1, name: 'Ada Lovelace' }, { id: 2, name: 'Alan Turing' }]);
  const created = await send(port, 'POST', '/users', { name: 'Grace Hopper' });
  t.is(created.status, 201);
  t.deepEqual(JSON.parse(created.body), { id: 3, name: 'Grace Hopper' });
  t.is((await send(port, 'POST', '/users', { name: '' })).status, 400);
  t.deepEqual(JSON.parse((await send(port, 'GET', '/users/3')).body), { id: 3, name: 'Grace Hopper' });
  t.is((await send(port, 'GET', '/users/9')).status, 404);
  t.is((await send(port, 'DELETE', '/users/1')).status, 204);
  t.is((await send(port, 'DELETE', '/users/1')).status, 404);
  t.deepEqual(JSON.parse((await send(port, 'GET', '/health')).body), { ok: true, users: 2 });

  // A request in flight when SIGTERM arrives still completes, on a repository that is not yet closed.
  const slow = get(port, '/slow?ms=300');
  await child.waitFor((l) => (l['req'] as { url?: string } | undefined)?.url === '/slow?ms=300');
  child.process.kill('SIGTERM');
  const outcome = await slow;
  t.is(outcome.status, 200);
  t.deepEqual(JSON.parse(outcome.body!), { ok: true });
  t.is(await child.exited, 0);
  t.true(child.lines.some((l) => l['msg'] === 'loopsafe: shutdown complete'));
});
