/**
 * Boot cost by graph size, in its own process: `node scale/boot.js <providers>`. A layered graph of singletons
 * (each depends on the one before it and on one halfway back) plus one request-scoped provider in ten; prints the
 * milliseconds `check()` and `boot()` (with every singleton eager, so boot constructs all of them) took.
 */
import { createContainer, provide, token, type Registration, type Token } from '../../src/index.js';

/** What a boot worker prints. */
export interface BootResult {
  readonly providers: number;
  readonly checkMs: number;
  readonly bootMs: number;
}

function graph(n: number, eager: boolean): Registration[] {
  const keys: Token<number>[] = [];
  const out: Registration[] = [];
  for (let i = 0; i < n; i++) {
    const key = token<number>(`P${i}`);
    keys.push(key);
    const request = i % 10 === 9;
    const deps = i === 0 ? [] : i === 1 ? [keys[0]!] : [keys[i - 1]!, keys[i >> 1]!];
    // A request-scoped provider may depend on anything; a singleton only on singletons (or it would be captive).
    const safe = request ? deps : deps.filter((_, j) => (j === 0 ? (i - 1) % 10 !== 9 : (i >> 1) % 10 !== 9));
    out.push(provide(key, {
      lifetime: request ? 'request' : 'singleton',
      inject: safe,
      useFactory: (...values: number[]) => values.length + 1,
      ...(eager && !request ? { eager: true } : {}),
    }) as Registration);
  }
  return out;
}

const n = Number(process.argv[2]);
graph(1000, false); // warm the code paths
const checked = createContainer({ providers: graph(n, false) });
let start = process.hrtime.bigint();
checked.check();
const checkMs = Number(process.hrtime.bigint() - start) / 1e6;
const booted = createContainer({ providers: graph(n, true) });
start = process.hrtime.bigint();
await booted.boot();
const bootMs = Number(process.hrtime.bigint() - start) / 1e6;
const result: BootResult = { providers: n, checkMs, bootMs };
process.stdout.write(`${JSON.stringify(result)}\n`);
