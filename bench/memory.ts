/**
 * The memory check, in its own process started with `--expose-gc`: open, resolve and dispose many loopsafe scopes
 * (yielding between batches, as a server does between requests) and compare the heap after GC with the heap
 * before. Prints one JSON line for run.js.
 */
import { createGraph } from './graph/loopsafe.js';
import { readOptions } from './options.js';

/** What the memory check prints. */
export interface MemoryResult {
  readonly scopes: number;
  readonly startBytes: number;
  readonly endBytes: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('memory.js needs node --expose-gc');
const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function settledHeap(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    gc!();
    await yieldTurn(); // lets finalizers and WeakRefs settle between collections
  }
  return process.memoryUsage().heapUsed;
}

async function scopes(graph: ReturnType<typeof createGraph>, count: number, from: number): Promise<void> {
  const batch = 1000;
  for (let done = 0; done < count; done += batch) {
    const n = Math.min(batch, count - done);
    for (let i = 0; i < n; i++) await graph.request(from + done + i);
    await yieldTurn();
  }
}

const count = readOptions().memoryScopes;
const graph = createGraph();
await scopes(graph, 2000, 0); // warm: compiled code and inline caches are not a leak
const startBytes = await settledHeap();
await scopes(graph, count, 2000);
const endBytes = await settledHeap();
// Use the container after the last measurement: otherwise V8 may collect it (and whatever it leaked) first,
// and the check would pass on a container that holds every scope it ever opened.
if (graph.singleton() === undefined) throw new Error('unreachable');
const result: MemoryResult = { scopes: count, startBytes, endBytes };
process.stdout.write(`${JSON.stringify(result)}\n`);
