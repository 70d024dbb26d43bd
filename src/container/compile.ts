import { LoopsafeError } from '../errors/base.js';
import { BootError } from '../errors/container.js';
import type { ForeignContainer } from '../declare/foreign.js';
import { checkGraph, type GraphProblem } from '../resolution/graph.js';
import { KIND_VALUE, Plan, planFor, signalPlan } from '../resolution/plan.js';
import { AbortSignalToken, DisplayNames, type Key } from '../tokens.js';
import type { Declarations } from './declarations.js';

/**
 * Compile every declaration into a plan and check the graph they make, without constructing anything. Throws one
 * BootError listing every problem (declarations refused at registration, invalid declarations, missing providers,
 * cycles, captive dependencies), in declaration order, each with where it was registered.
 */
export function compilePlans(declarations: Declarations, timeout: number, foreign: ForeignContainer | undefined): Map<Key, Plan> {
  const found: GraphProblem[] = [];
  const plans = new Map<Key, Plan>();
  const names = new DisplayNames();
  for (const [key, { def, rejected }] of declarations.entries()) {
    const name = names.of(key);
    try {
      // A refused declaration was reported when it was registered: its stand-in keeps the key known, so its
      // dependents do not also report it missing, and holds nothing, so it is nobody's captive.
      plans.set(key, rejected ? placeholder(name, key) : planFor(key, def, timeout, name));
    } catch (error) {
      if (!LoopsafeError.is(error)) throw error;
      found.push({ problem: error, at: key });
      plans.set(key, placeholder(name, key));
    }
  }
  // Built in: each construction that injects it gets its own signal (an override may replace it, for tests).
  if (!plans.has(AbortSignalToken)) plans.set(AbortSignalToken, signalPlan);
  found.push(...checkGraph(plans, foreign));
  const problems = declarations.report(found);
  if (problems.length > 0) throw new BootError(problems);
  return plans;
}

function placeholder(name: string, key: Key): Plan {
  return new Plan({ name, key, kind: KIND_VALUE, lifetime: 'singleton' });
}
