import test from 'ava';
import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import fastify from 'fastify';
import { Writable } from 'node:stream';
import { createContainer, provide, token } from '../../src/index.js';
import { FastifyRequestToken, createApp, loopsafePlugin, route } from '../../src/fastify/index.js';
import { connect } from 'node:net';
import { get, listen, signal, type Outcome } from '../helpers/http.js';
import { rawClient } from '../helpers/sockets.js';

/** Resolves once the port refuses TCP connections, that is once the drain has begun and the listener is closed. */
async function refused(port: number): Promise<void> {
  for (;;) {
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (!accepted) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

interface Db {
  closed: boolean;
}
const Db = token<Db>('Db');
const Unit = token<{ id: number }>('Unit');

/** An app whose /work?ms=N route holds a request-scoped Unit and the Db singleton for N ms. */
async function workApp(options: { timeout?: number; idleGrace?: number; log?: Writable; entered?: () => void; gate?: Promise<void> } = {}) {
  const events: string[] = [];
  let made = 0;
  const disposed = new Map<number, number>();
  const work = route({
    method: 'GET',
    url: '/work',
    inject: [Unit, Db],
    handler: async ([unit, db], request) => {
      const ms = (request.query as { ms?: string }).ms;
      if (ms !== undefined) {
        // Only timed requests are counted and gated; a plain /work answers at once.
        options.entered?.();
        await options.gate;
        await new Promise((resolve) => setTimeout(resolve, Number(ms)));
      }
      // NestJS closes providers before the server: a request still in flight here would find Db closed.
      if (db.closed) events.push(`unit ${unit.id} saw a closed Db`);
      return { id: unit.id };
    },
  });
  const app = await createApp({
    providers: [
      provide(Db, { eager: true, useFactory: () => ({ closed: false }), dispose: (db) => {
        db.closed = true;
        events.push('Db disposed');
      } }),
      provide(Unit, { lifetime: 'request', inject: [FastifyRequestToken], useFactory: () => ({ id: ++made }), dispose: (unit) => {
        disposed.set(unit.id, (disposed.get(unit.id) ?? 0) + 1);
        events.push('Unit disposed');
      } }),
    ],
    routes: [work],
    shutdown: { signals: [], ...(options.timeout === undefined ? {} : { timeout: options.timeout }), ...(options.idleGrace === undefined ? {} : { idleGrace: options.idleGrace }) },
    ...(options.log === undefined ? {} : { fastify: { logger: { level: 'error', stream: options.log } } }),
  });
  return { app, events, disposed, made: () => made };
}

/** Wait until `n` handlers have started. */
function counter(n: number) {
  const all = signal();
  let seen = 0;
  return { entered: () => ++seen === n && all.resolve(), all: all.promise };
}

for (const keepAlive of [true, false]) {
  test(`app.close() lets every in-flight request finish with 200 before scopes, then singletons, are disposed (keep-alive ${keepAlive ? 'on' : 'off'})`, async (t) => {
    const started = counter(4);
    const gate = signal();
    const { app, events, disposed, made } = await workApp({ entered: started.entered, gate: gate.promise });
    t.teardown(() => app.close());
    const port = await listen(app);
    const agent = new http.Agent({ keepAlive, maxSockets: 4 });
    t.teardown(() => agent.destroy());
    const inflight = [50, 80, 120, 200].map((ms) => get(port, `/work?ms=${ms}`, agent));
    await started.all;
    const closed = app.close();
    await refused(port); // the drain has begun; only now let the handlers finish
    gate.resolve();
    await closed;
    const outcomes = await Promise.all(inflight);
    t.deepEqual(outcomes.map((o) => o.status), [200, 200, 200, 200]);
    t.deepEqual(outcomes.map((o) => o.connection), ['close', 'close', 'close', 'close'], 'responses finished during the drain close the connection');
    t.is(events.filter((e) => e === 'Unit disposed').length, 4);
    t.is(events.at(-1), 'Db disposed', 'singletons go last');
    t.false(events.some((e) => e.includes('closed Db')));
    t.is(disposed.size, made());
    t.true([...disposed.values()].every((n) => n === 1), 'every disposer ran once');
    const after = await get(port, '/work', false);
    t.is(after.error, 'ECONNREFUSED', 'new connections are refused once the listener is closed');
  });
}

test('app.close() closes keep-alive connections the client leaves idle, so it does not wait for them', async (t) => {
  const { app, events } = await workApp();
  t.teardown(() => app.close());
  const port = await listen(app);
  // Node's default agent keeps idle sockets open; hold two of them.
  const agent = new http.Agent({ keepAlive: true });
  t.teardown(() => agent.destroy());
  await Promise.all([get(port, '/work', agent), get(port, '/work', agent)]);
  const idle = Object.values(agent.freeSockets).flat();
  t.is(idle.length, 2);
  const closedSockets = Promise.all(idle.map((s) => new Promise((resolve) => s!.once('close', resolve))));
  await app.close();
  await closedSockets;
  t.is(events.at(-1), 'Db disposed');
});

test('a request sent on an idle keep-alive connection just as the drain starts is answered 200 with Connection: close, not reset', async (t) => {
  const started = counter(1);
  const gate = signal();
  const { app } = await workApp({ entered: started.entered, gate: gate.promise, idleGrace: 60_000 });
  t.teardown(() => app.close());
  const port = await listen(app);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => agent.destroy());
  const warm = await get(port, '/work', agent); // leaves one idle keep-alive socket in the agent
  t.is(warm.connection, 'keep-alive');
  const busy = get(port, '/work?ms=1', false); // keeps the drain open until the gate opens
  await started.all;
  const closed = app.close();
  await refused(port);
  const late = await get(port, '/work', agent); // reuses the idle socket after the listener closed
  gate.resolve();
  await closed;
  t.is((await busy).status, 200);
  t.deepEqual([late.status, late.connection, late.reused], [200, 'close', true]);
});

test('with a steady keep-alive stream and app.close() mid-stream: no 503, no reset, every accepted request answered 200', async (t) => {
  // A longer idle grace than the default, so a client starved of CPU on a busy CI machine still reuses its socket in time.
  const { app, disposed, made } = await workApp({ idleGrace: 1000 });
  t.teardown(() => app.close());
  const port = await listen(app);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 6 });
  t.teardown(() => agent.destroy());
  const outcomes: Outcome[] = [];
  const enough = signal();
  const loop = async (i: number) => {
    for (let n = 0; ; n++) {
      const outcome = await get(port, `/work?ms=${(i * 7 + n * 13) % 40}`, agent);
      outcomes.push(outcome);
      if (outcomes.length === 60) enough.resolve();
      if (outcome.error !== undefined) return;
    }
  };
  const loops = Promise.all([0, 1, 2, 3, 4, 5].map(loop));
  await enough.promise;
  await app.close();
  await loops;
  const answered = outcomes.filter((o) => o.status !== undefined);
  const failed = outcomes.filter((o) => o.status === undefined);
  t.true(answered.every((o) => o.status === 200), JSON.stringify(answered.filter((o) => o.status !== 200)));
  t.true(failed.every((o) => o.error === 'ECONNREFUSED' && o.reused === false), JSON.stringify(failed));
  t.is(failed.length, 6, 'each client loop ends on a refused new connection');
  t.is(disposed.size, made());
  t.true([...disposed.values()].every((n) => n === 1));
});

