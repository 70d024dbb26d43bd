// `npm run demo:prove`: the checks that came with the problems loopsafe exists to prevent, run against the users
// API as its own process on a real port, with a table at the end and a non-zero exit if any check fails.
//   1. threads under concurrent load (bursts of 10, 100 and 1,000 requests; OS threads before, max during, after)
//   2. rebuilding the app 50 times in one process leaves no thread behind
//   3. SIGTERM under load with several workers: nothing dropped, no 503, exit 0, about one slow request
//   4. the counter-example: one provider that reads a file per request is named by the monitor, threads grow
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const main = fileURLToPath(new URL('./main.js', import.meta.url));
const rebuild = fileURLToPath(new URL('./rebuild.js', import.meta.url));

interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}
const checks: Check[] = [];
const progress = (text: string): void => void process.stderr.write(`demo:prove: ${text}\n`);

/** OS threads of a process, read from /proc as the seed problems' own checks did. */
function threads(pid: number): number {
  return readdirSync(`/proc/${pid}/task`).length;
}

/** Thread names of a process, counted: `MainThread 1, libuv-worker 4, ...`. */
function threadNames(pid: number): string {
  const names = new Map<string, number>();
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${task}/comm`, 'utf8').trim();
      names.set(name, (names.get(name) ?? 0) + 1);
    } catch {
      // the thread exited between the listing and the read
    }
  }
  return [...names].map(([name, n]) => `${name} ${n}`).join(', ');
}

interface Server {
  readonly child: ChildProcess;
  readonly port: number;
  readonly lines: Record<string, unknown>[];
  readonly exited: Promise<number | null>;
}

/** Start the demo as its own process on a free port and wait for its "listening" line. */
async function startDemo(env: Record<string, string>): Promise<Server> {
  // Source maps on, so the monitor names the TypeScript line of the offending provider.
  const child = spawn(process.execPath, ['--enable-source-maps', main], { env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const read = (line: string): void => {
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        parsed = { text: line };
      }
      lines.push(parsed);
      if (typeof parsed['url'] === 'string') resolve(parsed['url']);
    };
    createInterface({ input: child.stdout! }).on('line', read);
    createInterface({ input: child.stderr! }).on('line', read);
    void exited.then((code) => reject(new Error(`the demo exited with code ${code} before listening: ${JSON.stringify(lines.slice(-3))}`)));
  });
  return { child, port: Number(new URL(url).port), lines, exited };
}

async function stop(server: Server): Promise<number | null> {
  server.child.kill('SIGTERM');
  return server.exited;
}

interface Outcome {
  status?: number;
  error?: string;
  reused?: boolean;
}

function request(port: number, path: string, agent: http.Agent | false): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode! }));
      res.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message, reused: req.reusedSocket }));
  });
}

/** Sum of a Prometheus counter over its labels, from the demo's /metrics. */
async function metric(port: number, name: string): Promise<number> {
  const text = await new Promise<string>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/metrics' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
  return text.split('\n').filter((l) => l.startsWith(name)).reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

/** Fire `n` concurrent requests, each on its own connection, sampling the server's thread count meanwhile. */
async function burst(server: Server, n: number, path = '/users'): Promise<{ before: number; max: number; after: number; failed: number }> {
  const pid = server.child.pid!;
  const before = threads(pid);
  let max = before;
  const sampler = setInterval(() => (max = Math.max(max, threads(pid))), 5);
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const outcomes = await Promise.all(Array.from({ length: n }, () => request(server.port, path, agent)));
  await new Promise((resolve) => setTimeout(resolve, 200)); // threads still starting would show now
  clearInterval(sampler);
  max = Math.max(max, threads(pid));
  agent.destroy();
  return { before, max, after: threads(pid), failed: outcomes.filter((o) => o.status !== 200).length };
}

async function threadsUnderLoad(): Promise<void> {
  progress('1/4 threads under bursts of 10, 100 and 1,000 concurrent requests');
  const server = await startDemo({});
  try {
    await request(server.port, '/users', false); // the first request, like a health check after boot
    for (const n of [10, 100, 1000]) {
      const r = await burst(server, n);
      const offloads = await metric(server.port, 'loopsafe_thread_offloads_total');
      checks.push({
        name: `threads, ${n} concurrent requests`,
        ok: r.max === r.before && r.after === r.before && r.failed === 0 && offloads === 0,
        detail: `OS threads ${r.before} before, ${r.max} max during, ${r.after} after; offloads reported ${offloads}; failed ${r.failed}`,
      });
    }
    progress(`  threads of the demo: ${threadNames(server.child.pid!)}`);
  } finally {
    await stop(server);
  }
}

async function rebuilds(): Promise<void> {
  progress('2/4 build, serve one request and close the app 50 times in one process');
  const child = spawn(process.execPath, [rebuild, '50'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const r = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { start?: number; max?: number; end?: number; offloads?: number; rebuilds?: number };
  checks.push({
    name: 'a rebuild leaves no thread behind',
    ok: code === 0 && r.start !== undefined && r.max === r.start && r.end === r.start && r.offloads === 0,
    detail: `${r.rebuilds} rebuilds: OS threads ${r.start} at start, ${r.max} max, ${r.end} at the end; offloads ${r.offloads}; exit ${code}`,
  });
}

async function shutdownUnderLoad(): Promise<void> {
  const workers = 2;
  const slowMs = 1500;
  progress(`3/4 SIGTERM with ${workers} workers, 8 requests of ${slowMs} ms in flight and a steady stream`);
  const server = await startDemo({ WORKERS: String(workers) });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  let signalled = false;
  let dropped = 0;
  let status503 = 0;
  let served = 0;
  let retried = 0;
  let refused = 0;
  // The steady stream: four keep-alive clients, each request retried once when a reused idle socket was reset as
  // the server closed it (RFC 9112 9.3.1; what HTTP clients do). A refused connection after the signal is expected.
  const stream = async (): Promise<void> => {
    while (true) {
      let outcome = await request(server.port, '/users', agent);
      if (outcome.error === 'ECONNRESET' && outcome.reused === true) {
        retried++;
        outcome = await request(server.port, '/users', agent);
      }
      if (outcome.status === 200) served++;
      else if (outcome.status === 503) status503++;
      else if (outcome.error === 'ECONNREFUSED' && signalled) {
        refused++;
        return;
      } else dropped++;
    }
  };
  const streams = Array.from({ length: 4 }, stream);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const slow = Array.from({ length: 8 }, () => request(server.port, `/slow?ms=${slowMs}`, false));
  await new Promise((resolve) => setTimeout(resolve, 300)); // the slow requests are in the handlers now
  const start = process.hrtime.bigint();
  signalled = true;
  server.child.kill('SIGTERM');
  const code = await server.exited;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const slowOutcomes = await Promise.all(slow);
  await Promise.all(streams);
  agent.destroy();
  const slowOk = slowOutcomes.filter((o) => o.status === 200).length;
  checks.push({
    name: `shutdown under load, ${workers} workers`,
    ok: code === 0 && slowOk === slow.length && dropped === 0 && status503 === 0 && seconds < (2 * slowMs) / 1000 + 1,
    detail: `slow requests answered ${slowOk}/${slow.length}; stream served ${served}, dropped ${dropped}, 503s ${status503}, stale keep-alive retried ${retried}, refused after the port closed ${refused}; exit ${code} after ${seconds.toFixed(2)} s (slow request ${slowMs / 1000} s)`,
  });
}

async function counterExample(): Promise<void> {
  progress('4/4 the counter-example: FeatureFlags reads a file per request');
  const server = await startDemo({ DEMO_OFFENDER: '1' });
  try {
    await request(server.port, '/health', false); // touches no FeatureFlags: the pool has not started
    const r = await burst(server, 100);
    const offloads = await metric(server.port, 'loopsafe_thread_offloads_total');
    const warning = server.lines.find((l) => l['code'] === 'LOOPSAFE_ERR_THREAD_OFFLOAD' && String(l['msg']).includes('FeatureFlags'));
    const site = warning === undefined ? undefined : /at (\S+:\d+:\d+)/.exec(String(warning['msg']))?.[1];
    checks.push({
      name: 'counter-example is caught',
      ok: warning !== undefined && site !== undefined && offloads > 0 && r.max > r.before,
      detail: `monitor: ${warning === undefined ? 'no warning' : String(warning['msg']).replace(/ at \S+/, ` at ${site?.split('/').slice(-3).join('/')}`)}; offloads reported ${offloads}; OS threads ${r.before} before, ${r.max} max during, ${r.after} after`,
    });
  } finally {
    await stop(server);
  }
}

await threadsUnderLoad();
await rebuilds();
await shutdownUnderLoad();
await counterExample();

const width = Math.max(...checks.map((c) => c.name.length));
process.stdout.write(`\nloopsafe demo:prove (node ${process.version})\n\n`);
for (const c of checks) process.stdout.write(`${c.ok ? 'PASS' : 'FAIL'}  ${c.name.padEnd(width)}  ${c.detail}\n`);
const failed = checks.filter((c) => !c.ok).length;
process.stdout.write(`\n${checks.length - failed} of ${checks.length} checks passed\n`);
process.exitCode = failed === 0 ? 0 : 1;
