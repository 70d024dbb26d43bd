import test from 'ava';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { startPrimary } from '../helpers/cluster.js';
import { getRetryingStaleSocket, type Outcome } from '../helpers/requests.js';
import { rawClient, statusOf } from '../helpers/sockets.js';

/** Try a new TCP connection: the error code, or 'connected'. */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/** A raw keep-alive client: one request, then it holds the idle socket open. Resolves 'closed' when the server closes it. */
function idleKeepAliveSocket(port: number): Promise<{ served: Promise<void>; closed: Promise<'closed'> }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.write('GET /hello HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
    });
    socket.once('error', reject);
    const closed = new Promise<'closed'>((r) => socket.once('close', () => r('closed')));
    const served = new Promise<void>((r) => socket.once('data', () => r()));
    socket.resume();
    resolve({ served, closed });
  });
}

test.serial('SIGTERM under steady load: every accepted request gets its 200, no 503, nothing hangs, idle keep-alive sockets are closed, later connections are refused, exit 0', async (t) => {
  const primary = await startPrimary(t, 'app', 2);
  const { port } = primary;
  const keepAlive = new Agent({ keepAlive: true, maxSockets: 4 });
  t.teardown(() => keepAlive.destroy());

  const outcomes: { outcome: Outcome; at: number; retried: boolean; path: string; agent: boolean }[] = [];
  let stop = false;
  let served = 0;
  let enough!: () => void;
  const warmedUp = new Promise<void>((resolve) => (enough = resolve));
  // A client loop runs until the server refuses it: then the listener is closed and there is nothing more to send.
  const loop = async (path: string, agent: Agent | false): Promise<void> => {
    while (!stop) {
      const r = await getRetryingStaleSocket(port, path, agent);
      outcomes.push({ ...r, at: Date.now(), path, agent: agent !== false });
      if (r.outcome.kind === 'response' && ++served === 60) enough();
      if (r.outcome.kind === 'error') return;
    }
  };
  const idle = await idleKeepAliveSocket(port);
  await idle.served;
  const loops = [
    loop('/hello', keepAlive), loop('/hello', keepAlive), loop('/hello', false), loop('/hello', false),
    loop('/slow?ms=400', keepAlive), loop('/slow?ms=250', false),
  ];
  await warmedUp;

  primary.child.kill('SIGTERM');
  const shutdown = await primary.event('shutdown');
  // The listener is closed before the workers are told to drain, while slow requests are still being answered.
  t.is(await tryConnect(port), 'ECONNREFUSED');
  const code = await primary.exited;
  stop = true;
  await Promise.all(loops);

  t.is(code, 0, primary.stderr());
  t.is(await Promise.race([idle.closed, Promise.resolve('still open')]), 'closed', 'the idle keep-alive socket was closed by the server');
  const stopped = await primary.event('stopped');
  const responses = outcomes.filter((o) => o.outcome.kind === 'response');
  const errors = outcomes.filter((o) => o.outcome.kind === 'error');
  t.true(responses.length > 60);
  t.deepEqual(responses.filter((o) => o.outcome.kind === 'response' && o.outcome.status !== 200), [], 'no 503 or other non-200');
  const drained = responses.filter((o) => o.at >= shutdown.at);
  t.true(drained.length > 0, 'requests in flight at SIGTERM were answered');

  // Connections that complete their handshake while the port closes sit in the kernel's listen backlog, never
  // accepted by anyone; the kernel resets them. Those are the only resets allowed, and the accounting proves they
  // were not accepted: every connection the primary did accept is one the clients got a response on.
  const backlogResets = errors.filter((o) => o.outcome.kind === 'error' && o.outcome.code === 'ECONNRESET' && !o.outcome.reusedSocket);
  t.deepEqual(errors.filter((o) => o.outcome.kind === 'error' && o.outcome.code !== 'ECONNREFUSED' && !backlogResets.includes(o)), [],
    'no hang, no hang-up, no reset of an accepted connection');
  // (Timestamps come from two processes; a refusal may be stamped a millisecond before the primary stamps its event.)
  t.deepEqual(errors.filter((o) => o.at < shutdown.at - 5), [], 'nothing failed before shutdown began');
  const connected = outcomes.filter((o) => o.outcome.connected).length + 1; // + the idle keep-alive socket
  const connectedThenReset = backlogResets.filter((o) => o.outcome.connected).length;
  t.is(connected - connectedThenReset, stopped.connections as number, 'every accepted connection was served');
  t.log(`${responses.length} responses (${drained.length} during the drain), ${errors.length - backlogResets.length} refused, ` +
    `${backlogResets.length} reset in the listen backlog, ${outcomes.filter((o) => o.retried).length} stale keep-alive retries`);
});

