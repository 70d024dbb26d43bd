// The H scenario of shared/BENCH.md: every server pinned to core 0 and up at once, autocannon pinned to core 1, 100
// connections, warm-up discarded, one burst per peer per round in rotating order. Prints req/s, p99, ratios and OS thread counts.
// Then a fixed-rate phase: every server again, in rotating order, at one request rate they all keep up with
// (BENCH_RATE req/s, or a fifth of bare fastify's median req/s in this run: about 8,000 here, where the client
// keeps its schedule, send lag p99 under 1 ms, and @fastify/awilix, at half bare fastify's capacity, is not saturated), sent open-loop by latency.js, for the
// latency of a server that is not saturated. At saturation, 100 closed-loop connections make p99 mostly queueing:
// the wait in line is 100 requests' service time, so p99 grows with CPU per request (a server doing 1.17x bare
// fastify's work, as the hand-written Map scope does, queues about 1.17x as long) and says little of a request's
// own latency. Both p99s are printed; the p99 target is read at the fixed rate, over every round's requests of a
// server pooled (one stall of the machine decides a single round's p99).
// BENCH_QUICK=1 for a short run; BENCH_REPS / BENCH_DURATION (seconds) to choose; BENCH_PEERS='name|name' to run a
// subset (bare fastify, the Map scope and @fastify/awilix always run: the ratios need them); BENCH_BEFORE=<path of
// another build's dist/bench/http/server.js> adds that build's loopsafe route() as a peer, for before/after in one run.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { peers } from './server.js';
import { pooledPercentile, type Latency } from './histogram.js';

const quick = process.env['BENCH_QUICK'] === '1';
const reps = Number(process.env['BENCH_REPS'] ?? (quick ? 1 : 7));
const duration = Number(process.env['BENCH_DURATION'] ?? 3);
const warmup = quick ? 1 : 3;
const connections = 100;
const server = fileURLToPath(new URL('./server.js', import.meta.url));
const latencyClient = fileURLToPath(new URL('./latency.js', import.meta.url));
const rateDuration = Number(process.env['BENCH_RATE_DURATION'] ?? (quick ? 1 : 3));
const autocannon = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

interface Sample {
  rps: number;
  /** Server CPU time (user + system) per request, in µs: steadier than req/s when other work shares the machine. */
  cpu: number;
  p99: number;
  threads: [number, number, number];
  non2xx: number;
}

const threads = (pid: number): number => readdirSync(`/proc/${pid}/task`).length;
const ticksPerSecond = 100; // USER_HZ on Linux
/** CPU seconds (user + system) a process has used so far. */
const cpuSeconds = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
};

const before = process.env['BENCH_BEFORE'];
const beforeName = 'before: loopsafe route()';

async function startServer(name: string): Promise<{ child: ChildProcess; port: number }> {
  const [file, peer] = name === beforeName ? [before!, 'loopsafe route()'] : [server, name];
  const child = spawn('taskset', ['-c', '0', process.execPath, ...(process.env['BENCH_CPU_PROF'] === name ? ['--cpu-prof', '--cpu-prof-dir=/tmp'] : []), file, peer], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
  return { child, port: (JSON.parse(line) as { port: number }).port };
}

function load(port: number, seconds: number): Promise<{ rps: number; total: number; p99: number; non2xx: number; errors: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', ['-c', '1', process.execPath, autocannon, '-c', String(connections), '-d', String(seconds), '-j', `http://127.0.0.1:${port}/hello`], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', () => {
      try {
        const r = JSON.parse(out) as { requests: { average: number; total: number }; latency: { p99: number }; non2xx: number; errors: number };
        resolve({ rps: r.requests.average, total: r.requests.total, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors });
      } catch (error) {
        reject(error as Error);
      }
    });
  });
}

/**
 * The fixed-rate phase: one latency.js process (pinned to core 1, warmed up once) measures `schedule`'s ports in
 * order; `each` gets every result as it comes.
 */
function atRate(rate: number, schedule: readonly number[], each: (result: Latency, at: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', ['-c', '1', process.execPath, latencyClient, String(rate), String(rateDuration), '32', ...schedule.map(String)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let at = 0;
    createInterface({ input: child.stdout! }).on('line', (line) => each(JSON.parse(line) as Latency, at++));
    child.on('exit', (code) => (code === 0 && at === schedule.length ? resolve() : reject(new Error(`latency.js exited with ${code} after ${at} of ${schedule.length} runs`))));
  });
}

