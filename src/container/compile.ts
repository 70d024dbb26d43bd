import { LoopsafeError } from '../errors/base.js';
import { BootError } from '../errors/container.js';
import type { AnyProviderDef } from '../declare/provider.js';
import type { ForeignContainer } from '../declare/foreign.js';
import { checkGraph } from '../resolution/graph.js';
import { KIND_VALUE, Plan, planFor, signalPlan } from '../resolution/plan.js';
import { AbortSignalToken, DisplayNames, type Key } from '../tokens.js';

/**
 * Compile every registration into a plan and check the graph they make, without constructing anything. Throws one
 * BootError listing every problem (invalid declarations, missing providers, cycles, captive dependencies).
 */
export function compilePlans(
  registrations: ReadonlyMap<Key, AnyProviderDef | undefined>, timeout: number, foreign: ForeignContainer | undefined,
): Map<Key, Plan> {
  const problems: LoopsafeError[] = [];
  const plans = new Map<Key, Plan>();
  const names = new DisplayNames();
  for (const [key, def] of registrations) {
    const name = names.of(key);
    try {
      plans.set(key, planFor(key, def, timeout, name));
    } catch (error) {
      if (!LoopsafeError.is(error)) throw error;
      problems.push(error);
      // Keep the key known so its dependents do not also report it missing.
      plans.set(key, new Plan({ name, key, kind: KIND_VALUE, lifetime: 'singleton' }));
    }
  }
  // Built in: each construction that injects it gets its own signal (an override may replace it, for tests).
  if (!plans.has(AbortSignalToken)) plans.set(AbortSignalToken, signalPlan);
  problems.push(...checkGraph(plans, foreign));
  if (problems.length > 0) throw new BootError(problems);
  return plans;
}
