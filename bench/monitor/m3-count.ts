// M3 for one monitor variant, a fixed number of operations and no timing: what cachegrind counts (instructions.ts).
import { buildGraph, E, RequestId, type Variant } from './graph.js';

const variant = (process.argv[2] ?? 'off') as Variant;
const ops = Number(process.argv[3] ?? 1000);
const { container } = buildGraph(variant);
await container.boot();
// Back to the event loop every 1000 operations, as m3.ts does between its timed batches and a server does always.
const yieldLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
for (let i = 0; i < ops; i++) {
  if (i % 1000 === 0) await yieldLoop();
  const scope = container.createScope().supply(RequestId, i);
  await scope.resolve(E);
  await scope.dispose();
}
process.exit(0);
