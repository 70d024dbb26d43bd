/** Turns the gathered per-process figures into the printed tables and the met / NOT met lines. */
import { scenarios, type Scenario } from './checks.js';
import type { MemoryResult } from './memory.js';
import { peers } from './peers.js';
import { median } from './timing.js';

/** Per (peer, scenario): each process's ns/op, or why the peer failed its check. */
export interface Gathered {
  readonly ns: Map<string, number[]>;
  /** Per pair: timed batches kept, and batches left out because the OS interrupted them. */
  readonly batches: Map<string, { kept: number; interrupted: number }>;
  readonly failed: Map<string, string>;
}

/** The key of a (peer, scenario) pair in {@link Gathered}. */
export const pairKey = (peer: string, scenario: Scenario): string => `${peer}|${scenario}`;

const titles: Record<Scenario, string> = { M1: 'M1 singleton', M2: 'M2 transient', M3: 'M3 request scope', M4: 'M4 100 concurrent async' };

/** `12.3 ns` or `4.56 µs`. */
export function formatNs(ns: number): string {
  if (ns < 1000) return `${ns.toFixed(1)} ns`;
  return ns < 100_000 ? `${(ns / 1000).toFixed(2)} µs` : `${(ns / 1000).toFixed(1)} µs`;
}

function medianOf(g: Gathered, peer: string, scenario: Scenario): number | undefined {
  const values = g.ns.get(pairKey(peer, scenario));
  return values === undefined || values.length === 0 ? undefined : median(values);
}

function cell(g: Gathered, peer: string, scenario: Scenario): string {
  const failure = g.failed.get(pairKey(peer, scenario));
  if (failure !== undefined) return 'FAILED check';
  const m = medianOf(g, peer, scenario);
  if (m === undefined) return '-';
  const base = medianOf(g, 'hand-written', scenario);
  return base === undefined ? formatNs(m) : `${formatNs(m)} (${(m / base).toFixed(2)}x)`;
}

/** The markdown table: median ns/op and the ratio to the hand-written container, then the spread. */
export function printTables(g: Gathered): void {
  const cols = peers.filter((p) => scenarios.some((s) => g.ns.has(pairKey(p.name, s)) || g.failed.has(pairKey(p.name, s))));
  console.log(`| scenario | ${cols.map((p) => p.name).join(' | ')} |`);
  console.log(`|---|${cols.map(() => '---:').join('|')}|`);
  for (const s of scenarios) console.log(`| ${titles[s]} | ${cols.map((p) => cell(g, p.name, s)).join(' | ')} |`);
  console.log('\nmedian ns/op over processes; spread = min..max over processes; batches the OS interrupted were left out:');
  for (const s of scenarios) {
    for (const p of cols) {
      const values = g.ns.get(pairKey(p.name, s));
      if (values === undefined || values.length === 0) continue;
      const m = median(values);
      const lo = Math.min(...values);
      const hi = Math.max(...values);
      const pct = (((hi - lo) / 2 / m) * 100).toFixed(1);
      const b = g.batches.get(pairKey(p.name, s));
      const cut = b === undefined ? '' : `, ${Math.round((100 * b.interrupted) / (b.kept + b.interrupted))}% of batches left out`;
      console.log(`  ${s} ${p.name.padEnd(26)} ${formatNs(m).padStart(10)}  ${formatNs(lo)}..${formatNs(hi)} (±${pct}%, ${values.length} runs${cut})`);
    }
  }
  for (const [key, why] of g.failed) console.log(`  FAILED ${key.replace('|', ' ')}: ${why}`);
}

const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');

