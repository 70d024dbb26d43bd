import test from 'ava';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { get } from '../helpers/http.js';
import { startChild } from '../helpers/child.js';
import { rawClient, statusOf } from '../helpers/sockets.js';

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

/** The forced-shutdown log line, if any. */
function forcedLine(lines: Record<string, unknown>[]): { running: string[]; connections: { remote: string; state: string; requests: string[] }[] } | undefined {
  const line = lines.find((l) => (l['err'] as { code?: string } | undefined)?.code === 'LOOPSAFE_ERR_FASTIFY_SHUTDOWN_FORCED');
  return line?.['err'] as ReturnType<typeof forcedLine>;
}

test('SIGTERM closes connections that carry no request (silent, or half a header) at once: exit 0 once the in-flight request is done, nothing forced', async (t) => {
  const { child, port } = await start(t);
  const silent = await rawClient(port);
  const partial = await rawClient(port, 'GET /slow HTTP/1.1\r\nHost: x\r\nX-Half: ');
  const inflight = get(port, '/slow?ms=300');
  await child.waitFor((l) => l['msg'] === 'entered');
  child.process.kill('SIGTERM');
  t.is(await child.exited, 0, 'the default 10 s timeout was not waited out');
  t.is((await inflight).status, 200);
  await Promise.all([silent.closed, partial.closed]);
  t.is(silent.received(), '', 'the silent connection was closed without a response');
  t.is(forcedLine(child.lines), undefined);
});

/** Resolves once /proc says the process is stopped. */
async function stopped(pid: number): Promise<void> {
  for (;;) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('T')) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

