import type { Store } from './store.js';

const resolved = Promise.resolve();
const SWEEP_EVERY = 1024;

interface Entry {
  readonly data: string;
  /** Epoch milliseconds, or 0 for no expiry. */
  readonly expires: number;
}

/** Entries in this process's memory: the default backend, for one process and for tests. @internal */
export class MemoryStore implements Store {
  readonly #entries = new Map<string, Entry>();
  #writes = 0;

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
    // Expired entries nobody reads again are swept now and then, so no timer keeps the process alive. Sweeping
    // after as many writes as there are entries keeps the cost per write constant however large the cache grows.
    if (++this.#writes >= Math.max(SWEEP_EVERY, this.#entries.size)) {
      this.#writes = 0;
      this.#sweep();
    }
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

  #sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.#entries) if (entry.expires !== 0 && entry.expires <= now) this.#entries.delete(key);
  }
}
