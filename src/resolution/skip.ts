/**
 * The resolver's side of an observer's sample (see `ProviderId`): whether a provider's coming run may go unobserved,
 * and taking that skip where its factory runs.
 */
import * as observing from './observer.js';
import type { ResolutionObserver } from './observer.js';
import * as tracing from './tracer.js';
import type { Plan } from './plan.js';

// Read on every observed construction, so this module's own constants: see the note in resolve.ts.
const { skipGate, newStretch } = observing;
const { resolveTracer } = tracing;

/** Whether the container's observer asked not to be called for the coming run of `plan`. */
export function skippable(plan: Plan, observer: ResolutionObserver | undefined): boolean {
  const id = plan.id;
  return id.skip !== 0 && id.holder === observer && skipGate.open && !resolveTracer.active;
}

/**
 * As `plan`'s factory is about to run: take the skip if it still holds (a leak check may have begun while its
 * dependencies were awaited), count it, and end the stretch (the next observed run may not take the last one's end
 * as its start). `false` when the run must be observed after all.
 */
export function takeSkip(plan: Plan, observer: ResolutionObserver | undefined): boolean {
  if (!skippable(plan, observer)) return false;
  const id = plan.id;
  id.skip--;
  id.tally.skipped++;
  newStretch();
  return true;
}
