import { CaptiveDependencyError, CycleError, MissingProviderError } from '../errors/container.js';
import type { LoopsafeError } from '../errors/base.js';
import { isCaptive } from '../declare/lifetime.js';
import { keyName, type Key } from '../tokens.js';
import type { ForeignContainer } from '../declare/foreign.js';
import { isLazy, isOptional } from '../declare/provider.js';
import { DONE, foreignPlan, KIND_CONSTRUCTED, KIND_LAZY, Plan, REQUEST, SINGLETON, UNSEEN } from './plan.js';

/**
 * A problem about a key's declaration, with that key: for what the graph check finds, the provider whose
 * declaration holds the bad edge (the one that injects a missing key, the one whose dependency closes a cycle, the
 * longer-lived holder of a captive). The container places each at that declaration's registration.
 */
export interface GraphProblem {
  readonly problem: LoopsafeError;
  readonly at: Key;
}

/**
 * Link every plan to its dependencies' plans, then check the whole graph once: missing providers, cycles and
 * captive dependencies. Returns every problem found, each with its provider path, so one boot reports them all.
 * Every walk is iterative and visits each plan and edge a bounded number of times, so a graph 100,000 providers
 * deep checks in linear time without growing the call stack.
 */
export function checkGraph(plans: Map<Key, Plan>, foreign: ForeignContainer | undefined): GraphProblem[] {
  const missing = link(plans, foreign);
  const problems: GraphProblem[] = [];
  findMissingAndCycles(plans, missing, problems);
  findCaptives(plans, problems);
  return problems;
}

/**
 * Point each plan at its dependencies' plans; returns the keys each plan asks for that nothing provides. The maps
 * are made on first need: most graphs miss nothing and ask for nothing lazily, and every container links once.
 */
function link(plans: Map<Key, Plan>, foreign: ForeignContainer | undefined): Map<Plan, Key[]> | undefined {
  let missing: Map<Plan, Key[]> | undefined;
  let lazies: Map<Key, Plan> | undefined;
  const linkOne = (plan: Plan): void => {
    const keys = plan.depKeys;
    const deps = new Array<Plan | undefined>(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const dep = keys[i]!;
      if (isLazy(dep)) {
        deps[i] = lazyPlanOf(dep.key);
        continue;
      }
      const key = isOptional(dep) ? dep.key : dep;
      let target = plans.get(key);
      if (target === undefined && foreign?.has(key)) {
        // Into the map at once, so its other dependents share it. The loop below reaches it too (a Map's
        // iteration visits entries added during it), which links its empty dependency list.
        target = foreignPlan(key, foreign);
        plans.set(key, target);
      }
      if (target === undefined && !isOptional(dep)) {
        missing ??= new Map();
        const list = missing.get(plan);
        if (list === undefined) missing.set(plan, [key]);
        else list.push(key);
      }
      deps[i] = target;
    }
    plan.deps = deps;
  };
  // One synthetic transient per lazily asked-for key, linked to it like any dependency so boot checks it.
  const lazyPlanOf = (key: Key): Plan => {
    let plan = (lazies ??= new Map()).get(key);
    if (plan === undefined) {
      const name = `lazy(${plans.get(key)?.name ?? keyName(key)})`;
      plan = new Plan({ name, key: Symbol(name), kind: KIND_LAZY, lifetime: 'transient', depKeys: [key] });
      lazies.set(key, plan);
      linkOne(plan);
    }
    return plan;
  };
  for (const plan of plans.values()) linkOne(plan);
  // Lazy plans join the map only now: their synthetic keys must not be walked again by the loop above.
  if (lazies !== undefined) for (const plan of lazies.values()) plans.set(plan.key, plan);
  for (const plan of plans.values()) {
    plan.direct = plan.kind === KIND_CONSTRUCTED && plan.deps.length <= 4 &&
      plan.deps.every((dep) => dep !== undefined && dep.lt === SINGLETON && dep.kind === KIND_CONSTRUCTED);
    plan.nests = plan.deps.some((dep) => dep !== undefined && (dep.pends || dep.kind === KIND_LAZY));
  }
  return missing;
}

/**
 * One iterative depth-first walk: a dependency still on the walk's stack closes a cycle; a missing provider is
 * reported with the path by which it was first reached. Cycles are told apart by the plans in them (identity),
 * never by their names, so two modules' same-named tokens report two cycles.
 */
