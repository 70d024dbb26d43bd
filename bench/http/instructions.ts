/**
 * `node dist/bench/http/instructions.js`: instructions per HTTP request of each H-scenario server, counted by
 * valgrind's callgrind over real sockets. Each server runs under callgrind, serves a warm-up (keep-alive, 10
 * connections, autocannon outside valgrind), then its counters are zeroed, it serves the measured requests and the
 * counters are dumped: start-up, JIT warm-up and shutdown fall outside the count. On a shared machine req/s swings
 * ±30% between bursts, while this count moves by about 1%, so it settles "which of two servers does more work per
 * request"; it does not see cache misses, GC pauses or the kernel, so a speed figure still comes from `npm run
 * bench:http`.
 *
 * BENCH_PEERS='name|name' chooses the servers (bench/http/server.ts names them); BENCH_WARMUP and BENCH_N the
 * request counts (30,000 and 10,000: with fewer warm-up requests TurboFan is still compiling the request path and
 * its compile time is counted), BENCH_WARMUP_BURSTS the warm-up's bursts on new connections (3), BENCH_SETTLE the
 * requests then sent on the connections the count uses, before it starts (10,000); BENCH_TOP=n also prints each
 * server's n costliest functions in the measured window (JIT code named through node's --perf-basic-prof map);
 * BENCH_SERVER=<another build's dist/bench/http/server.js>
 * counts that build's servers instead, for before/after; BENCH_KEEP=1 keeps each server's dump and perf map (for
 * callgrind_annotate --tree=caller) and prints where.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Pool } from 'undici';
import { peers } from './server.js';

const exec = promisify(execFile);
const server = process.env['BENCH_SERVER'] ?? fileURLToPath(new URL('./server.js', import.meta.url));
const autocannon = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
const warmup = Number(process.env['BENCH_WARMUP'] ?? 30_000);
const measured = Number(process.env['BENCH_N'] ?? 10_000);
const bursts = Number(process.env['BENCH_WARMUP_BURSTS'] ?? 3);
const settle = Number(process.env['BENCH_SETTLE'] ?? 10_000);
const top = Number(process.env['BENCH_TOP'] ?? 0);
const keep = process.env['BENCH_KEEP'];

/** Send `n` requests to /hello and check that every one was answered 200. */
async function load(peer: string, port: number, n: number): Promise<void> {
  const { stdout } = await exec(process.execPath, [autocannon, '-c', '10', '-a', String(n), '-t', '60', '-j', `http://127.0.0.1:${port}/hello`], { maxBuffer: 1 << 24 });
  const result = JSON.parse(stdout) as { '2xx': number; errors: number };
  if (result['2xx'] !== n || result.errors !== 0) throw new Error(`${peer}: ${result['2xx']} of ${n} requests answered 2xx, ${result.errors} errors`);
}

/**
 * `n` requests to /hello over `pool`'s 10 connections, 10 at a time, each answered 200. The same connections carry the
 * settling requests and the counted ones, so no connection closes between zeroing the counters and dumping them.
 */
async function steady(peer: string, pool: Pool, n: number): Promise<void> {
  let left = n;
  const one = async (): Promise<void> => {
    while (left-- > 0) {
      const { statusCode, body } = await pool.request({ method: 'GET', path: '/hello' });
      await body.text();
      if (statusCode !== 200) throw new Error(`${peer}: GET /hello answered ${statusCode}`);
    }
  };
  await Promise.all(Array.from({ length: 10 }, one));
}

interface Count {
  perRequest: number;
  /** Of those, the JIT compilers' and the garbage collector's: they come in bursts, so one window may catch one more. */
  jit: number;
  gc: number;
  /** Whether a full (mark-compact) collection ran inside the window: its barriers and after-effects inflate the rest. */
  majorGc: boolean;
  /** Self cost per request of the costliest functions, when BENCH_TOP asks for them. */
  functions: [string, number][];
}