test('when in-flight requests outlast the shutdown timeout, their connections are cut and what was running is logged', async (t) => {
  const lines: string[] = [];
  const log = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const started = counter(1);
  const { app, events } = await workApp({ timeout: 150, log, entered: started.entered });
  t.teardown(() => app.close());
  const port = await listen(app);
  const hung = get(port, '/work?ms=5000', false);
  await started.all;
  await app.close();
  t.truthy((await hung).error, 'the cut request fails on the client');
  const forced = lines.map((l) => JSON.parse(l) as { err?: { code?: string; running?: string[] } }).find((l) => l.err?.code === 'LOOPSAFE_ERR_FASTIFY_SHUTDOWN_FORCED');
  t.deepEqual(forced?.err?.running, ['GET /work?ms=5000']);
  t.is(events.at(-1), 'Db disposed');
});

test('a handler still running after its client aborted keeps its scope, and app.close() waits for it before disposing singletons', async (t) => {
  const events: string[] = [];
  const Db = token<{ closed: boolean }>('Db');
  const Step = token<{ closed: boolean }>('Step');
  const entered = signal();
  const gate = signal();
  const finished = signal();
  const app = await createApp({
    providers: [
      provide(Db, { useFactory: () => ({ closed: false }), dispose: (db) => {
        db.closed = true;
        events.push('Db disposed');
      } }),
      provide(Step, { lifetime: 'request', useFactory: () => ({ closed: false }), dispose: (step) => {
        step.closed = true;
        events.push('Step disposed');
      } }),
    ],
    routes: [route({
      method: 'GET',
      url: '/long',
      inject: [Step, Db],
      handler: async ([step, db]) => {
        entered.resolve();
        await gate.promise;
        events.push(`handler resumed: step closed ${step.closed}, db closed ${db.closed}`);
        finished.resolve();
        return 'late';
      },
    })],
    shutdown: { signals: [] },
  });
  t.teardown(() => app.close());
  const port = await listen(app);
  const req = http.get({ host: '127.0.0.1', port, path: '/long', agent: false });
  req.on('error', () => {});
  await entered.promise;
  req.destroy(); // the client goes away while the handler awaits
  const closed = app.close();
  await refused(port);
  gate.resolve();
  await finished.promise;
  await closed;
  t.deepEqual(events, ['handler resumed: step closed false, db closed false', 'Step disposed', 'Db disposed']);
});