test.serial('4 workers each holding a 2 s request all drain: every held request is answered, new connections are refused, exit 0', async (t) => {
  const primary = await startPrimary(t, 'app', 4);
  // Fresh connections are handed out round robin, so each of the 4 workers holds one request.
  const held = [0, 1, 2, 3].map(() => hold(primary.port, '/held?ms=2000'));
  // /held sends its headers at once and its body 2 s later: once every client has headers, all 4 are in flight.
  await Promise.all(held.map((h) => h.started));
  const signalled = Date.now();
  primary.child.kill('SIGTERM');
  await primary.event('shutdown');
  t.is(await tryConnect(primary.port), 'ECONNREFUSED', 'refused while the workers drain');
  const code = await primary.exited;
  const elapsed = Date.now() - signalled;
  const bodies = await Promise.all(held.map((h) => h.done));
  t.is(code, 0, primary.stderr());
  t.deepEqual(bodies.map((b) => b.status), [200, 200, 200, 200]);
  t.is(new Set(bodies.map((b) => (JSON.parse(b.body) as { pid: number }).pid)).size, 4, 'one held request per worker');
  // How long the drain takes (parallel: about one held request, not four) is measured by `npm run bench:cluster`,
  // not asserted here: a wall-clock bound fails on a loaded machine and proves nothing on a fast one.
  t.log(`shutdown took ${elapsed} ms`);
});

/** A GET whose headers arrive first (`started`) and whose body arrives later (`done`). */
function hold(port: number, path: string): { started: Promise<void>; done: Promise<{ status: number; body: string }> } {
  let started!: () => void;
  const startedP = new Promise<void>((resolve) => (started = resolve));
  const done = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      started();
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
  return { started: startedP, done };
}

test.serial('a worker built by createApp() with default options leaves signals to the cluster; 4 workers close silent, partial and idle connections at once and exit 0', async (t) => {
  const primary = await startPrimary(t, 'owned-app', 4);
  const { port } = primary;
  const target = (await primary.event('worker-ready')).pid as number;
  process.kill(target, 'SIGTERM'); // the worker's own createApp must not act on it: only the primary decides
  const pids: number[] = [];
  for (let i = 0; i < 8; i++) {
    const { outcome } = await getRetryingStaleSocket(port, '/hello', false);
    if (outcome.kind === 'response') pids.push((JSON.parse(outcome.body) as { pid: number }).pid);
  }
  t.is(pids.length, 8);
  t.true(pids.includes(target), 'the signalled worker still serves');

  // Fresh connections go round robin, so these land on every worker.
  const silent = await Promise.all([0, 1, 2, 3].map(() => rawClient(port)));
  const partial = await Promise.all([0, 1, 2, 3].map(() => rawClient(port, 'GET /hello HTTP/1.1\r\nHost: x\r\nX-Half: ')));
  const idle = await rawClient(port, 'GET /hello HTTP/1.1\r\nHost: x\r\n\r\n');
  while (statusOf(idle.received()) === undefined) await new Promise((resolve) => idle.socket.once('data', resolve));
  const inflight = hold(port, '/held?ms=500');
  await inflight.started;
  primary.child.kill('SIGTERM');
  t.is(await primary.exited, 0, primary.stderr());
  await Promise.all([...silent, ...partial, idle].map((c) => c.closed));
  t.is((await inflight.done).status, 200);
  t.deepEqual(primary.events.filter((e) => e.type === 'worker-restart'), []);
  t.true(primary.events.filter((e) => e.type === 'worker-exit').every((e) => e.expected === true && e.code === 0));
});