/** One server under callgrind: instructions per request over the measured window, after the warm-up. */
async function count(peer: string): Promise<Count> {
  const dir = mkdtempSync(join(tmpdir(), 'loopsafe-http-instr-'));
  // Whatever fails (a load, a missing port), neither the pool's connections nor valgrind's server outlive the count.
  let pool: Pool | undefined;
  let running: ChildProcess | undefined;
  try {
    const out = join(dir, 'callgrind.out');
    const child = spawn('valgrind', ['--tool=callgrind', `--callgrind-out-file=${out}`, process.execPath,
      // --single-threaded: no background compiler thread, so the JIT does the same work on every run.
      // --no-memory-reducer: V8's memory reducer starts a full collection when the allocation rate per millisecond
      // looks idle, and under valgrind (about 50 times slower) it does: a mark-compact then fell inside some windows
      // and not others, and its write and marking barriers, IC misses and re-optimisation after it, which are not the
      // collector's own functions, moved "the rest" by 10-15% between runs of one build. Natively the same servers do
      // no mark-compact at all over 50,000 requests (node --trace-gc).
      '--single-threaded', '--no-memory-reducer', '--perf-basic-prof', `--perf-basic-prof-path=${dir}`, server, peer],
    { stdio: ['ignore', 'pipe', 'pipe'] });
    running = child;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let port = 0;
    for await (const line of createInterface({ input: child.stdout })) {
      if (line.startsWith('{')) {
        port = (JSON.parse(line) as { port: number }).port;
        break;
      }
    }
    if (port === 0) throw new Error(`${peer} printed no port:\n${stderr.slice(-500)}`);
    // In bursts, each on new connections: the first kept-alive connections to close (a socket destroyed) change
    // field types that Node's optimised HTTP code depends on, and it is deoptimised. After a single burst that
    // re-optimisation fell inside the counted window (node --trace-deopt: resOnFinish, parserOnIncoming, clearIncoming
    // ran as baseline code there for one server and not for another).
    for (let i = 0; i < bursts; i++) await load(peer, port, Math.ceil(warmup / bursts));
    // Then one set of connections for the rest: what the last burst's closing deoptimised is optimised again before
    // the count starts, and nothing closes inside the counted window.
    pool = new Pool(`http://127.0.0.1:${port}`, { connections: 10 });
    await steady(peer, pool, settle);
    await exec('callgrind_control', ['--zero', String(child.pid)]);
    await steady(peer, pool, measured);
    await exec('callgrind_control', ['--dump', String(child.pid)]);
    await pool.close();
    pool = undefined;
    child.kill('SIGTERM');
    await exited;
    running = undefined;
    const dump = readdirSync(dir).find((file) => /^callgrind\.out\.\d+$/.test(file));
    if (dump === undefined) throw new Error(`callgrind wrote no dump for ${peer}:\n${stderr.slice(-500)}`);
    const text = readFileSync(join(dir, dump), 'utf8');
    const totals = /^(?:summary|totals):\s+(\d+)/m.exec(text);
    if (totals === null) throw new Error(`no totals in the callgrind dump of ${peer}`);
    const functions = await costly(join(dir, dump), dir);
    let jit = 0;
    let gc = 0;
    for (const [name, cost] of functions) {
      if (compilerCode.test(name)) jit += cost;
      else if (collectorCode.test(name)) gc += cost;
    }
    const majorGc = functions.some(([name]) => name.includes('MarkCompactCollector::'));
    return { perRequest: Number(totals[1]) / measured, jit, gc, majorGc, functions: functions.slice(0, top) };
  } finally {
    await pool?.destroy();
    running?.kill('SIGKILL');
    if (keep === undefined) rmSync(dir, { recursive: true, force: true });
    else console.log(`${peer}: callgrind dump and perf map kept in ${dir}`);
  }
}

/** V8's compilers (TurboFan, Maglev, Sparkplug, the parser) and its garbage collector, by their C++ names. */
const compilerCode = /v8::internal::(compiler|maglev|baseline|interpreter)::|v8::internal::(Parser|Scanner|Compiler|OptimizingCompile|AstValueFactory|Zone)|v8::internal::turboshaft/;
const collectorCode = /v8::internal::(\(anonymous namespace\)::)?(Heap|Scaveng|MarkCompact|Marking|MainMarking|MinorMark|Sweep|Evacuat|IterateObjectCache|RootScavenge|ConcurrentMarking|BodyDescriptor|PagedSpace|NewSpace|SemiSpace|MemoryAllocator|Factory::AllocateRaw)|heap::base::|cppgc::/;

