// One process, one variant: time M3 (open scope, supply id, resolve E, dispose) in ~2 ms batches. Prints JSON.
import { buildGraph, E, idFromFactory, RequestId, type Variant } from './graph.js';

const variant = (process.argv[2] ?? 'none') as Variant;
const seconds = Number(process.argv[3] ?? 1);
const { container, disposed } = buildGraph(variant);
await container.boot();
/** A request scope with its id: supplied, or made by the graph's own factory (M3_ID=factory, counting from 1). */
const open = (id: number) => (idFromFactory ? container.createScope() : container.createScope().supply(RequestId, id));

// Checked before timing: C and D share one A, ids reach A and B, a new scope gets new instances, one disposal each.
{
  const s1 = open(1);
  const e1 = await s1.resolve(E);
  const s2 = open(2);
  const e2 = await s2.resolve(E);
  if (e1.c.a !== e1.d.a || e1 === e2 || (e1.c.a as { id: number }).id !== 1) throw new Error('graph check failed');
  await s1.dispose();
  await s2.dispose();
  if (disposed() !== 2) throw new Error('disposer check failed');
}

let id = 0;
async function batch(ops: number): Promise<bigint> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) {
    const scope = open(++id);
    await scope.resolve(E);
    await scope.dispose();
  }
  return process.hrtime.bigint() - start;
}

const yieldLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
let ops = 64;
for (const end = Date.now() + 300; Date.now() < end; await yieldLoop()) {
  const ns = await batch(ops);
  if (ns < 2_000_000n) ops *= 2; // grow to ~2 ms batches
}
const perOp: number[] = [];
const before = disposed();
let total = 0;
for (const end = Date.now() + seconds * 1000; Date.now() < end; await yieldLoop()) {
  perOp.push(Number(await batch(ops)) / ops);
  total += ops;
}
if (disposed() - before !== total) throw new Error('disposed count differs from operations');
perOp.sort((x, y) => x - y);
process.stdout.write(JSON.stringify({ variant, nsPerOp: perOp[perOp.length >> 1], batches: perOp.length }));
process.exit(0);
