// The accept-queue case: load runs (4 keep-alive clients, 4 clients opening a new connection per request), then
// the server's event loop is blocked (SIGUSR2: the process that owns the port, the primary under a cluster), SIGTERM
// arrives during the block, and 20 clients connect and send a full GET (the kernel queues them, and the load's
// requests, behind the block); then the block ends. Counts what the 20 queued clients and the load requests sent
// after the signal saw, and whether a connection after the process exited was refused.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { queuedClient, tryConnect } from '../../test/helpers/queued.js';

/** One server to run: a node script, its arguments and environment. */
export interface QueuedTarget {
  readonly script: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

/** What one run saw. */
export interface QueuedResult {
  /** Of the 20 queued clients: a complete 200, a reset (or close without a complete response). */
  queuedAnswered: number;
  queuedReset: number;
  /** Load requests sent after SIGTERM: 200 (any complete response), reset or closed unanswered, refused. */
  loadAnswered: number;
  loadReset: number;
  loadRefused: number;
  /** A new connection once the server exited: 1 if refused. */
  refusedAfter: number;
  exit: number | string;
}

const QUEUED = 20;

function loadRequest(port: number, tls: boolean, agent: http.Agent | false, path: string): Promise<number | string> {
  return new Promise((resolve) => {
    const options = { host: '127.0.0.1', port, path, agent, rejectUnauthorized: false };
    const req = (tls ? https : http).get(options as https.RequestOptions, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    req.setTimeout(10_000, () => req.destroy(Object.assign(new Error('hung'), { code: 'HUNG' })));
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });
}

/** One run against `target`; `path` is what the queued clients request (the setups answer /work or /hello). */
export async function runQueued(target: QueuedTarget, tls: boolean, path: string): Promise<QueuedResult> {
  const dir = mkdtempSync(join(tmpdir(), 'loopsafe-bench-queued-'));
  const release = join(dir, 'release');
  const child = spawn(process.execPath, [target.script, ...target.args], {
    stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, ...target.env, RELEASE: release },
  });
  const lines = createInterface({ input: child.stdout });
  const next = (): Promise<Record<string, unknown>> => new Promise((resolve) => lines.once('line', (l) => resolve(JSON.parse(l) as Record<string, unknown>)));
  const { port } = (await next()) as { port: number };
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, sig) => resolve(code ?? sig ?? '?')));
  const result: QueuedResult = { queuedAnswered: 0, queuedReset: 0, loadAnswered: 0, loadReset: 0, loadRefused: 0, refusedAfter: 0, exit: '?' };
  let signalled = false;
  const keepAlive = tls ? new https.Agent({ keepAlive: true, maxSockets: 4 }) : new http.Agent({ keepAlive: true, maxSockets: 4 });
  const loop = async (agent: http.Agent | false): Promise<void> => {
    for (;;) {
      const outcome = await loadRequest(port, tls, agent, path);
      if (signalled) {
        if (typeof outcome === 'number') result.loadAnswered++;
        else if (outcome === 'ECONNREFUSED') result.loadRefused++;
        else result.loadReset++;
      }
      if (outcome === 'ECONNREFUSED') return;
      // A load client that saw a reset goes on, as a real one would: the next attempt is refused once the port closes.
    }
  };
  const loops = Promise.all([keepAlive, keepAlive, keepAlive, keepAlive, false, false, false, false].map((a) => loop(a as http.Agent | false)));
  await new Promise((resolve) => setTimeout(resolve, 500));
  const blocking = next();
  child.kill('SIGUSR2');
  await blocking;
  signalled = true;
  child.kill('SIGTERM');
  // A setup with no handler dies at SIGTERM: a connection refused or reset while connecting counts as reset.
  const failed = { outcome: Promise.resolve({ status: undefined, connection: undefined, error: 'connect' }) };
  const clients = await Promise.all(Array.from({ length: QUEUED }, () => queuedClient(port, path, tls).catch(() => failed)));
  writeFileSync(release, '');
  const limit = setTimeout(() => child.kill('SIGKILL'), 20_000);
  for (const o of await Promise.all(clients.map((c) => c.outcome))) {
    if (o.status === 200 && o.error === undefined) result.queuedAnswered++;
    else result.queuedReset++;
  }
  result.exit = await exited;
  clearTimeout(limit);
  await loops;
  keepAlive.destroy();
  result.refusedAfter = (await tryConnect(port)) === 'ECONNREFUSED' ? 1 : 0;
  rmSync(dir, { recursive: true, force: true });
  return result;
}
