import { keyName, type Key } from '../tokens.js';
import type { Plan } from '../resolution/plan.js';
import { declarationOf } from './declared.js';
import type { AppGraph, GraphEdge, GraphProvider, GraphRoute } from './model.js';
import { readPlan, type PlanFacts } from './plan-view.js';
import type { RouteRoot } from './roots.js';

/**
 * Describe a checked container's plans as an {@link AppGraph}. Routes' synthetic providers become routes, and each
 * route lists every provider it reaches. @internal
 */
export function describeGraph(plans: Iterable<Plan>, roots: readonly RouteRoot[]): AppGraph {
  const routeKeys = new Map<Key, RouteRoot>(roots.map((r) => [r.key, r]));
  const all = [...plans].map(readPlan);
  // The wrappers lazy(key) links through are machinery: the edge points past them to the provider.
  const wrappers = new Set(all.flatMap((f) => f.deps.map((d) => d.via)));
  const used = new Set(all.flatMap((f) => f.deps.map((d) => d.target?.key)));
  const facts = all.filter((f) => !wrappers.has(f.key) && !(f.builtIn && !used.has(f.key)));
  const ids = new Map<Key, string>();
  const providers: GraphProvider[] = [];
  for (const f of facts) {
    if (routeKeys.has(f.key)) continue;
    const id = `p${providers.length}`;
    ids.set(f.key, id);
    providers.push({
      id, name: f.name, lifetime: f.lifetime, kind: f.kind, synchrony: f.synchrony, eager: f.eager,
      hasDisposer: f.hasDisposer, declaredAt: declarationOf(f.key),
    });
  }
  const routeIds = new Map<Key, string>();
  roots.forEach((r, i) => routeIds.set(r.key, `r${i}`));

  const edges: GraphEdge[] = [];
  const byKey = new Map<Key, PlanFacts>(facts.map((f) => [f.key, f]));
  for (const f of facts) {
    const from = routeIds.get(f.key) ?? ids.get(f.key);
    if (from === undefined) continue;
    for (const dep of f.deps) {
      const target = dep.target === undefined ? undefined : ids.get(dep.target.key);
      edges.push({ from, to: target, toName: dep.target?.name ?? keyName(dep.key), kind: dep.kind });
    }
  }

  const routes: GraphRoute[] = roots.map((r, i) => ({
    id: `r${i}`, method: r.method, url: r.url, reaches: reachable(byKey.get(r.key), byKey, ids),
  }));
  return { providers, edges, routes };
}

/** The ids of every provider reachable from `start`, in the order first reached. */
function reachable(start: PlanFacts | undefined, byKey: Map<Key, PlanFacts>, ids: Map<Key, string>): string[] {
  const seen = new Set<string>();
  const queue = start === undefined ? [] : [start];
  // An index walk rather than shift(): a deep graph stays linear.
  for (let i = 0; i < queue.length; i++) {
    for (const dep of queue[i]!.deps) {
      if (dep.target === undefined) continue;
      const id = ids.get(dep.target.key);
      if (id === undefined || seen.has(id)) continue;
      seen.add(id);
      const next = byKey.get(dep.target.key);
      if (next !== undefined) queue.push(next);
    }
  }
  return [...seen];
}
