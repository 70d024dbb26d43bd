/** The peers in table order, each loaded only inside its own worker process. */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Scenario } from './checks.js';
import type { PeerGraph } from './graph/peer.js';

/** One contestant. */
export interface Peer {
  /** The name the worker is started with and the table shows. */
  readonly name: string;
  /** The scenarios it runs; undefined means all. */
  readonly only?: readonly Scenario[];
  /** True when it is the hand-written baseline every ratio divides by. */
  readonly baseline?: boolean;
  /** True when it is a competitor whose figures the loopsafe targets compare against. */
  readonly competitor?: boolean;
  readonly load: () => Promise<PeerGraph>;
}

/**
 * Another build of loopsafe to compare against in the same run: `BENCH_BASELINE=<dir>` names a checkout of another
 * commit (0.1 is 66240a9) built with `npx tsc -p tsconfig.json`; its own bench graph is loaded from there.
 */
const baselineDir = process.env['BENCH_BASELINE'];

/** The baseline build's bench graph module (a file path), when `BENCH_BASELINE` names one. */
export const baselineGraph: string | undefined =
  baselineDir === undefined || baselineDir === '' ? undefined : resolve(baselineDir, 'dist/bench/graph/loopsafe.js');

/** Every peer. */
export const peers: readonly Peer[] = [
  { name: 'hand-written', baseline: true, load: async () => (await import('./graph/handwritten.js')).createGraph() },
  { name: 'loopsafe', load: async () => (await import('./graph/loopsafe.js')).createGraph() },
  {
    // The same graph with every loopsafe tracing channel subscribed: what turning tracing on costs.
    name: 'loopsafe traced', only: ['M1', 'M2', 'M3'],
    load: async () => {
      (await import('./tracing-on.js')).traceEverything();
      return (await import('./graph/loopsafe.js')).createGraph();
    },
  },
  { name: 'awilix', competitor: true, load: async () => (await import('./graph/awilix.js')).createGraph() },
  { name: 'inversify', competitor: true, load: async () => (await import('./graph/inversify.js')).createGraph() },
  {
    name: 'inversify inRequestScope', only: ['M3'],
    load: async () => (await import('./graph/inversify.js')).createRequestScopeGraph(),
  },
  { name: 'tsyringe', competitor: true, load: async () => (await import('./graph/tsyringe.js')).createGraph() },
  ...(baselineGraph === undefined ? [] : [{
    name: 'loopsafe baseline',
    load: async () => {
      const graph = pathToFileURL(baselineGraph).href;
      return ((await import(graph)) as { createGraph: () => PeerGraph }).createGraph();
    },
  }]),
];

/** The peer with this name. */
export function peerNamed(name: string): Peer {
  const peer = peers.find((p) => p.name === name);
  if (peer === undefined) throw new Error(`No peer named ${name}; known: ${peers.map((p) => p.name).join(', ')}`);
  return peer;
}