async function fetchJson(port: number, path: string): Promise<Record<string, number>> {
  return (await (await fetch(`http://127.0.0.1:${port}${path}`)).json()) as Record<string, number>;
}

/** A peer's server, started once and kept up for every round (idle, pinned to core 0, while the others are loaded). */
interface Running {
  readonly name: string;
  readonly child: ChildProcess;
  readonly port: number;
  /** OS threads once warmed up. */
  readonly before: number;
}

async function start(name: string): Promise<Running> {
  const { child, port } = await startServer(name);
  // Checked before timing: distinct ids per request.
  const [one, two] = [await fetchJson(port, '/hello'), await fetchJson(port, '/hello')];
  if (one['id'] === two['id']) throw new Error(`${name}: two requests got the same id`);
  await load(port, warmup);
  return { name, child, port, before: threads(child.pid!) };
}

/** One burst of load on a running server. */
async function measure(server: Running): Promise<Sample> {
  const { child, port } = server;
  let during = 0;
  const sampler = setTimeout(() => (during = threads(child.pid!)), (duration * 1000) / 2);
  const cpuBefore = cpuSeconds(child.pid!);
  const result = await load(port, duration);
  const cpu = ((cpuSeconds(child.pid!) - cpuBefore) * 1e6) / result.total;
  clearTimeout(sampler);
  return { rps: result.rps, cpu, p99: result.p99, threads: [server.before, during, threads(child.pid!)], non2xx: result.non2xx + result.errors };
}

/** Stop a server once its rounds are done: every request scope it opened must have been disposed. */
async function stop(server: Running): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 200)); // let the last responses close
  const stats = await fetchJson(server.port, '/stats');
  // The /stats request itself is not served by /hello, so served counts only /hello requests.
  if (stats['served'] !== stats['disposed']) throw new Error(`${server.name}: served ${stats['served']} but disposed ${stats['disposed']}`);
  server.child.kill('SIGTERM');
  await new Promise((resolve) => server.child.once('exit', resolve));
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const baselines = ['bare fastify', 'hand-written Map', '@fastify/awilix'];
const chosen = process.env['BENCH_PEERS']?.split('|').map((n) => n.trim());
const names = [...Object.keys(peers).filter((n) => chosen === undefined || baselines.includes(n) || chosen.includes(n)), ...(before === undefined ? [] : [beforeName])];
const samples = new Map<string, Sample[]>(names.map((n) => [n, []]));
const atFixedRate = new Map<string, Latency[]>(names.map((n) => [n, []]));
let fixedRate = 0;
const loads: number[] = [];
const loadNow = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
process.stdout.write(`H scenario: GET /hello resolves E in the request scope; ${connections} connections, every server up at once, ${reps} round(s) of one ${duration}s burst each after ${warmup}s warm-up, servers on core 0, autocannon on core 1.\n`);
process.stdout.write(`node ${process.version}, load average at start ${loadNow()}. Figures are noisy when other work shares the machine; compare ratios within one run only.\n\n`);
// Every server starts (and warms up) once, then takes one burst per round, the order rotating each round: a
// process's start-up and JIT warm-up stay outside the measurement, and a change in the machine's load within a
// round lands on every peer of that round. Ratios are taken within a round.
const running: Running[] = [];
try {
  for (const name of names) running.push(await start(name));
  for (let rep = 0; rep < reps; rep++) {
    const order = running.map((_, i) => running[(i + rep) % running.length]!);
    for (const server of order) {
      const sample = await measure(server);
      samples.get(server.name)!.push(sample);
      loads.push(loadavg()[0]!);
      process.stdout.write(`  round ${rep + 1} ${server.name.padEnd(28)} ${sample.rps.toFixed(0).padStart(7)} req/s  p99 ${String(sample.p99).padStart(4)} ms  ${sample.cpu.toFixed(1).padStart(6)} µs CPU/req  threads ${sample.threads.join('/')}  load ${loadavg()[0]!.toFixed(2)}\n`);
    }
  }
  const bareRps = samples.get('bare fastify')!.map((s) => s.rps).sort((a, b) => a - b);
  fixedRate = Number(process.env['BENCH_RATE'] ?? Math.max(500, Math.round((0.2 * bareRps[bareRps.length >> 1]!) / 500) * 500));
  process.stdout.write(`\nfixed rate: ${fixedRate} req/s open-loop over 32 connections, ${rateDuration}s measured after 1s at that rate (the client warmed up once, 3s), latency from each request's due time\n`);
  const schedule = Array.from({ length: reps }, (_, rep) => running.map((_, i) => running[(i + rep) % running.length]!)).flat();
  await atRate(fixedRate, schedule.map((s) => s.port), (result, at) => {
    const server = schedule[at]!;
    atFixedRate.get(server.name)!.push(result);
    loads.push(loadavg()[0]!);
    process.stdout.write(`  round ${Math.floor(at / running.length) + 1} ${server.name.padEnd(28)} p50 ${result.p50.toFixed(3)}  p99 ${result.p99.toFixed(3)}  p99.9 ${result.p999.toFixed(3)}  max ${result.max.toFixed(1)} ms  send lag p99 ${result.sendLagP99.toFixed(3)} ms  failed ${result.failed}  load ${loadavg()[0]!.toFixed(2)}\n`);
  });
} finally {
  for (const server of running) await stop(server);
}