/** The forced-shutdown error logged by an app whose log goes to `lines`, if any. */
function forcedIn(lines: string[]): unknown {
  return lines.map((l) => JSON.parse(l) as { err?: { code?: string } }).find((l) => l.err?.code === 'LOOPSAFE_ERR_FASTIFY_SHUTDOWN_FORCED');
}

function logTo(lines: string[]): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
}

test('app.close() closes connections that carry no request (silent, or half a header) without waiting for the timeout', async (t) => {
  const lines: string[] = [];
  const started = counter(1);
  const { app, events } = await workApp({ log: logTo(lines), entered: started.entered });
  t.teardown(() => app.close());
  const port = await listen(app);
  const silent = await rawClient(port);
  const partial = await rawClient(port, 'GET /work HTTP/1.1\r\nHost: x\r\nX-Half: ');
  const inflight = get(port, '/work?ms=200', false);
  await started.all;
  await app.close();
  await Promise.all([silent.closed, partial.closed]);
  t.is((await inflight).status, 200);
  t.is(forcedIn(lines), undefined, 'nothing was cut by the timeout');
  t.is(events.at(-1), 'Db disposed');
});

test('the loopsafe plugin installs no process listener and never exits the process: app.close() only drains', async (t) => {
  const events = ['SIGTERM', 'SIGINT', 'uncaughtException', 'unhandledRejection', 'beforeExit'] as const;
  const before = events.map((e) => process.listenerCount(e));
  const app = fastify({ return503OnClosing: false });
  await app.register(loopsafePlugin, { container: createContainer({ providers: [] }), shutdown: { timeout: 1000 } });
  await app.ready();
  t.deepEqual(events.map((e) => process.listenerCount(e)), before);
  await app.close();
  t.deepEqual(events.map((e) => process.listenerCount(e)), before);
  const refused = await t.throwsAsync(fastify().register(loopsafePlugin, { container: createContainer({ providers: [] }), shutdown: { signals: ['SIGTERM'] } as never }).ready());
  t.is((refused as { code?: string }).code, 'LOOPSAFE_ERR_OPTION_INVALID', 'signals belong to createApp');
});

