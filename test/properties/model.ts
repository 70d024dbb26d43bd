/**
 * A small reference model of loopsafe's graph rules, written independently of src/, for the property tests:
 * graphs as plain data, and what check() must find in them (missing providers, cyclic components, captives).
 */
import fc from 'fast-check';
import type { Lifetime } from '../../src/index.js';

/** One generated provider. `deps` index other nodes; `missing` index keys nobody provides. */
export interface NodeSpec {
  lifetime: Lifetime;
  async: boolean;
  /** setImmediate turns an async factory waits before it settles. */
  ticks: number;
  fails: boolean;
  disposer: 'none' | 'option' | 'own';
  deps: number[];
  /** Dependencies asked for with lazy(key): checked at boot, never closing a cycle. */
  lazy: number[];
  missing: number[];
  optionalMissing: number[];
}

export const MISSING_KEYS = 3;
export const nodeName = (i: number): string => `N${i}`;
export const missingName = (i: number): string => `M${i}`;

const lifetime = fc.constantFrom<Lifetime>('singleton', 'request', 'transient');

/** Any graph: edges may point anywhere (cycles, self-loops) and to missing keys. */
export const anyGraph = fc.integer({ min: 1, max: 8 }).chain((n) =>
  fc.array(
    fc.record({
      lifetime,
      async: fc.boolean(),
      ticks: fc.constant(0),
      fails: fc.constant(false),
      disposer: fc.constant<'none'>('none'),
      deps: fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: 3 }),
      lazy: fc.oneof({ weight: 3, arbitrary: fc.constant<number[]>([]) }, { weight: 1, arbitrary: fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: 2 }) }),
      missing: fc.oneof({ weight: 4, arbitrary: fc.constant<number[]>([]) }, { weight: 1, arbitrary: fc.uniqueArray(fc.integer({ min: 0, max: MISSING_KEYS - 1 }), { maxLength: 2 }) }),
      optionalMissing: fc.oneof({ weight: 4, arbitrary: fc.constant<number[]>([]) }, { weight: 1, arbitrary: fc.uniqueArray(fc.integer({ min: 0, max: MISSING_KEYS - 1 }), { maxLength: 1 }) }),
    }),
    { minLength: n, maxLength: n },
  ),
);

/**
 * A graph check() accepts: edges point only to higher indices (no cycle), nothing is missing, and a singleton
 * that would hold a request-scoped provider (directly or through transients) is made request-scoped.
 */
export const validGraph = fc.integer({ min: 1, max: 7 }).chain((n) =>
  fc.array(
    fc.record({
      lifetime,
      async: fc.boolean(),
      ticks: fc.integer({ min: 0, max: 3 }),
      fails: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      disposer: fc.constantFrom<'none' | 'option' | 'own'>('none', 'option', 'own'),
      deps: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { maxLength: 3 }),
      lazy: fc.constant<number[]>([]),
      missing: fc.constant<number[]>([]),
      optionalMissing: fc.constant<number[]>([]),
    }),
    { minLength: n, maxLength: n },
  ).map((nodes) => {
    nodes.forEach((node, i) => (node.deps = node.deps.filter((d) => d > i && d < nodes.length)));
    const tainted: boolean[] = [];
    for (let i = nodes.length - 1; i >= 0; i--) {
      const node = nodes[i]!;
      const holdsRequest = node.deps.some((d) => tainted[d]);
      if (node.lifetime === 'singleton' && holdsRequest) node.lifetime = 'request';
      tainted[i] = node.lifetime === 'request' || (node.lifetime === 'transient' && holdsRequest);
    }
    return nodes;
  }),
);

/** (holder, missing key) pairs: every provider with a required dependency nobody provides. */
export function modelMissing(nodes: readonly NodeSpec[]): Set<string> {
  const found = new Set<string>();
  nodes.forEach((node, i) => node.missing.forEach((m) => found.add(`${nodeName(i)}>${missingName(m)}`)));
  return found;
}

/** The strongly connected components that contain a cycle (more than one node, or a self-loop), as sorted names. */
export function modelCyclicComponents(nodes: readonly NodeSpec[]): Set<string> {
  let index = 0;
  const idx: number[] = [];
  const low: number[] = [];
  const onStack: boolean[] = [];
  const stack: number[] = [];
  const result = new Set<string>();
  const strong = (v: number): void => {
    idx[v] = low[v] = index++;
    stack.push(v);
    onStack[v] = true;
    for (const w of nodes[v]!.deps) {
      if (idx[w] === undefined) {
        strong(w);
        low[v] = Math.min(low[v]!, low[w]!);
      } else if (onStack[w]) {
        low[v] = Math.min(low[v]!, idx[w]!);
      }
    }
    if (low[v] === idx[v]) {
      const component: number[] = [];
      let w: number;
      do {
        w = stack.pop()!;
        onStack[w] = false;
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || nodes[v]!.deps.includes(v)) result.add(component.map(nodeName).sort().join(','));
    }
  };
  nodes.forEach((_, v) => idx[v] === undefined && strong(v));
  return result;
}

/** (singleton holder, request-scoped provider) pairs reachable through transients only. */
export function modelCaptives(nodes: readonly NodeSpec[]): Set<string> {
  const found = new Set<string>();
  nodes.forEach((holder, h) => {
    if (holder.lifetime !== 'singleton') return;
    const seen = new Set<number>([h]);
    const walk = (v: number): void => {
      // A lazy dependency is a transient resolver of its key: the captive rule looks through it.
      for (const d of [...nodes[v]!.deps, ...nodes[v]!.lazy]) {
        if (seen.has(d)) continue;
        seen.add(d);
        if (nodes[d]!.lifetime === 'request') found.add(`${nodeName(h)}>${nodeName(d)}`);
        else if (nodes[d]!.lifetime === 'transient') walk(d);
      }
    };
    walk(h);
  });
  return found;
}

const lazyName = /^lazy\(N(\d+)\)$/;

/**
 * Whether `path` follows real edges of the graph (by node name). A lazy edge shows as `Nx -> lazy(Ny) -> Ny`; the
 * last step may name a missing key.
 */
export function isChain(nodes: readonly NodeSpec[], path: readonly string[], lastMayBeMissing = false): boolean {
  for (let k = 0; k + 1 < path.length; k++) {
    const to = path[k + 1]!;
    const lazyFrom = lazyName.exec(path[k]!);
    if (lazyFrom !== null) {
      if (to !== `N${lazyFrom[1]}`) return false;
      continue;
    }
    const from = nodes[Number(path[k]!.slice(1))];
    if (from === undefined || !path[k]!.startsWith('N')) return false;
    const lazyTo = lazyName.exec(to);
    const ok = lazyTo !== null ? from.lazy.includes(Number(lazyTo[1]))
      : to.startsWith('N') ? from.deps.includes(Number(to.slice(1)))
        : lastMayBeMissing && k + 2 === path.length && from.missing.includes(Number(to.slice(1)));
    if (!ok) return false;
  }
  return true;
}

/** Every node `root` needs, itself included. */
export function reach(nodes: readonly NodeSpec[], root: number): Set<number> {
  const seen = new Set<number>();
  const visit = (v: number): void => {
    if (seen.has(v)) return;
    seen.add(v);
    nodes[v]!.deps.forEach(visit);
  };
  visit(root);
  return seen;
}

/** fast-check parameters: modest runs; FC_SEED (printed by fast-check on failure) replays a failing run. */
export function runParameters(numRuns: number): fc.Parameters<unknown> {
  const seed = process.env['FC_SEED'];
  return seed === undefined ? { numRuns } : { numRuns, seed: Number(seed) };
}
