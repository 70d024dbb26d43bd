import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { threadChannels, type OffloadFinding } from '../../src/index.js';

/** Findings published while `fn` runs, once `until` holds for them (bounded by the test's own timeout). */
export async function findingsDuring(fn: () => Promise<unknown>, until: (seen: OffloadFinding[]) => boolean): Promise<OffloadFinding[]> {
  const seen: OffloadFinding[] = [];
  let wake: () => void = () => {};
  const listener = (message: unknown): void => {
    seen.push(message as OffloadFinding);
    wake();
  };
  subscribe(threadChannels.offload, listener);
  try {
    await fn();
    while (!until(seen)) await new Promise<void>((resolve) => (wake = resolve));
  } finally {
    unsubscribe(threadChannels.offload, listener);
  }
  return seen;
}