const summary = names.map((name) => {
  const list = samples.get(name)!;
  const rps = list.map((s) => s.rps);
  return {
    name,
    rps: median(rps),
    min: Math.min(...rps),
    max: Math.max(...rps),
    p99: median(list.map((s) => s.p99)),
    cpu: median(list.map((s) => s.cpu)),
    threads: list.map((s) => s.threads.join('/')).join(' '),
    failed: list.reduce((n, s) => n + s.non2xx, 0) + atFixedRate.get(name)!.reduce((n, l) => n + l.failed, 0),
  };
});
const by = (name: string) => summary.find((s) => s.name === name)!;
const bare = by('bare fastify');
const map = by('hand-written Map');
const awilix = by('@fastify/awilix');
const x = (v: number): string => `${v.toFixed(2)}x`;
process.stdout.write(`\n| peer | req/s median (min-max) | vs bare | vs Map | vs awilix | p99 ms | p99 vs bare | p99 vs Map | server CPU µs/req | threads before/during/after | non-2xx+errors |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|\n`);
for (const s of summary) {
  process.stdout.write(`| ${s.name} | ${s.rps.toFixed(0)} (${s.min.toFixed(0)}-${s.max.toFixed(0)}) | ${x(s.rps / bare.rps)} | ${x(s.rps / map.rps)} | ${x(s.rps / awilix.rps)} | ${s.p99} | ${x(s.p99 / bare.p99)} | ${x(s.p99 / map.p99)} | ${s.cpu.toFixed(1)} | ${s.threads} | ${s.failed} |\n`);
}
// Pooled: every round's requests of a server in one histogram. One stall of the machine decides a single round's
// p99 (a 30 ms pause at 8,000 req/s delays 240 requests, and the backlog behind them); pooled over the rounds, the
// stalls of the whole phase are weighed together.
const pooled = (name: string, p: number): number => pooledPercentile(atFixedRate.get(name)!.map((l) => l.histogram), p);
const roundsOf = (name: string, field: 'p99' | 'max'): string => {
  const values = atFixedRate.get(name)!.map((l) => l[field]);
  return `${median(values).toFixed(2)} (${Math.min(...values).toFixed(2)}-${Math.max(...values).toFixed(2)})`;
};
process.stdout.write(`\nat ${fixedRate} req/s: percentiles of every round's requests pooled (ms, to 10 µs below 1 ms, to 0.1 ms above), and p99 and max per round, median (min-max)\n| peer | p50 | p90 | p99 | p99.9 | p99 vs bare | p99 vs Map | p99 per round | max per round |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n`);
for (const { name } of summary) {
  const f = (p: number): string => pooled(name, p).toFixed(2);
  process.stdout.write(`| ${name} | ${f(50)} | ${f(90)} | ${f(99)} | ${f(99.9)} | ${x(pooled(name, 99) / pooled('bare fastify', 99))} | ${x(pooled(name, 99) / pooled('hand-written Map', 99))} | ${roundsOf(name, 'p99')} | ${roundsOf(name, 'max')} |\n`);
}
const spread = (s: (typeof summary)[number]): number => (s.max - s.min) / s.rps;
const wide = summary.filter((s) => spread(s) > 0.1).map((s) => `${s.name} ±${((spread(s) / 2) * 100).toFixed(0)}%`);
process.stdout.write(`\nload average (1 min) during the runs: min ${Math.min(...loads).toFixed(2)}, max ${Math.max(...loads).toFixed(2)}; at the end ${loadNow()}.\n`);
if (wide.length > 0) process.stdout.write(`wide spread across repetitions (over 10% of the median): ${wide.join(', ')}.\n`);
if (names.includes('loopsafe route()') && names.includes('loopsafe route(), monitor off')) {
  const watched = by('loopsafe route()');
  const unwatched = by('loopsafe route(), monitor off');
  process.stdout.write(`\nthe monitor createApp creates by default vs none: req/s ${x(watched.rps / unwatched.rps)}, p99 ${x(watched.p99 / unwatched.p99)} (target >= 0.9x req/s)\n`);
}

