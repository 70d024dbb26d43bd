import { CaptiveDependencyError, CycleError, MissingProviderError } from '../errors/container.js';
import type { LoopsafeError } from '../errors/base.js';
import { isCaptive } from '../scopes/lifetime.js';
import { keyName, type Key } from '../tokens.js';
import type { ForeignContainer } from '../container/inversify.js';
import { isOptional } from '../container/provider.js';
import { foreignPlan, KIND_CONSTRUCTED, REQUEST, SINGLETON, type Plan } from './plan.js';

/**
 * Link every plan to its dependencies' plans and check the whole graph once: missing providers, cycles and
 * captive dependencies. Returns every problem found, each with its provider path, so one boot reports them all.
 */
export function linkAndCheck(plans: Map<Key, Plan>, foreign: ForeignContainer | undefined): LoopsafeError[] {
  const problems: LoopsafeError[] = [];
  const missing = new Map<Plan, Key[]>();

  for (const plan of [...plans.values()]) {
    plan.deps = plan.depKeys.map((dep) => {
      const key = isOptional(dep) ? dep.key : dep;
      let target = plans.get(key);
      if (target === undefined && foreign?.has(key)) {
        target = foreignPlan(key, foreign);
        plans.set(key, target);
      }
      if (target === undefined && !isOptional(dep)) {
        const list = missing.get(plan) ?? [];
        list.push(key);
        missing.set(plan, list);
      }
      return target;
    });
  }
  for (const plan of plans.values()) {
    plan.direct = plan.kind === KIND_CONSTRUCTED && plan.deps.length <= 4 &&
      plan.deps.every((dep) => dep !== undefined && dep.lt === SINGLETON && dep.kind === KIND_CONSTRUCTED);
  }

  // One depth-first walk finds cycles and gives each missing provider the path by which it was first reached.
  const state = new Map<Plan, 'open' | 'done'>();
  const stack: Plan[] = [];
  const seenCycles = new Set<string>();
  const reportedMissing = new Set<Plan>();
  const visit = (plan: Plan): void => {
    state.set(plan, 'open');
    stack.push(plan);
    const names = stack.map((p) => p.name);
    if (!reportedMissing.has(plan)) {
      reportedMissing.add(plan);
      for (const key of missing.get(plan) ?? []) {
        const target = plans.get(key);
        problems.push(new MissingProviderError([...names, target?.name ?? keyName(key)]));
      }
    }
    for (const dep of plan.deps) {
      if (dep === undefined) continue;
      const s = state.get(dep);
      if (s === 'open') {
        const cycle = stack.slice(stack.indexOf(dep)).map((p) => p.name);
        const id = [...cycle].sort().join('\0');
        if (!seenCycles.has(id)) {
          seenCycles.add(id);
          problems.push(new CycleError([...cycle, dep.name]));
        }
      } else if (s === undefined) {
        visit(dep);
      }
    }
    stack.pop();
    state.set(plan, 'done');
  };
  for (const plan of plans.values()) if (!state.has(plan)) visit(plan);

  // The captive rule, asked once per edge: a singleton may not reach a request-scoped provider, directly or
  // through transients (a transient lives as long as whatever holds it).
  for (const holder of plans.values()) {
    if (holder.lifetime === 'request' || holder.lifetime === 'transient') continue;
    const walk = (plan: Plan, path: Plan[], seen: Set<Plan>): void => {
      for (const dep of plan.deps) {
        if (dep === undefined || seen.has(dep)) continue;
        seen.add(dep);
        if (dep.lt === REQUEST && isCaptive(holder.lifetime, dep.lifetime)) {
          problems.push(new CaptiveDependencyError([...path, dep].map((p) => p.name), holder.name, holder.lifetime, dep.name));
        } else if (dep.lifetime === 'transient') {
          walk(dep, [...path, dep], seen);
        }
      }
    };
    walk(holder, [holder], new Set([holder]));
  }
  return problems;
}