test('connections queued in the kernel while the process was busy at SIGTERM are all served, not reset', async (t) => {
  const { child, port } = await start(t);
  const pid = child.process.pid!;
  child.process.kill('SIGSTOP');
  t.teardown(() => void child.process.kill('SIGCONT'));
  await stopped(pid);
  // The kernel completes these handshakes and buffers the requests; the stopped process has accepted none.
  const clients = await Promise.all(Array.from({ length: 8 }, (_, i) => rawClient(port, `GET /slow?ms=${i} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)));
  child.process.kill('SIGTERM');
  child.process.kill('SIGCONT');
  t.is(await child.exited, 0);
  await Promise.all(clients.map((c) => c.closed));
  t.deepEqual(clients.map((c) => statusOf(c.received())), [200, 200, 200, 200, 200, 200, 200, 200]);
});

test('the readiness route answers 200 while serving and 503 from SIGTERM on; during the delay new connections are still served, with Connection: close', async (t) => {
  const { child, port } = await start(t, { READINESS: '/ready', DELAY: '3000' });
  const before = await get(port, '/ready');
  t.deepEqual([before.status, JSON.parse(before.body ?? '{}')], [200, { status: 'ready' }]);
  child.process.kill('SIGTERM');
  await child.waitFor((l) => l['signal'] === 'SIGTERM');
  const [ready, served] = await Promise.all([get(port, '/ready'), get(port, '/slow?ms=0')]);
  t.deepEqual([ready.status, JSON.parse(ready.body ?? '{}')], [503, { status: 'draining' }]);
  t.deepEqual([served.status, served.connection], [200, 'close'], 'a new connection during the delay is served');
  t.is(await child.exited, 0);
  t.is((await get(port, '/ready')).error, 'ECONNREFUSED');
});

test('an uncaught exception is logged, in-flight requests are drained, and the process exits 1', async (t) => {
  const { child, port } = await start(t);
  const inflight = get(port, '/slow?ms=500');
  await child.waitFor((l) => l['msg'] === 'entered');
  t.is((await get(port, '/throw?ms=0')).status, 200);
  t.is(await child.exited, 1);
  t.is((await inflight).status, 200, 'the request in flight when the exception was thrown finished');
  t.true(child.lines.some((l) => (l['err'] as { message?: string } | undefined)?.message === 'thrown outside any request'));
});

test('a forced shutdown logs every open connection with its client address and state, and each running request', async (t) => {
  const { child, port } = await start(t, { SHUTDOWN_TIMEOUT: '300', IDLE_GRACE: '60000' });
  const silent = await rawClient(port);
  const partial = await rawClient(port, 'GET /slow HTTP/1.1\r\nHost: x\r\n');
  const idle = await rawClient(port, 'GET /slow?ms=0 HTTP/1.1\r\nHost: x\r\n\r\n');
  await child.waitFor((l) => l['msg'] === 'entered' && (l as { entered?: string }).entered === '/slow?ms=0');
  const active = await rawClient(port, 'GET /slow?ms=30000 HTTP/1.1\r\nHost: x\r\n\r\n');
  await child.waitFor((l) => l['msg'] === 'entered' && (l as { entered?: string }).entered === '/slow?ms=30000');
  while (statusOf(idle.received()) === undefined) await new Promise((resolve) => idle.socket.once('data', resolve));
  child.process.kill('SIGTERM');
  t.is(await child.exited, 1);
  const forced = forcedLine(child.lines);
  t.deepEqual(forced?.running, ['GET /slow?ms=30000']);
  const byPort = new Map(forced?.connections.map((c) => [c.remote, c]));
  const at = (c: { localPort: number }) => byPort.get(`127.0.0.1:${c.localPort}`);
  t.deepEqual([at(silent)?.state, at(partial)?.state, at(idle)?.state, at(active)?.state], ['silent', 'partial', 'idle', 'active']);
  t.deepEqual(at(active)?.requests, ['GET /slow?ms=30000']);
});

test('a forced report tells connections at rest apart by what they read after their last response: bodies of any framing are idle, half a next request is partial', async (t) => {
  const { child, port } = await start(t, { SHUTDOWN_TIMEOUT: '300', IDLE_GRACE: '60000' });
  const answered = async (client: Awaited<ReturnType<typeof rawClient>>) => {
    while (statusOf(client.received()) === undefined) await new Promise((resolve) => client.socket.once('data', resolve));
    return client;
  };
  // Served before the signal, so the drain learns only at its start that these responses are done. Each body is sent
  // once the server has the request's headers, so it is read after the request arrived.
  const withBody = async (tag: string, framing: string, body: string) => {
    const client = await rawClient(port, `POST /echo?tag=${tag} HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n${framing}\r\n\r\n`);
    await child.waitFor((l) => (l['req'] as { url?: string } | undefined)?.url === `/echo?tag=${tag}`);
    client.socket.write(body);
    return answered(client);
  };
  const sized = await withBody('sized', 'Content-Length: 5', 'hello');
  const chunked = await withBody('chunked', 'Transfer-Encoding: chunked', '5\r\nhello\r\n0\r\n\r\n');
  const halfNext = await answered(await rawClient(port, 'GET /slow?ms=0 HTTP/1.1\r\nHost: x\r\n\r\n'));
  await new Promise<void>((resolve) => halfNext.socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n', () => resolve()));
  const active = await rawClient(port, 'GET /slow?ms=30000 HTTP/1.1\r\nHost: x\r\n\r\n');
  await child.waitFor((l) => l['msg'] === 'entered' && (l as { entered?: string }).entered === '/slow?ms=30000');
  child.process.kill('SIGTERM');
  t.is(await child.exited, 1);
  const byPort = new Map(forcedLine(child.lines)?.connections.map((c) => [c.remote, c]));
  const at = (c: { localPort: number }) => byPort.get(`127.0.0.1:${c.localPort}`)?.state;
  t.deepEqual([at(sized), at(chunked), at(halfNext), at(active)], ['idle', 'idle', 'partial', 'active']);
});

const pipelined = (paths: string[]): string => paths.map((path) => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`).join('');
const statuses = (text: string): string[] => text.match(/HTTP\/1\.1 \d{3}/g) ?? []; // bodies end with no newline

for (const [last, lastMs] of [['still running', 500], ['already answered, queued behind the second', 0]] as const) {
  test(`SIGTERM with three requests pipelined on one connection, the first answered, the second running and the third ${last}: all three are answered, then the connection closes`, async (t) => {
    const { child, port } = await start(t);
    const client = await rawClient(port, pipelined(['/slow?ms=0&n=1', '/slow?ms=400&n=2', `/slow?ms=${lastMs}&n=3`]));
    await child.waitFor((l) => l['msg'] === 'entered' && (l as { entered?: string }).entered === `/slow?ms=${lastMs}&n=3`);
    // The first response is written by now: the drain learns it is done only when it starts.
    while (statuses(client.received()).length === 0) await new Promise((resolve) => client.socket.once('data', resolve));
    child.process.kill('SIGTERM');
    await client.closed;
    t.deepEqual(statuses(client.received()), ['HTTP/1.1 200', 'HTTP/1.1 200', 'HTTP/1.1 200']);
    const [, , second, third] = client.received().split('HTTP/1.1 200');
    t.notRegex(second!, /connection: close/i, 'the second says nothing of closing: a response that did would end the connection before the third');
    if (lastMs > 0) t.regex(third!, /connection: close/i, 'the last response not yet started says the connection closes');
    t.is(await child.exited, 0);
  });
}

test('requests pipelined on a connection opened during the serving delay are all answered, the latest saying the connection closes', async (t) => {
  const { child, port } = await start(t, { DELAY: '1500' });
  child.process.kill('SIGTERM');
  await child.waitFor((l) => String(l['msg']).includes('SIGTERM received'));
  // Each request gets Connection: close as it arrives; the second takes it from the first, whose headers wait.
  const client = await rawClient(port, pipelined(['/slow?ms=300&n=1', '/slow?ms=0&n=2']));
  while (statuses(client.received()).length < 2) await new Promise((resolve) => client.socket.once('data', resolve));
  const [, first, second] = client.received().split('HTTP/1.1 200');
  t.notRegex(first!, /connection: close/i);
  t.regex(second!, /connection: close/i);
  await client.closed;
  t.is(await child.exited, 0);
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
