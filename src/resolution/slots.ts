import type { Plan } from './plan.js';

/**
 * A request scope keeps its instances in an array indexed by plan slot. Slots are numbered the first time any
 * scope of the container uses a provider, and a scope's array starts empty and grows only to the slots it
 * touches, so what a request costs (time and memory) depends on what it resolves, not on how many request-scoped
 * providers the app registered. An absent slot reads as `undefined`; an instance that *is* `undefined` is stored as
 * {@link UNDEFINED}.
 */
export interface SlotCounter {
  /** The next free slot number; grows once per request-scoped provider ever used. */
  nextSlot: number;
}

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
