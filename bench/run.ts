/**
 * `npm run bench`: every (peer, scenario) of BENCH.md in its own child process, several processes per pair with
 * the peers interleaved across repetitions, then the memory check; prints the tables and the targets.
 */
import { execFile } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { scenarios, type Scenario } from './checks.js';
import type { MemoryResult } from './memory.js';
import { readOptions } from './options.js';
import { peerNamed, peers } from './peers.js';
import { formatNs, pairKey, printTables, printTargets, type Gathered } from './report.js';
import type { BootResult } from './scale/boot.js';
import { scaleGraphs } from './scale/graphs.js';
import { bootSizes, printScale, scaleSizes, type ScaleGathered } from './scale/report.js';
import type { ScaleResult } from './scale/worker.js';
import type { WorkerResult } from './worker.js';

const exec = promisify(execFile);
const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

/** Run a child and parse its one JSON line; a crash becomes a failure carrying the last line of its stderr. */
async function child<T>(args: readonly string[]): Promise<T | { ok: false; error: string }> {
  try {
    const { stdout } = await exec(process.execPath, args, { maxBuffer: 1 << 20, env: childEnv });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as T;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim().split('\n').filter((l) => l.trim() !== '').at(-1);
    return { ok: false, error: `crashed: ${stderr ?? (error instanceof Error ? error.message : String(error))}` };
  }
}

const options = readOptions(process.argv.slice(2));
// Workers read their settings from the environment, so `--time-ms=200` reaches them too.
const childEnv = {
  ...process.env, BENCH_WARMUP_MS: String(options.warmupMs), BENCH_TIME_MS: String(options.measureMs),
  BENCH_BATCH_MS: String(options.batchMs), BENCH_MEMORY_SCOPES: String(options.memoryScopes),
};
const chosen = (s: Scenario) => options.scenarios.length === 0 || options.scenarios.includes(s);
// The 1-minute load average, sampled every second while the run goes on and summarised at the end.
const loads: number[] = [];
setInterval(() => loads.push(loadavg()[0]!), 1000).unref();
const selected = peers.filter((p) => options.peers.length === 0 || options.peers.includes(p.name));
for (const name of options.peers) peerNamed(name); // a typo fails now, not as an empty table
for (const s of options.scenarios) {
  if (s !== 'S' && !(scenarios as readonly string[]).includes(s)) throw new Error(`No scenario ${s}; use ${scenarios.join(', ')}`);
}
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

console.log(`loopsafe micro bench: node ${process.version}, ${availableParallelism()} cpus (${cpus()[0]?.model ?? '?'}), load average ${load()}`);
console.log(`${options.runs} processes per pair, ${options.warmupMs} ms warm-up, ${options.measureMs} ms of ~${options.batchMs} ms batches each`);
console.log('note: figures are noisy when the machine is busy (other processes share these cores); compare ratios, not times.\n');

const g: Gathered = { ns: new Map(), batches: new Map(), failed: new Map() };
for (let rep = 0; rep < options.runs; rep++) {
  for (const scenario of scenarios.filter(chosen)) {
    const order = selected.filter((p) => p.only === undefined || p.only.includes(scenario));
    // Rotate the order each repetition so no peer always runs right after the same neighbour.
    const rotated = [...order.slice(rep % order.length), ...order.slice(0, rep % order.length)];
    for (const peer of rotated) {
      const key = pairKey(peer.name, scenario);
      if (g.failed.has(key)) continue;
      const result = await child<WorkerResult>([here('./worker.js'), peer.name, scenario]);
      if (!result.ok) {
        g.failed.set(key, result.error);
        console.error(`run ${rep + 1}/${options.runs} ${scenario} ${peer.name}: FAILED ${result.error}`);
        continue;
      }
      const list = g.ns.get(key) ?? [];
      list.push(result.timing.nsPerOp);
      g.ns.set(key, list);
      const { batches: kept, preempted: interrupted } = result.timing;
      const sum = g.batches.get(key) ?? { kept: 0, interrupted: 0 };
      g.batches.set(key, { kept: sum.kept + kept, interrupted: sum.interrupted + interrupted });
      console.error(`run ${rep + 1}/${options.runs} ${scenario} ${peer.name}: ${formatNs(result.timing.nsPerOp)} (${kept} batches, ${interrupted} interrupted)`);
    }
  }
}

// The scale scenario: M3 with 10 and with 10,000 request-scoped providers registered that no request uses, time
// and heap per open scope, peers interleaved; then check() and boot() by graph size.
const scale: ScaleGathered = { time: new Map(), memory: new Map(), boot: [], failed: new Map() };
if (options.scenarios.length === 0 || options.scenarios.includes('S')) {
  const scalePeers = Object.keys(scaleGraphs).filter((p) => options.peers.length === 0 || options.peers.includes(p));
  for (let rep = 0; rep < options.runs; rep++) {
    for (const size of scaleSizes) {
      const rotated = [...scalePeers.slice(rep % scalePeers.length), ...scalePeers.slice(0, rep % scalePeers.length)];
      for (const peer of rotated) {
        const key = `${peer}|${size}`;
        if (scale.failed.has(key)) continue;
        const timed = await child<ScaleResult>([here('./scale/worker.js'), peer, String(size), 'time']);
        const heap = rep === 0 ? await child<ScaleResult>(['--expose-gc', here('./scale/worker.js'), peer, String(size), 'memory']) : undefined;
        for (const [result, into] of [[timed, scale.time], [heap, scale.memory]] as const) {
          if (result === undefined) continue;
          if (!result.ok) {
            scale.failed.set(key, result.error);
            continue;
          }
          into.set(key, [...(into.get(key) ?? []), result.value]);
        }
        console.error(`run ${rep + 1}/${options.runs} scale ${size} unused ${peer}: ${timed.ok ? formatNs(timed.value) : `FAILED ${timed.error}`}`);
      }
    }
  }
  if (options.peers.length === 0 || options.peers.includes('loopsafe')) {
    for (const size of bootSizes) {
      const result = await child<BootResult>([here('./scale/boot.js'), String(size)]);
      if ('checkMs' in result) scale.boot.push(result);
      else scale.failed.set(`loopsafe boot|${size}`, result.error);
      console.error(`boot ${size} providers: ${'checkMs' in result ? `check ${result.checkMs.toFixed(1)} ms, boot ${result.bootMs.toFixed(1)} ms` : `FAILED ${result.error}`}`);
    }
  }
}

let memory: MemoryResult | string | undefined;
if (selected.some((p) => p.name === 'loopsafe')) {
  const result = await child<MemoryResult>(['--expose-gc', here('./memory.js')]);
  memory = 'error' in result ? result.error : result;
}

console.log('');
printTables(g);
printTargets(g, memory);
printScale(scale);
console.log(`\nload average (1 min) during the run: min ${Math.min(...loads).toFixed(2)}, max ${Math.max(...loads).toFixed(2)}; at the end ${load()}`);
