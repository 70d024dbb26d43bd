/**
 * What a cache backend does, on serialized data. The public {@link Cache} adds serialization, the in-process
 * single flight and the failure policy on top, so every backend behaves the same.
 * @internal
 */
export interface Store {
  /**
   * The stored data; `null` or `undefined` on a miss. It may reject with the backend's own error: callers turn it
   * into a coded one with {@link Store.failure}, so a hit costs no extra promise.
   */
  get(key: string): Promise<string | null | undefined>;
  /** The coded error for a backend error of `operation` on `key`. */
  failure(error: unknown, operation: string, key: string): unknown;
  /** Store data; `ttl` 0 means no expiry. Resolves once the backend acknowledged it. */
  set(key: string, data: string, ttl: number): Promise<void>;
  /** Remove a key; `true` when something was removed. */
  delete(key: string): Promise<boolean>;
  /**
   * Run `produce` under a lock shared by every process, store its result, and wake the processes waiting for it;
   * or, when another process holds the lock, wait for its result. Absent for stores only one process sees.
   */
  loadShared?(key: string, produce: () => Promise<string>, ttl: number): Promise<string>;
  /** Resolves once the backend can take operations. */
  ready(): Promise<void>;
  /** Release connections. */
  close(): Promise<void>;
}

/** A store's options, resolved and validated. @internal */
export interface StoreOptions {
  readonly prefix: string;
  readonly timeout: number;
  readonly lockTtl: number;
  readonly url: string;
  /** Seed nodes of a Redis Cluster; `undefined` for one server at `url`. */
  readonly cluster: readonly string[] | undefined;
  readonly clientOptions: Record<string, unknown>;
  readonly clusterOptions: Record<string, unknown>;
}
