// Shutdown under load, on a real socket: keep-alive clients send a steady stream (some requests slow) while other
// clients keep idle keep-alive sockets open, as Node's default agent does; SIGTERM arrives mid-stream. Counts what
// each client saw after the signal, how long the process took to exit, and its exit code. Two more clients hold a
// connection that carries no request: one connected and sent nothing (a browser's preconnect), one sent half a header.
// Then the accept-queue comparison of shutdown-queued.ts, single process and 2 and 4 workers, plain and TLS:
// `npm run bench:shutdown -- [rounds]` (default 3).
import { spawn } from 'node:child_process';
import http from 'node:http';
import { connect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { freePort } from '../../test/helpers/ports.js';
import { runQueued, type QueuedTarget } from './shutdown-queued.js';
import { selfSignedEnv } from './shutdown-tls.js';
import { setups } from './shutdown-server.js';

const script = fileURLToPath(new URL('./shutdown-server.js', import.meta.url));
const slowMs = 400;

interface Tally {
  ok: number;
  s503: number;
  resets: number;
  refused: number;
  other: number;
}

/** A connection that sends `payload` (or nothing) and then waits. */
function silentConnection(port: number, payload: string): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(payload, () => resolve(socket)));
    socket.on('error', () => {});
  });
}

function request(port: number, path: string, agent: http.Agent): Promise<number | string> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
      res.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });
}

async function run(name: string): Promise<Record<string, string | number>> {
  const child = spawn(process.execPath, [script, name], { stdio: ['ignore', 'pipe', 'ignore'] });
  const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
  const { port } = JSON.parse(line) as { port: number };
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, sig) => resolve(code ?? sig ?? '?')));
  const busy = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const idle = new http.Agent({ keepAlive: true });
  await Promise.all([request(port, '/work', idle), request(port, '/work', idle)]); // two idle keep-alive sockets
  const quiet = await Promise.all([silentConnection(port, ''), silentConnection(port, 'GET /work HTTP/1.1\r\nHost: x\r\nX-Half: ')]);
  let signalled = false;
  const tally: Tally = { ok: 0, s503: 0, resets: 0, refused: 0, other: 0 };
  const loop = async (i: number) => {
    for (let n = 0; ; n++) {
      const result = await request(port, `/work?ms=${(i + n) % 4 === 0 ? slowMs : 5}`, busy);
      if (signalled) {
        if (result === 200) tally.ok++;
        else if (result === 503) tally.s503++;
        else if (result === 'ECONNRESET' || result === 'EPIPE') tally.resets++;
        else if (result === 'ECONNREFUSED') tally.refused++;
        else tally.other++;
      }
      if (typeof result === 'string' || (signalled && result === 503)) return;
    }
  };
  const loops = Promise.all(Array.from({ length: 8 }, (_, i) => loop(i)));
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const t0 = Date.now();
  signalled = true;
  child.kill('SIGTERM');
  const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('did not exit in 15 s'), 15_000).unref());
  const code = await Promise.race([exited, timeout]);
  const took = Date.now() - t0;
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.race([loops, new Promise((resolve) => setTimeout(resolve, 1000))]);
  busy.destroy();
  idle.destroy();
  for (const socket of quiet) socket.destroy();
  return { setup: name, ...tally, exit: code, 'exit after ms': took };
}

process.stdout.write(`Steady keep-alive stream on 8 connections (every 4th request ${slowMs} ms), two idle keep-alive sockets held open, SIGTERM after 1 s.\n`);
process.stdout.write('One silent and one half-header connection held open too. Counts are requests sent after the signal; dropped = reset or\n');
process.stdout.write('no answer on a connection the server had accepted. Timings are noisy on a shared machine.\n\n');
process.stdout.write('| setup | 200 | 503 | dropped | refused (new connection) | exit | exit after ms |\n|---|---:|---:|---:|---:|---|---:|\n');
for (const name of Object.keys(setups)) {
  const r = await run(name);
  process.stdout.write(`| ${r['setup']} | ${r['ok']} | ${r['s503']} | ${Number(r['resets']) + Number(r['other'])} | ${r['refused']} | ${r['exit']} | ${r['exit after ms']} |\n`);
}

const rounds = Number(process.argv[2] ?? '3');
const tlsEnv = selfSignedEnv();
const clusterScript = fileURLToPath(new URL('../cluster/server.js', import.meta.url));
const naiveScript = fileURLToPath(new URL('../cluster/naive.js', import.meta.url));
interface Row { readonly name: string; readonly tls: boolean; readonly path: string; target(): Promise<QueuedTarget> }
const rows: Row[] = [];
for (const tls of [false, true]) {
  const env = tls ? tlsEnv : {};
  for (const name of Object.keys(setups)) rows.push({ name, tls, path: '/work', target: async () => ({ script, args: [name], env }) });
  for (const workers of [2, 4]) {
    rows.push({ name: `loopsafe serveCluster, ${workers} workers`, tls, path: '/hello', target: async () => ({ script: clusterScript, args: ['cluster', String(workers), '0'], env }) });
    rows.push({
      name: `node:cluster by hand, ${workers} workers`, tls, path: '/hello',
      target: async () => ({ script: naiveScript, args: [String(workers)], env: { ...env, NAIVE_PORT: String(await freePort()) } }),
    });
  }
}
process.stdout.write(`\nThe accept queue: under load (4 keep-alive and 4 new-connection clients), the process owning the port (the primary
under a cluster) blocks its event loop (200 ms, and until the 20 clients below are connected); SIGTERM arrives during
the block, and ${20} clients connect and send a full GET. Totals over ${rounds} rounds (setups interleaved in each round).
Queued: the ${20} clients (a complete 200, or reset / closed unanswered). Load: requests the load clients sent after
SIGTERM. Refused after exit: a new connection once the process is gone. uptime: ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n\n`);
const totals = rows.map(() => ({ queuedAnswered: 0, queuedReset: 0, loadAnswered: 0, loadReset: 0, loadRefused: 0, refusedAfter: 0, exits: [] as (number | string)[] }));
for (let round = 0; round < rounds; round++) {
  for (const [i, row] of rows.entries()) {
    const r = await runQueued(await row.target(), row.tls, row.path);
    const total = totals[i]!;
    for (const key of ['queuedAnswered', 'queuedReset', 'loadAnswered', 'loadReset', 'loadRefused', 'refusedAfter'] as const) total[key] += r[key];
    total.exits.push(r.exit);
  }
}
process.stdout.write('| setup | TLS | queued answered | queued reset | load answered | load reset | load refused | refused after exit | exit codes |\n');
process.stdout.write('|---|---|---:|---:|---:|---:|---:|---:|---|\n');
for (const [i, row] of rows.entries()) {
  const t = totals[i]!;
  process.stdout.write(`| ${row.name} | ${row.tls ? 'yes' : 'no'} | ${t.queuedAnswered} | ${t.queuedReset} | ${t.loadAnswered} | ${t.loadReset} | ${t.loadRefused} | ${t.refusedAfter}/${rounds} | ${t.exits.join(' ')} |\n`);
}
