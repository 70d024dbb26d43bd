import type { LoopBlockFinding, OffloadFinding } from '../findings/types.js';
import { skipGate } from '../resolution/observer.js';

/** Something that hears every monitor's findings for a while: a `loopsafe/testing` block. @internal */
export interface FindingSink {
  /** `epoch`: the block the factory run started in (see {@link epoch}). */
  offload(finding: OffloadFinding, epoch: number): void;
  loopBlock(finding: LoopBlockFinding): void;
}

/**
 * The sinks listening now. While one is, every monitor attributes (even in mode `off`), so a test block sees the
 * resolutions of containers that were created with a production monitor. @internal
 */
export const sinks = new Set<FindingSink>();

/** A monitor in mode `off`: inactive (skipped by its containers) except while a sink listens. @internal */
export interface Switchable {
  active: boolean;
}

// Weak, so a monitor nobody closed can still be collected.
const switchables = new Set<WeakRef<Switchable>>();

/** @internal */
export function registerSwitchable(monitor: Switchable): void {
  switchables.add(new WeakRef(monitor));
  monitor.active = sinks.size !== 0;
}

/**
 * Bumped when a leak-check block starts. A factory run records it, so work done during a block by a resource a
 * factory created before it (a singleton's server, an interval) is told apart from the block's own. @internal
 */
export let epoch = 0;

/** Start hearing findings; every monitor in mode `off` turns on until the last sink leaves. @internal */
export function addSink(sink: FindingSink): number {
  sinks.add(sink);
  skipGate.open = false; // a block sees every run: no provider's sampled-out runs are skipped while it listens
  epoch++;
  setAll(true);
  return epoch;
}

/** @internal */
export function removeSink(sink: FindingSink): void {
  sinks.delete(sink);
  skipGate.open = sinks.size === 0;
  if (sinks.size === 0) setAll(false);
}

function setAll(active: boolean): void {
  for (const ref of switchables) {
    const monitor = ref.deref();
    if (monitor === undefined) switchables.delete(ref);
    else monitor.active = active;
  }
}
