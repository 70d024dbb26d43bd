// H scenario req/s with 1 and 2 workers, against the same app in one process, interleaved; RSS per process.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

interface Row {
  readonly name: string;
  readonly rps: number[];
  readonly p99: number[];
  readonly rss: number[][];
  readonly primaryRss: number[];
}

// Server processes pinned with taskset (workers inherit the primary's CPUs); autocannon always on core 1.
const variants: { name: string; cpus: string; args: string[] }[] = [
  { name: 'one process, no cluster (core 0)', cpus: '0', args: ['single'] },
  { name: 'serveCluster, 1 worker (core 0)', cpus: '0', args: ['cluster', '1'] },
  { name: 'serveCluster, 2 workers (cores 0-1)', cpus: '0,1', args: ['cluster', '2'] },
];
const autocannon = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

interface CannonResult {
  requests: { average: number };
  latency: { p99: number };
  non2xx: number;
  errors: number;
}

async function cannon(url: string, seconds: number): Promise<CannonResult> {
  const child = spawn('taskset', ['-c', '1', process.execPath, autocannon, '-c', '100', '-d', String(seconds), '-j', url], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await once(child, 'exit');
  return JSON.parse(out) as CannonResult;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function once_(cpus: string, args: string[], seconds: number): Promise<{ rps: number; p99: number; rss: number[]; primaryRss: number }> {
  const child = spawn('taskset', ['-c', cpus, process.execPath, new URL('./server.js', import.meta.url).pathname, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  const { port, pids } = JSON.parse(line) as { port: number; pids: number[] };
  const url = `http://127.0.0.1:${port}/hello`;
  await cannon(url, 3); // warm-up, discarded: a worker's JIT needs a few seconds, like any process
  const result = await cannon(url, seconds);
  const rss = pids.map(rssMb);
  const primaryRss = args[0] === 'cluster' ? rssMb(child.pid!) : 0;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${args.join(' ')}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p99: result.latency.p99, rss, primaryRss };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Run every variant `rounds` times, interleaved, and print one table. */
export async function benchHttp(rounds: number, seconds: number): Promise<void> {
  const rows: Row[] = variants.map((v) => ({ name: v.name, rps: [], p99: [], rss: [], primaryRss: [] }));
  for (let r = 0; r < rounds; r++) {
    for (const [i, v] of variants.entries()) {
      const m = await once_(v.cpus, v.args, seconds);
      rows[i]!.rps.push(m.rps);
      rows[i]!.p99.push(m.p99);
      rows[i]!.rss.push(m.rss);
      rows[i]!.primaryRss.push(m.primaryRss);
    }
  }
  const base = median(rows[0]!.rps);
  console.log(`\nH scenario (GET /hello, request scope, E diamond), autocannon 100 connections on core 1, ${seconds} s x ${rounds} rounds, medians`);
  console.log('| server | req/s | vs one process | p99 ms | RSS per worker MB | primary RSS MB | req/s spread |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    const rps = median(row.rps);
    const perWorker = row.rss.map((r) => r.reduce((a, b) => a + b, 0) / r.length);
    console.log(`| ${row.name} | ${rps.toFixed(0)} | ${(rps / base).toFixed(2)}x | ${median(row.p99).toFixed(1)} | ${median(perWorker).toFixed(1)} | ` +
      `${row.primaryRss[0] === 0 ? '-' : median(row.primaryRss).toFixed(1)} | ${Math.min(...row.rps).toFixed(0)}-${Math.max(...row.rps).toFixed(0)} |`);
  }
}
