import { CacheUnavailableError } from '../errors/cache.js';

/** Wakes one waiting `getOrLoad`: with the stored data, with `undefined` (race for the lock again), or an error. @internal */
export type Waiter = (data: string | undefined, error?: unknown) => void;

/** What one wait needs from the store. @internal */
export interface LoadWait {
  readonly key: string;
  /** The cache's deadline: how long Redis may go without answering this waiter. */
  readonly timeout: number;
  /** Read the key's value and its lock, in one command. */
  probe(): Promise<(string | null)[]>;
  /** Register for load notifications of the key; returns the unregistration. */
  listen(wake: Waiter): () => void;
}

/**
 * Wait for another process's load of one key. A notification wakes the waiter at once; between notifications it
 * probes Redis every `timeout / 4` ms, which also catches a notification lost with a connection or a failover.
 * Resolves with the stored data, or `undefined` when the lock is gone without a value (the holder failed or its
 * lock expired: race for it again). Rejects with `LOOPSAFE_ERR_CACHE_UNAVAILABLE` once Redis has gone `timeout` ms
 * without answering: waiting for a slow loader may take up to `lockTtl`, but waiting on a silent Redis takes no
 * longer than any other operation.
 * @internal
 */
export function waitForLoad(wait: LoadWait): Promise<string | undefined> {
  const { key, timeout } = wait;
  return new Promise<string | undefined>((resolve, reject) => {
    let settled = false;
    let next: NodeJS.Timeout | undefined;
    let silence = setTimeout(silent, timeout);
    const unlisten = wait.listen(done);
    function done(data: string | undefined, error?: unknown): void {
      if (settled) return;
      settled = true;
      clearTimeout(silence);
      clearTimeout(next);
      unlisten();
      if (error === undefined) resolve(data);
      else reject(error as Error);
    }
    function silent(): void {
      done(undefined, new CacheUnavailableError('getOrLoad', key, `Redis did not answer for ${timeout} ms while this call waited for another process's load`));
    }
    function probe(): void {
      const sent = Date.now();
      wait.probe().then(([data, lock]) => {
        if (settled) return;
        if (data != null) return done(data);
        if (lock == null) return done(undefined);
        // Redis answered at or after `sent`: the silence is counted from there.
        clearTimeout(silence);
        silence = setTimeout(silent, Math.max(0, sent + timeout - Date.now()));
        next = setTimeout(probe, Math.max(1, Math.floor(timeout / 4)));
      }, (error: unknown) => done(undefined, error));
    }
    probe();
  });
}
