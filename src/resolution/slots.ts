import type { Plan } from './plan.js';

/**
 * A request scope keeps its instances in an array indexed by plan slot. Slots are numbered the first time any
 * scope of the container uses a provider, so what a request costs (time and memory) depends on what the app's
 * requests resolve, not on how many request-scoped providers the app registered. A scope's array starts sized to
 * the slots numbered so far, up to {@link PRESIZED_SLOTS}, and grows past that only to the slots it touches (an
 * array that starts empty grows on its first write: one reallocation per request). An absent slot reads as
 * `undefined`; an instance that *is* `undefined` is stored as {@link UNDEFINED}.
 */
export interface SlotCounter {
  /** The next free slot number; grows once per request-scoped provider ever used. */
  nextSlot: number;
}

/**
 * The most slots a new scope's array is made with: an app whose requests use more request-scoped providers pays
 * for growing past it, and a request that touches few of many numbered slots allocates no more than this up front.
 */
export const PRESIZED_SLOTS = 64;

/** Stands in a slot for an instance or supplied value that is `undefined`. */
export const UNDEFINED: unique symbol = Symbol('loopsafe.undefined');

/** The plan's slot, numbered now if no scope has used it yet. */
export function slotOf(plan: Plan, counter: SlotCounter): number {
  const slot = plan.slot;
  return slot >= 0 ? slot : (plan.slot = counter.nextSlot++);
}

/** What to store for `value`. */
export function stored(value: unknown): unknown {
  return value === undefined ? UNDEFINED : value;
}
