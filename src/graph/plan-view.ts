import { isLazy, isOptional, type Dep } from '../declare/provider.js';
import { KIND_CONSTRUCTED, KIND_FOREIGN, KIND_SIGNAL, KIND_SUPPLIED, KIND_VALUE, type Plan } from '../resolution/plan.js';
import type { Key } from '../tokens.js';
import type { EdgeKind, GraphProvider, ProviderKind, Synchrony } from './model.js';

/** What the graph reads from one compiled plan: the only place that knows the plan's internal fields. @internal */
export interface PlanFacts extends Pick<GraphProvider, 'name' | 'lifetime' | 'kind' | 'synchrony' | 'eager' | 'hasDisposer'> {
  readonly key: Key;
  /** Provided by loopsafe itself (`AbortSignalToken`): shown only where something injects it. */
  readonly builtIn: boolean;
  /** Dependencies in argument order, each with the plan it was linked to at boot. */
  readonly deps: readonly {
    readonly key: Key;
    readonly kind: EdgeKind;
    readonly target: Plan | undefined;
    /** The key of the plan a `lazy(key)` edge links through (loopsafe's own wrapper, not a provider). */
    readonly via: Key | undefined;
  }[];
}

/** How a declared dependency is injected, and the key it names. */
function edgeOf(dep: Dep): { key: Key; kind: EdgeKind } {
  if (isOptional(dep)) return { key: dep.key, kind: 'optional' };
  if (isLazy(dep)) return { key: dep.key, kind: 'lazy' };
  return { key: dep, kind: 'plain' };
}

function kindOf(plan: Plan): ProviderKind {
  switch (plan.kind) {
    case KIND_VALUE: return 'value';
    case KIND_SUPPLIED:
    case KIND_SIGNAL: return 'supplied';
    case KIND_FOREIGN: return 'foreign';
    default: return plan.isClass ? 'class' : 'factory';
  }
}

function synchronyOf(plan: Plan): Synchrony {
  if (plan.kind === KIND_VALUE || plan.kind === KIND_SUPPLIED) return 'sync';
  if (plan.kind !== KIND_CONSTRUCTED || plan.fn === undefined) return 'unknown';
  if (plan.isClass) return 'sync';
  return plan.fn.constructor.name === 'AsyncFunction' ? 'async' : 'unknown';
}

/** Read one plan. @internal */
export function readPlan(plan: Plan): PlanFacts {
  return {
    key: plan.key,
    name: plan.name,
    lifetime: plan.lifetime,
    kind: kindOf(plan),
    synchrony: synchronyOf(plan),
    eager: plan.eager,
    hasDisposer: plan.disposer !== undefined,
    builtIn: plan.kind === KIND_SIGNAL,
    deps: plan.depKeys.map((dep, i) => {
      const edge = edgeOf(dep);
      const linked = plan.deps[i];
      // lazy(key) links to a wrapper plan whose one dependency is the provider itself: point the edge past it.
      const wrapped = edge.kind === 'lazy' && linked !== undefined && linked.key !== edge.key;
      return { ...edge, target: wrapped ? linked.deps[0] : linked, via: wrapped ? linked.key : undefined };
    }),
  };
}