// Ratios computed within each repetition (the peers of one repetition ran minutes apart at most, under similar
// load), then summarised: a ratio of medians would mix repetitions run under different load.
const perRep = (name: string, base: string, field: 'rps' | 'p99' | 'cpu'): number[] =>
  samples.get(name)!.map((s, rep) => s[field] / samples.get(base)![rep]![field]);
const spreadOf = (values: number[]): string => `${x(median(values))} (${x(Math.min(...values))}-${x(Math.max(...values))})`;
process.stdout.write(`\nratios per round, median (min-max) over ${reps}; targets: req/s >= 0.95x the Map scope and >= 1.5x @fastify/awilix, pooled p99 at ${fixedRate} req/s <= 1.1x bare fastify (the per-round and saturated p99s are shown, not judged: see the top of run.ts)\n`);
// Server CPU per request is the steadier figure when other work shares the cores: its ratio is printed inverted
// (the Map's CPU over the peer's), so it reads like a req/s ratio.
process.stdout.write(`| peer | req/s vs Map | req/s vs awilix | req/s vs bare | p99 at ${fixedRate} req/s vs bare, per round | pooled | saturated p99 vs bare | CPU/req: Map's over the peer's | awilix's over the peer's | targets |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n`);
for (const name of names.filter((n) => !baselines.includes(n))) {
  const vsMap = perRep(name, 'hand-written Map', 'rps');
  const vsAwilix = perRep(name, '@fastify/awilix', 'rps');
  const vsBare = perRep(name, 'bare fastify', 'rps');
  const p99 = atFixedRate.get(name)!.map((l, rep) => l.p99 / atFixedRate.get('bare fastify')![rep]!.p99);
  const pooledP99 = pooled(name, 99) / pooled('bare fastify', 99);
  const saturatedP99 = perRep(name, 'bare fastify', 'p99');
  const cpuMap = perRep(name, 'hand-written Map', 'cpu').map((r) => 1 / r);
  const cpuAwilix = perRep(name, '@fastify/awilix', 'cpu').map((r) => 1 / r);
  const met = [median(vsMap) >= 0.95 ? 'Map met' : 'Map NOT met', median(vsAwilix) >= 1.5 ? 'awilix met' : 'awilix NOT met', pooledP99 <= 1.1 ? 'p99 met' : 'p99 NOT met'];
  const threadsSame = by(name).threads.split(' ').every((t) => new Set(t.split('/')).size === 1);
  process.stdout.write(`| ${name} | ${spreadOf(vsMap)} | ${spreadOf(vsAwilix)} | ${spreadOf(vsBare)} | ${spreadOf(p99)} | ${x(pooledP99)} | ${spreadOf(saturatedP99)} | ${spreadOf(cpuMap)} | ${spreadOf(cpuAwilix)} | ${met.join(', ')}${threadsSame ? '' : ', threads changed'} |\n`);
}
// The ceiling of the awilix target: a route that adds any work to bare fastify's serves fewer requests than bare
// fastify, so in a run where bare fastify itself is under 1.5x @fastify/awilix no container can meet that target.
const ceiling = perRep('bare fastify', '@fastify/awilix', 'rps');
const mapOverBare = perRep('hand-written Map', 'bare fastify', 'rps');
process.stdout.write(`\nbare fastify (no DI) per round: ${spreadOf(ceiling)} @fastify/awilix's req/s, the most any DI route can reach against awilix in this run; the hand-written Map scope ${spreadOf(mapOverBare)} bare fastify's.\n`);
