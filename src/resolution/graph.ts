import { CaptiveDependencyError, CycleError, MissingProviderError } from '../errors/container.js';
import type { LoopsafeError } from '../errors/base.js';
import { isCaptive } from '../scopes/lifetime.js';
import { keyName, type Key } from '../tokens.js';
import type { ForeignContainer } from '../container/inversify.js';
import { isLazy, isOptional } from '../container/provider.js';
import { foreignPlan, KIND_CONSTRUCTED, KIND_LAZY, Plan, REQUEST, SINGLETON } from './plan.js';

/**
 * Link every plan to its dependencies' plans, then check the whole graph once: missing providers, cycles and
 * captive dependencies. Returns every problem found, each with its provider path, so one boot reports them all.
 * Every walk is iterative and visits each plan and edge a bounded number of times, so a graph 100,000 providers
 * deep checks in linear time without growing the call stack.
 */
export function checkGraph(plans: Map<Key, Plan>, foreign: ForeignContainer | undefined): LoopsafeError[] {
  const missing = link(plans, foreign);
  const problems: LoopsafeError[] = [];
  findMissingAndCycles(plans, missing, problems);
  findCaptives(plans, problems);
  return problems;
}

/** Point each plan at its dependencies' plans; returns the keys each plan asks for that nothing provides. */
function link(plans: Map<Key, Plan>, foreign: ForeignContainer | undefined): Map<Plan, Key[]> {
  const missing = new Map<Plan, Key[]>();
  const lazies = new Map<Key, Plan>();
  const linkOne = (plan: Plan): void => {
    plan.deps = plan.depKeys.map((dep) => {
      if (isLazy(dep)) return lazyPlanOf(dep.key);
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
  };
  // One synthetic transient per lazily asked-for key, linked to it like any dependency so boot checks it.
  const lazyPlanOf = (key: Key): Plan => {
    let plan = lazies.get(key);
    if (plan === undefined) {
      const name = `lazy(${plans.get(key)?.name ?? keyName(key)})`;
      plan = new Plan({ name, key: Symbol(name), kind: KIND_LAZY, lifetime: 'transient', depKeys: [key] });
      lazies.set(key, plan);
      linkOne(plan);
    }
    return plan;
  };
  for (const plan of [...plans.values()]) linkOne(plan);
  for (const plan of lazies.values()) plans.set(plan.key, plan);
  for (const plan of plans.values()) {
    plan.direct = plan.kind === KIND_CONSTRUCTED && plan.deps.length <= 4 &&
      plan.deps.every((dep) => dep !== undefined && dep.lt === SINGLETON && dep.kind === KIND_CONSTRUCTED);
  }
  return missing;
}

/**
 * One iterative depth-first walk: a dependency still on the walk's stack closes a cycle; a missing provider is
 * reported with the path by which it was first reached. Cycles are told apart by the plans in them (identity),
 * never by their names, so two modules' same-named tokens report two cycles.
 */
function findMissingAndCycles(plans: Map<Key, Plan>, missing: Map<Plan, Key[]>, problems: LoopsafeError[]): void {
  const ids = new Map<Plan, number>();
  for (const plan of plans.values()) ids.set(plan, ids.size);
  const done = new Set<Plan>();
  const onStack = new Map<Plan, number>(); // plan -> its position on the stack
  const stack: Plan[] = [];
  const next: number[] = []; // per stack entry, the index of the next dependency to look at
  const seenCycles = new Set<string>();
  const names = (from: number): string[] => stack.slice(from).map((p) => p.name);

  const enter = (plan: Plan): void => {
    onStack.set(plan, stack.length);
    stack.push(plan);
    next.push(0);
    for (const key of missing.get(plan) ?? []) {
      problems.push(new MissingProviderError([...names(0), plans.get(key)?.name ?? keyName(key)]));
    }
  };

  for (const root of plans.values()) {
    if (done.has(root)) continue;
    enter(root);
    while (stack.length > 0) {
      const top = stack.length - 1;
      const plan = stack[top]!;
      const i = next[top]!;
      // A lazy edge is followed on use, not at construction: it never closes a cycle.
      if (i >= plan.deps.length || plan.kind === KIND_LAZY) {
        stack.pop();
        next.pop();
        onStack.delete(plan);
        done.add(plan);
        continue;
      }
      next[top] = i + 1;
      const dep = plan.deps[i];
      if (dep === undefined || done.has(dep)) continue;
      const at = onStack.get(dep);
      if (at === undefined) {
        enter(dep);
        continue;
      }
      const cycle = stack.slice(at);
      const id = cycle.map((p) => ids.get(p)!).sort((a, b) => a - b).join(',');
      if (!seenCycles.has(id)) {
        seenCycles.add(id);
        problems.push(new CycleError([...cycle.map((p) => p.name), dep.name]));
      }
    }
  }
}

/**
 * The captive rule, asked once per edge: a singleton may not reach a request-scoped provider, directly or through
 * transients (a transient lives as long as whatever holds it). Each holder walks its transients once, iteratively.
 */
function findCaptives(plans: Map<Key, Plan>, problems: LoopsafeError[]): void {
  for (const holder of plans.values()) {
    if (holder.lifetime === 'request' || holder.lifetime === 'transient') continue;
    // Most singletons hold only singletons: decide that without allocating a walk.
    if (holder.deps.every((dep) => dep === undefined || (dep.lt !== REQUEST && dep.lifetime !== 'transient'))) continue;
    const via = new Map<Plan, Plan>([[holder, holder]]); // each reached plan -> the plan it was reached from
    const todo: Plan[] = [holder];
    while (todo.length > 0) {
      const plan = todo.pop()!;
      for (const dep of plan.deps) {
        if (dep === undefined || via.has(dep)) continue;
        via.set(dep, plan);
        if (dep.lt === REQUEST && isCaptive(holder.lifetime, dep.lifetime)) {
          problems.push(new CaptiveDependencyError(pathTo(dep, via, holder), holder.name, holder.lifetime, dep.name));
        } else if (dep.lifetime === 'transient') {
          todo.push(dep);
        }
      }
    }
  }
}

function pathTo(plan: Plan, via: Map<Plan, Plan>, holder: Plan): string[] {
  const names = [plan.name];
  for (let p = plan; p !== holder; ) {
    p = via.get(p)!;
    names.push(p.name);
  }
  return names.reverse();
}
