import { LruMap } from 'toad-cache';
import type { Store } from './store.js';

const resolved = Promise.resolve();

interface Entry {
  readonly data: string;
  /** Epoch milliseconds, or 0 for no expiry. */
  readonly expires: number;
}

/**
 * Entries in this process's memory: the default backend, for one process and for tests. At most `maxEntries`
 * entries are kept; writing one more evicts the least recently used. Expired entries nobody reads again are the
 * least recently used ones, so the bound also clears them, without a timer that keeps the process alive.
 * @internal
 */
export class MemoryStore implements Store {
  // toad-cache's own TTL is one per cache; entries here carry their own expiry, so its TTL stays off (0).
  readonly #entries: LruMap<Entry>;

  constructor(maxEntries: number) {
    this.#entries = new LruMap<Entry>(maxEntries, 0);
  }

  get(key: string): Promise<string | undefined> {
    const entry = this.#entries.get(key);
    if (entry === undefined) return Promise.resolve(undefined);
    if (entry.expires !== 0 && entry.expires <= Date.now()) {
      this.#entries.delete(key);
      return Promise.resolve(undefined);
    }
    return Promise.resolve(entry.data);
  }

  set(key: string, data: string, ttl: number): Promise<void> {
    this.#entries.set(key, { data, expires: ttl === 0 ? 0 : Date.now() + ttl });
    return resolved;
  }

  failure(error: unknown): unknown {
    return error;
  }

  delete(key: string): Promise<boolean> {
    const entry = this.#entries.get(key);
    const live = entry !== undefined && (entry.expires === 0 || entry.expires > Date.now());
    this.#entries.delete(key);
    return Promise.resolve(live);
  }

  ready(): Promise<void> {
    return resolved;
  }

  close(): Promise<void> {
    this.#entries.clear();
    return resolved;
  }
}
