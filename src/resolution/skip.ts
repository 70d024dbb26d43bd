/**
 * The resolver's side of an observer's sample (see `ProviderId`): whether a provider's coming run may go unobserved,
 * taking that skip as its build starts, and giving it back when its factory runs after all is watched. Where the
 * skipped factory runs, the resolver starts a new stretch (`newStretch`): it is code the loop-block clock did not time.
 */
import * as observing from './observer.js';
import type { ResolutionObserver } from './observer.js';
import * as tracing from './tracer.js';
import type { Plan } from './plan.js';

// Read on every observed construction, so this module's own constants: see the note in resolve.ts.
const { skipGate } = observing;
const { resolveTracer } = tracing;

/** Whether the container's observer asked not to be called for the coming run of `plan`. */
export function skippable(plan: Plan, observer: ResolutionObserver | undefined): boolean {
  const id = plan.id;
  return id.skip !== 0 && id.holder === observer && gateOpen();
}

/** Nothing needs every run seen: no leak check listens, no `loopsafe:resolve` subscriber. */
function gateOpen(): boolean {
  return skipGate.open && !resolveTracer.active;
}

/**
 * Take the skip {@link skippable} allowed, as `plan`'s build starts, and count it. A build that then waits for its
 * dependencies asks {@link stillSkipped} before its factory runs.
 */
export function takeSkip(plan: Plan): void {
  const id = plan.id;
  id.skip--;
  id.tally.skipped++;
}

/**
 * As a skipped build's factory is about to run after its dependencies were awaited: whether the skip still holds.
 * It does not once a leak check began (or a tracer subscribed) meanwhile; the skip is then given back, and the run
 * is observed after all.
 */
export function stillSkipped(plan: Plan): boolean {
  if (gateOpen()) return true;
  giveBack(plan);
  return false;
}

/** Undo {@link takeSkip} for a build whose factory will not run as skipped (observed after all, or never run). */
export function giveBack(plan: Plan): void {
  const id = plan.id;
  id.skip++;
  id.tally.skipped--;
}