function findMissingAndCycles(plans: Map<Key, Plan>, missing: Map<Plan, Key[]> | undefined, problems: GraphProblem[]): void {
  // Each plan's `walk` field: UNSEEN, DONE, or its position on the stack while it is on it. Fields, not maps: a
  // container is checked once, and every app with a small graph pays for this walk when it boots.
  for (const plan of plans.values()) plan.walk = UNSEEN;
  const stack: Plan[] = [];
  const next: number[] = []; // per stack entry, the index of the next dependency to look at
  let cycles: { ids: Map<Plan, number>; seen: Set<string> } | undefined;

  const enter = (plan: Plan): void => {
    plan.walk = stack.length;
    stack.push(plan);
    next.push(0);
    const keys = missing?.get(plan);
    if (keys === undefined) return;
    const path = stack.map((p) => p.name);
    // A lazy(key) is declared by the provider that asks for it: the nearest plan below it on the walk.
    let holder = stack.length - 1;
    while (holder > 0 && stack[holder]!.kind === KIND_LAZY) holder--;
    const at = stack[holder]!.key;
    for (const key of keys) problems.push({ problem: new MissingProviderError([...path, plans.get(key)?.name ?? keyName(key)]), at });
  };

  for (const root of plans.values()) {
    if (root.walk !== UNSEEN) continue;
    enter(root);
    while (stack.length > 0) {
      const top = stack.length - 1;
      const plan = stack[top]!;
      const i = next[top]!;
      // A lazy edge is followed on use, not at construction: it never closes a cycle.
      if (i >= plan.deps.length || plan.kind === KIND_LAZY) {
        stack.pop();
        next.pop();
        plan.walk = DONE;
        continue;
      }
      next[top] = i + 1;
      const dep = plan.deps[i];
      if (dep === undefined || dep.walk === DONE) continue;
      if (dep.walk === UNSEEN) {
        enter(dep);
        continue;
      }
      const cycle = stack.slice(dep.walk);
      if (cycles === undefined) {
        const ids = new Map<Plan, number>();
        for (const p of plans.values()) ids.set(p, ids.size);
        cycles = { ids, seen: new Set() };
      }
      const id = cycle.map((p) => cycles!.ids.get(p)!).sort((a, b) => a - b).join(',');
      if (!cycles.seen.has(id)) {
        cycles.seen.add(id);
        problems.push({ problem: new CycleError([...cycle.map((p) => p.name), dep.name]), at: plan.key });
      }
    }
  }
}

/**
 * The captive rule, asked once per edge: a singleton may not reach a request-scoped provider, directly or through
 * transients (a transient lives as long as whatever holds it). Each request-scoped provider a singleton reaches is
 * one problem. Which transients reach which request-scoped providers is found once for the whole graph, so many
 * singletons sharing a large transient subgraph cost the graph's size plus the problems found, not their product.
 */
function findCaptives(plans: Map<Key, Plan>, problems: GraphProblem[]): void {
  let toward: Map<Plan, Map<Plan, Plan>> | undefined;
  for (const holder of plans.values()) {
    if (holder.lifetime === 'request' || holder.lifetime === 'transient') continue;
    // Most singletons hold only singletons: decide that without building anything.
    if (holder.deps.every((dep) => dep === undefined || (dep.lt !== REQUEST && dep.lifetime !== 'transient'))) continue;
    toward ??= transientsTowardRequest(plans);
    const reported = new Set<Plan>();
    const report = (captive: Plan, path: () => Plan[]): void => {
      if (reported.has(captive) || !isCaptive(holder.lifetime, captive.lifetime)) return;
      reported.add(captive);
      const problem = new CaptiveDependencyError(path().map((p) => p.name), holder.name, holder.lifetime, captive.name);
      problems.push({ problem, at: holder.key });
    };
    for (const dep of holder.deps) {
      if (dep === undefined) continue;
      if (dep.lt === REQUEST) report(dep, () => [holder, dep]);
      else if (dep.lifetime === 'transient') {
        for (const captive of toward.get(dep)?.keys() ?? []) report(captive, () => pathTo(holder, dep, captive, toward!));
      }
    }
  }
}

/**
 * For every transient that reaches request-scoped providers through transients: each of them, with the dependency
 * one step closer to it. One breadth-first walk backwards from each request-scoped provider over reversed
 * transient edges: it visits only the transients that reach it, each once, cycles between transients (through
 * `lazy()`) included, and the paths it leaves are shortest.
 */
function transientsTowardRequest(plans: Map<Key, Plan>): Map<Plan, Map<Plan, Plan>> {
  const dependents = new Map<Plan, Plan[]>(); // a request-scoped provider or transient -> the transients that use it
  for (const plan of plans.values()) {
    if (plan.lifetime !== 'transient') continue;
    for (const dep of plan.deps) {
      if (dep === undefined || (dep.lt !== REQUEST && dep.lifetime !== 'transient')) continue;
      const list = dependents.get(dep);
      if (list === undefined) dependents.set(dep, [plan]);
      else list.push(plan);
    }
  }
  const toward = new Map<Plan, Map<Plan, Plan>>(); // transient -> (request-scoped provider -> next step)
  for (const captive of dependents.keys()) {
    if (captive.lt !== REQUEST) continue;
    const queue = [captive];
    for (let i = 0; i < queue.length; i++) {
      const reached = queue[i]!;
      for (const user of dependents.get(reached) ?? []) {
        let steps = toward.get(user);
        if (steps === undefined) toward.set(user, (steps = new Map()));
        if (steps.has(captive)) continue;
        steps.set(captive, reached);
        queue.push(user);
      }
    }
  }
  return toward;
}

/** `holder -> dep -> ... -> captive`, following each transient's step toward `captive`. */
function pathTo(holder: Plan, dep: Plan, captive: Plan, toward: Map<Plan, Map<Plan, Plan>>): Plan[] {
  const path = [holder, dep];
  for (let p = dep; p !== captive; ) {
    p = toward.get(p)!.get(captive)!;
    path.push(p);
  }
  return path;
}