/** The dump's functions by self cost per request, costliest first, JIT code named from node's perf map. */
async function costly(dump: string, dir: string): Promise<[string, number][]> {
  const map = readdirSync(dir).find((file) => file.startsWith('perf-') && file.endsWith('.map'));
  const ranges = (map === undefined ? '' : readFileSync(join(dir, map), 'utf8')).split('\n').filter(Boolean).map((line) => {
    const [start, size, ...name] = line.split(' ');
    return [parseInt(start!, 16), parseInt(size!, 16), name.join(' ')] as const;
  }).sort((a, b) => a[0] - b[0]);
  const nameOf = (address: number): string => {
    let lo = 0;
    let hi = ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [start, size, name] = ranges[mid]!;
      if (address < start) hi = mid - 1;
      else if (address >= start + size) lo = mid + 1;
      else return name;
    }
    return `0x${address.toString(16)}`;
  };
  const { stdout } = await exec('callgrind_annotate', ['--threshold=100', dump], { maxBuffer: 1 << 26 });
  const costs = new Map<string, number>();
  for (const line of stdout.split('\n')) {
    const match = /^\s*([\d,]+) \([\s\d.]+%\)\s+(.*)$/.exec(line);
    if (match === null || line.includes('PROGRAM TOTALS')) continue;
    const jit = /^\?\?\?:0x([0-9a-f]+)/.exec(match[2]!);
    const name = jit !== null ? nameOf(parseInt(jit[1]!, 16)) : match[2]!.replace(/ \[.*\]$/, '').replace(/^\?\?\?:/, '');
    costs.set(name, (costs.get(name) ?? 0) + Number(match[1]!.replaceAll(',', '')) / measured);
  }
  // The dump charges the whole window to the frames below the event loop (main, node::Start...) too: leave them out.
  const total = Math.max(...costs.values());
  return [...costs].filter(([, cost]) => cost < total * 0.9).sort((a, b) => b[1] - a[1]);
}

try {
  await exec('valgrind', ['--version']);
} catch {
  console.error('valgrind is not installed; this count needs it (apt install valgrind).');
  process.exit(1);
}
const chosen = (process.env['BENCH_PEERS'] ?? 'bare fastify|hand-written Map|@fastify/awilix|loopsafe route()|loopsafe route(), id factory').split('|');
if (process.env['BENCH_SERVER'] === undefined) {
  for (const name of chosen) if (peers[name] === undefined) throw new Error(`unknown peer ${name}; one of: ${Object.keys(peers).join(', ')}`);
}
console.log(`instructions per request to GET /hello (callgrind, node ${process.version}, --single-threaded; ${measured} requests counted on 10 keep-alive connections after ${warmup} of warm-up in ${bursts} bursts and ${settle} more on those connections)`);
const figures = new Map<string, Count>();
for (const name of chosen) {
  const counted = await count(name);
  const { functions } = counted;
  figures.set(name, counted);
  if (functions.length > 0) {
    console.log(`${name}: costliest functions, instructions per request`);
    for (const [fn, cost] of functions) console.log(`  ${Math.round(cost).toString().padStart(7)}  ${fn.slice(0, 140)}`);
  }
}
// The ratios compare the program's own work (all instructions but the JIT compilers' and the collector's): those two
// come in bursts of tens of millions of instructions, and whether one falls inside the window moves a total by 5-10%.
const own = (count: Count | undefined): number | undefined => (count === undefined ? undefined : count.perRequest - count.jit - count.gc);
const bare = own(figures.get('bare fastify'));
const map = own(figures.get('hand-written Map'));
const awilix = own(figures.get('@fastify/awilix'));
const ratio = (base: number | undefined, mine: number): string => (base === undefined ? '-' : `${(base / mine).toFixed(3)}x`);
const thousands = (n: number): string => Math.round(n).toLocaleString('en');
console.log('| server | all | JIT compilers | GC | mark-compact in the window | the rest | the rest over bare | Map\'s rest over this | awilix\'s rest over this |');
console.log('|---|---:|---:|---:|---|---:|---:|---:|---:|');
for (const [name, count] of figures) {
  const mine = own(count)!;
  const over = bare === undefined ? '-' : thousands(mine - bare);
  console.log(`| ${name} | ${thousands(count.perRequest)} | ${thousands(count.jit)} | ${thousands(count.gc)} | ${count.majorGc ? 'yes: compare with care' : 'no'} | ${thousands(mine)} | ${over} | ${ratio(map, mine)} | ${ratio(awilix, mine)} |`);
}
