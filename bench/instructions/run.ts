/**
 * `node dist/bench/instructions/run.js [M1,M2,...]`: instructions per operation, counted by valgrind's cachegrind,
 * for loopsafe and (with `BENCH_BASELINE=<another built checkout>`) that build. Unlike time, the count hardly moves
 * when other processes share the machine, so a change of a few percent shows; it does not see cache misses or GC
 * pauses as time does, so a speed figure still comes from `npm run bench`.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { baselineGraph } from '../peers.js';

const exec = promisify(execFile);
const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

// Enough operations that JIT warm-up falls inside the first run and cancels out in the difference.
const counts: Record<string, readonly [number, number]> = {
  M1: [200_000, 1_200_000], M2: [200_000, 1_200_000], M3: [20_000, 120_000], M4: [2_000, 12_000],
};

async function instructions(graph: string, scenario: string, n: number): Promise<number> {
  // --single-threaded: no background compiler thread, so the JIT does the same work on every run.
  const args = ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null',
    process.execPath, '--single-threaded', here('./driver.js'), graph, scenario, String(n)];
  const { stderr } = await exec('valgrind', args, { maxBuffer: 1 << 24 });
  const match = /I\s+refs:\s+([\d,]+)/.exec(stderr);
  if (match === null) throw new Error(`cachegrind printed no instruction count:\n${stderr.slice(-500)}`);
  return Number(match[1]!.replaceAll(',', ''));
}

async function perOperation(graph: string, scenario: string): Promise<number> {
  const [n1, n2] = counts[scenario]!;
  return ((await instructions(graph, scenario, n2)) - (await instructions(graph, scenario, n1))) / (n2 - n1);
}

try {
  await exec('valgrind', ['--version']);
} catch {
  console.error('valgrind is not installed; this count needs it (apt install valgrind).');
  process.exit(1);
}
const scenarios = (process.argv[2] ?? 'M1,M2,M3,M4').split(',');
const builds: [string, string][] = [['loopsafe', here('../graph/loopsafe.js')]];
if (baselineGraph !== undefined) builds.push(['loopsafe baseline', baselineGraph]);
console.log(`instructions per operation (cachegrind, node ${process.version}, --single-threaded)`);
console.log(`| scenario | ${builds.map(([name]) => name).join(' | ')} |${builds.length > 1 ? ' ratio |' : ''}`);
console.log(`|---|${builds.map(() => '---:').join('|')}|${builds.length > 1 ? '---:|' : ''}`);
for (const scenario of scenarios) {
  if (counts[scenario] === undefined) throw new Error(`No scenario ${scenario}; use M1, M2, M3 or M4`);
  const figures: number[] = [];
  for (const [, graph] of builds) figures.push(await perOperation(graph, scenario));
  const ratio = figures.length > 1 ? ` ${(figures[0]! / figures[1]!).toFixed(2)}x |` : '';
  console.log(`| ${scenario} | ${figures.map((f) => Math.round(f).toLocaleString('en')).join(' | ')} |${ratio}`);
}
