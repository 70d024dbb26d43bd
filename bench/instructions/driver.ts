/**
 * One scenario, N times, with nothing else: `node --single-threaded driver.js <graph module> <scenario> <N>`. Run
 * under cachegrind by run.ts, twice with different N: the difference is the steady-state cost of N2 - N1 operations.
 */
import { pathToFileURL } from 'node:url';
import type { PeerGraph } from '../graph/peer.js';

const [graphModule, scenario, count] = process.argv.slice(2) as [string, string, string];
const { createGraph } = (await import(pathToFileURL(graphModule).href)) as { createGraph: () => PeerGraph };
const graph = createGraph();
const n = Number(count);
let id = 0;
switch (scenario) {
  case 'M1': for (let i = 0; i < n; i++) graph.singleton(); break;
  case 'M2': for (let i = 0; i < n; i++) graph.transient(); break;
  case 'M3': for (let i = 0; i < n; i++) await graph.request(++id); break;
  case 'M4': for (let i = 0; i < n; i++) await graph.concurrent(); break;
  default: throw new Error(`No scenario ${scenario}; use M1, M2, M3 or M4`);
}
