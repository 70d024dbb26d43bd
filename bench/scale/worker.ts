/**
 * One (peer, size) of the scale scenario in its own process: `node scale/worker.js <peer> <unused> time|memory`.
 * `time`: ns per open-resolve-dispose. `memory` (needs --expose-gc): heap bytes per open scope, with 2,000 scopes
 * held open at once. Prints one JSON line.
 */
import { readOptions } from '../options.js';
import { time } from '../timing.js';
import { scaleGraphs, type OpenScope } from './graphs.js';

/** What a scale worker prints. */
export type ScaleResult = { ok: true; value: number } | { ok: false; error: string };

const [peer, size, what] = process.argv.slice(2) as [string, string, 'time' | 'memory'];

async function main(): Promise<ScaleResult> {
  const make = scaleGraphs[peer];
  if (make === undefined) return { ok: false, error: `no scale peer ${peer}` };
  const graph = make(Number(size));
  const first = await graph.open(1);
  const second = await graph.open(2);
  if (first.e === second.e || first.e.c.a.id !== 1 || second.e.d.b.id !== 2) return { ok: false, error: 'scopes share instances' };
  await first.close();
  await second.close();
  if (first.e.disposals !== 1) return { ok: false, error: `E disposed ${first.e.disposals} times` };
  if (what === 'time') {
    let id = 2;
    const op = (): unknown => {
      const open = graph.open(++id);
      if (open instanceof Promise) return open.then((o) => o.close());
      return open.close();
    };
    return { ok: true, value: (await time(op, readOptions())).nsPerOp };
  }
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return { ok: false, error: 'memory needs --expose-gc' };
  const held: OpenScope[] = [];
  const count = 2000;
  for (let i = 0; i < 200; i++) await (await graph.open(i)).close(); // warm
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < count; i++) held.push(await graph.open(i));
  gc();
  const after = process.memoryUsage().heapUsed;
  for (const s of held) await s.close();
  return { ok: true, value: (after - before) / count };
}

process.stdout.write(`${JSON.stringify(await main())}\n`);
