/**
 * One (peer, scenario) in its own process: `node worker.js <peer> <scenario>`. Checks, times, checks again, and
 * prints one JSON line for run.js.
 */
import { check, type Scenario } from './checks.js';
import type { PeerGraph } from './graph/peer.js';
import { readOptions } from './options.js';
import { peerNamed } from './peers.js';
import { time, type Timing } from './timing.js';

/** What a worker prints. */
export type WorkerResult = { ok: true; timing: Timing } | { ok: false; error: string };

function operation(graph: PeerGraph, scenario: Scenario): () => unknown {
  switch (scenario) {
    case 'M1': return () => graph.singleton();
    case 'M2': return () => graph.transient();
    case 'M3': {
      let id = 0;
      return () => graph.request(++id);
    }
    case 'M4': return () => graph.concurrent();
  }
}

async function main(): Promise<WorkerResult> {
  const [name, scenario] = process.argv.slice(2) as [string, Scenario];
  const options = readOptions();
  let graph: PeerGraph;
  try {
    graph = await peerNamed(name).load();
    await check(graph, scenario);
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  const timing = await time(operation(graph, scenario), options);
  try {
    await check(graph, scenario); // the optimised code must still be right
  } catch (error) {
    return { ok: false, error: `after timing: ${error instanceof Error ? error.message : String(error)}` };
  }
  return { ok: true, timing };
}

process.stdout.write(`${JSON.stringify(await main())}\n`);
