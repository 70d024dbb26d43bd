import { channel } from 'node:diagnostics_channel';

/** What happened to one cache read: a `hit`, a `miss`, a `load` (the loader ran here) or an `error`. */
export type CacheEventKind = 'hit' | 'miss' | 'load' | 'error';

/** The message published on `loopsafe:cache`. */
export interface CacheEvent {
  /** What happened. */
  readonly event: CacheEventKind;
  /** The cache operation: `get`, `getOrLoad`, `set` or `delete`. */
  readonly op: string;
}

/** @internal */
export const cacheChannel = channel('loopsafe:cache');

/** Publish a cache event, only when someone listens. @internal */
export function cacheEvent(event: CacheEventKind, op: string): void {
  if (cacheChannel.hasSubscribers) cacheChannel.publish({ event, op } satisfies CacheEvent);
}