/** A throwaway self-signed certificate, made with the openssl CLI. */
function selfSigned(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'loopsafe-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One HTTPS GET that never rejects. */
function httpsGet(port: number, path: string, agent: https.Agent | false): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = https.get({ host: '127.0.0.1', port, path, agent, rejectUnauthorized: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body, reused: req.reusedSocket }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
  });
}

test('HTTPS: app.close() lets the in-flight request finish, and closes idle keep-alive, handshake-less and request-less TLS connections at once', async (t) => {
  const lines: string[] = [];
  const started = counter(1);
  const events: string[] = [];
  // The plugin on an https fastify instance: createApp's options are typed for plain HTTP.
  const app = fastify({ https: selfSigned(), return503OnClosing: false, logger: { level: 'error', stream: logTo(lines) } });
  await app.register(loopsafePlugin, {
    container: createContainer({ providers: [provide(Db, { useFactory: () => ({ closed: false }), dispose: () => void events.push('Db disposed') })] }),
    routes: [route({
      method: 'GET', url: '/work', inject: [Db],
      handler: async (_deps, request) => {
        const ms = (request.query as { ms?: string }).ms;
        if (ms !== undefined) {
          started.entered();
          await new Promise((resolve) => setTimeout(resolve, Number(ms)));
        }
        return { ok: true };
      },
    })],
  });
  t.teardown(() => app.close());
  const port = await listen(app);
  const agent = new https.Agent({ keepAlive: true });
  t.teardown(() => agent.destroy());
  t.is((await httpsGet(port, '/work', agent)).status, 200);
  const idle = Object.values(agent.freeSockets).flat()[0]!;
  const idleClosed = new Promise((resolve) => idle.once('close', resolve));
  const noHandshake = await rawClient(port); // TCP only: the TLS handshake never starts
  const noRequest = await new Promise<TLSSocket>((resolve) => {
    const socket: TLSSocket = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => resolve(socket));
  });
  noRequest.on('error', () => {});
  const noRequestClosed = new Promise((resolve) => noRequest.once('close', resolve));
  const inflight = httpsGet(port, '/work?ms=300', false);
  await started.all;
  await app.close();
  await Promise.all([idleClosed, noHandshake.closed, noRequestClosed]);
  t.deepEqual(await inflight.then((o) => [o.status, o.connection]), [200, 'close']);
  t.is(forcedIn(lines), undefined, 'nothing was cut by the timeout');
  t.deepEqual(events, ['Db disposed']);
});

test('a handler still running after its client went away is bounded by the timeout: app.close() goes on and disposes the singletons', async (t) => {
  const lines: string[] = [];
  const started = counter(1);
  const { app, events } = await workApp({ timeout: 200, log: logTo(lines), entered: started.entered, gate: new Promise(() => {}) });
  t.teardown(() => app.close());
  const port = await listen(app);
  const req = http.get({ host: '127.0.0.1', port, path: '/work?ms=1', agent: false });
  req.on('error', () => {});
  await started.all;
  req.destroy(); // every connection is closed now; the handler never returns
  await app.close();
  t.truthy(forcedIn(lines), 'the timeout cut the wait and said so');
  t.is(events.at(-1), 'Db disposed');
});

test('an idle keep-alive connection does not keep its last request alive: the request and what its scope built are collected before the next request', async (t) => {
  const script = fileURLToPath(new URL('../fixtures/retention-app.js', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', script]);
  t.deepEqual(JSON.parse(stdout), { status: 200, collected: ['fastify request', 'request-scoped instance'], connectionOpen: true });
});
