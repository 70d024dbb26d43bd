/** Prints the scale scenario: per-request time and heap with few and many unused providers, and boot by size. */
import { formatNs } from '../report.js';
import { median } from '../timing.js';
import type { BootResult } from './boot.js';

/** Unused request-scoped providers registered beside the M3 graph. */
export const scaleSizes = [10, 10_000] as const;
/** Graph sizes whose check() and boot() are timed. */
export const bootSizes = [1_000, 10_000, 100_000] as const;

/** What run.js gathered for the scale scenario, keyed `peer|size`. */
export interface ScaleGathered {
  readonly time: Map<string, number[]>;
  readonly memory: Map<string, number[]>;
  readonly boot: BootResult[];
  readonly failed: Map<string, string>;
}

const range = (values: readonly number[], fmt: (n: number) => string): string =>
  `${fmt(median(values))} (${fmt(Math.min(...values))}..${fmt(Math.max(...values))})`;
const bytes = (n: number): string => (n < 10_000 ? `${n.toFixed(0)} B` : `${(n / 1024).toFixed(1)} KiB`);

/** The scale tables and the targets: 10,000 unused providers at most 1.1x 10, in time and in heap per scope. */
export function printScale(g: ScaleGathered): void {
  if (g.time.size === 0 && g.boot.length === 0 && g.failed.size === 0) return;
  const peers = [...new Set([...g.time.keys()].map((k) => k.split('|')[0]!))];
  const [few, many] = scaleSizes;
  console.log(`\nscale: open a scope, supply the id, resolve E, dispose, with ${few} / ${many} unused request-scoped providers registered (median (min..max) over processes):`);
  console.log(`| peer | ns/op, ${few} unused | ns/op, ${many} unused | ratio | heap per open scope, ${few} | heap, ${many} | ratio |`);
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const peer of peers) {
    const t1 = g.time.get(`${peer}|${few}`);
    const t2 = g.time.get(`${peer}|${many}`);
    const m1 = g.memory.get(`${peer}|${few}`);
    const m2 = g.memory.get(`${peer}|${many}`);
    const ratio = (a?: number[], b?: number[]): string => (a && b ? `${(median(b) / median(a)).toFixed(2)}x` : '-');
    console.log(`| ${peer} | ${t1 ? range(t1, formatNs) : '-'} | ${t2 ? range(t2, formatNs) : '-'} | ${ratio(t1, t2)} | ${m1 ? bytes(median(m1)) : '-'} | ${m2 ? bytes(median(m2)) : '-'} | ${ratio(m1, m2)} |`);
  }
  for (const [key, why] of g.failed) console.log(`  FAILED ${key.replace('|', ' ')}: ${why}`);
  if (g.boot.length > 0) {
    console.log('\nloopsafe check() and boot() (every singleton eager) by graph size:');
    console.log('| providers | check() | per provider | boot() | per provider |');
    console.log('|---:|---:|---:|---:|---:|');
    for (const b of g.boot) {
      console.log(`| ${b.providers} | ${b.checkMs.toFixed(1)} ms | ${((b.checkMs * 1000) / b.providers).toFixed(2)} µs | ${b.bootMs.toFixed(1)} ms | ${((b.bootMs * 1000) / b.providers).toFixed(2)} µs |`);
    }
  }
  const ls = (m: Map<string, number[]>, size: number) => m.get(`loopsafe|${size}`);
  const t1 = ls(g.time, few);
  const t2 = ls(g.time, many);
  const m1 = ls(g.memory, few);
  const m2 = ls(g.memory, many);
  console.log('\nscale targets:');
  if (t1 && t2) console.log(`  loopsafe time with ${many} unused = ${(median(t2) / median(t1)).toFixed(2)}x with ${few} (target <= 1.1x): ${median(t2) <= 1.1 * median(t1) ? 'met' : 'NOT met'}`);
  if (m1 && m2) console.log(`  loopsafe heap per open scope with ${many} unused = ${(median(m2) / median(m1)).toFixed(2)}x with ${few} (target <= 1.1x): ${median(m2) <= 1.1 * median(m1) ? 'met' : 'NOT met'}`);
  const first = g.boot[0];
  const last = g.boot.at(-1);
  if (first && last && first !== last) {
    const per = (b: BootResult, ms: number) => ms / b.providers;
    console.log(`  check() per provider at ${last.providers} = ${(per(last, last.checkMs) / per(first, first.checkMs)).toFixed(2)}x at ${first.providers}; boot() ${(per(last, last.bootMs) / per(first, first.bootMs)).toFixed(2)}x (linear means about 1x)`);
  }
}