/** One line per target. */
export function printTargets(g: Gathered, memory: MemoryResult | string | undefined): void {
  const ls = (s: Scenario) => medianOf(g, 'loopsafe', s);
  const line = (text: string) => console.log(`  ${text}`);
  console.log('\ntargets:');
  const m1 = ls('M1');
  const hw1 = medianOf(g, 'hand-written', 'M1');
  if (m1 === undefined || hw1 === undefined) line('M1: not measured (needs loopsafe and hand-written)');
  else line(`M1 singleton: loopsafe ${formatNs(m1)} = ${(m1 / hw1).toFixed(2)}x hand-written (target <= 1.2x): ${verdict(m1 <= 1.2 * hw1)}`);

  const m2 = ls('M2');
  const inv2 = medianOf(g, 'inversify', 'M2');
  if (m2 === undefined || inv2 === undefined) line('M2: not measured (needs loopsafe and inversify)');
  else line(`M2 transient: loopsafe ${formatNs(m2)} = ${(m2 / inv2).toFixed(2)}x inversify ${formatNs(inv2)} (target <= 1x): ${verdict(m2 <= inv2)}`);

  const m3 = ls('M3');
  const rivals = peers.filter((p) => p.competitor === true)
    .map((p) => ({ name: p.name, ns: medianOf(g, p.name, 'M3') }))
    .filter((r): r is { name: string; ns: number } => r.ns !== undefined)
    .sort((a, b) => a.ns - b.ns);
  const fastest = rivals[0];
  const hw3 = medianOf(g, 'hand-written', 'M3');
  if (m3 === undefined) line('M3: not measured');
  else {
    if (hw3 !== undefined) line(`M3 request scope: loopsafe ${formatNs(m3)} = ${(m3 / hw3).toFixed(2)}x hand-written ${formatNs(hw3)} (target <= 1.0x): ${verdict(m3 <= hw3)}`);
    if (fastest === undefined) line('M3 vs peers: not measured (needs awilix, inversify or tsyringe)');
    else line(`M3 request scope: ${(m3 / fastest.ns).toFixed(2)}x the fastest peer, ${fastest.name} ${formatNs(fastest.ns)} (target <= 0.4x): ${verdict(m3 <= 0.4 * fastest.ns)}`);
  }

  const m4 = ls('M4');
  const fastest4 = peers.filter((p) => p.competitor === true)
    .map((p) => ({ name: p.name, ns: medianOf(g, p.name, 'M4') }))
    .filter((r): r is { name: string; ns: number } => r.ns !== undefined)
    .sort((a, b) => a.ns - b.ns)[0];
  if (m4 === undefined || fastest4 === undefined) line('M4: not measured (needs loopsafe and a peer)');
  else line(`M4 100 concurrent async: loopsafe ${formatNs(m4)} = ${(m4 / fastest4.ns).toFixed(2)}x the fastest peer, ${fastest4.name} ${formatNs(fastest4.ns)} (target <= 1x): ${verdict(m4 <= fastest4.ns)}`);

  const base = peers.find((p) => p.name === 'loopsafe baseline');
  if (base !== undefined) {
    for (const s of scenarios) {
      // Each repetition ran both builds back to back (interleaved), so each pair of runs gives one ratio.
      const now = g.ns.get(pairKey('loopsafe', s));
      const then = g.ns.get(pairKey(base.name, s));
      if (now === undefined || then === undefined || now.length !== then.length) {
        line(`${s} vs baseline: not measured (needs loopsafe and loopsafe baseline, with no failed run)`);
        continue;
      }
      const ratios = now.map((ns, i) => ns / then[i]!).sort((a, b) => a - b);
      const m = median(ratios);
      line(`${titles[s]} vs the baseline build: ${m.toFixed(2)}x at the median (min ${ratios[0]!.toFixed(2)}x, max ${ratios.at(-1)!.toFixed(2)}x over ${ratios.length} paired runs) (target <= 1x, no slower): ${verdict(m <= 1)}`);
    }
  }

  if (memory === undefined) line('memory: not measured');
  else if (typeof memory === 'string') line(`memory: FAILED, ${memory}`);
  else {
    const mib = (b: number) => `${(b / 2 ** 20).toFixed(2)} MiB`;
    const delta = memory.endBytes - memory.startBytes;
    line(`memory: ${memory.scopes} scopes, heap after GC ${mib(memory.startBytes)} -> ${mib(memory.endBytes)}, delta ${delta >= 0 ? '+' : ''}${(delta / 1024).toFixed(0)} KiB (target within 2 MiB): ${verdict(Math.abs(delta) <= 2 * 2 ** 20)}`);
  }
}
