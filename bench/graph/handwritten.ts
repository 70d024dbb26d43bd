/**
 * The baseline: the container a careful engineer writes by hand in forty lines. Keys map to factories; a Map
 * caches singletons; each request scope is a Map plus a list of disposers; async singletons cache their promise.
 */
import { A, B, C, Clock, Config, D, E, Handler, Logger, Pool } from './model.js';
import { CALLERS, nextTurn, type PeerGraph } from './peer.js';

type Lifetime = 'singleton' | 'request' | 'transient';
interface Entry { readonly lifetime: Lifetime; readonly build: (r: Resolver) => unknown; readonly dispose?: (v: never) => void }
interface Resolver { get<T>(key: unknown): T }

class MapContainer implements Resolver {
  readonly entries = new Map<unknown, Entry>();
  readonly singletons = new Map<unknown, unknown>();
  add(key: unknown, entry: Entry): this {
    this.entries.set(key, entry);
    return this;
  }
  get<T>(key: unknown): T {
    const cached = this.singletons.get(key);
    if (cached !== undefined) return cached as T;
    const entry = this.entries.get(key)!;
    if (entry.lifetime === 'request') throw new Error('request-scoped outside a scope');
    const value = entry.build(this);
    if (entry.lifetime === 'singleton') this.singletons.set(key, value);
    return value as T;
  }
  scope(): MapScope {
    return new MapScope(this);
  }
}

class MapScope implements Resolver {
  readonly cache = new Map<unknown, unknown>();
  readonly disposers: (() => void)[] = [];
  constructor(readonly root: MapContainer) {}
  get<T>(key: unknown): T {
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached as T;
    const entry = this.root.entries.get(key)!;
    if (entry.lifetime !== 'request') return this.root.get(key);
    const value = entry.build(this);
    this.cache.set(key, value);
    const dispose = entry.dispose;
    if (dispose !== undefined) this.disposers.push(() => dispose(value as never));
    return value as T;
  }
  dispose(): void {
    for (let i = this.disposers.length - 1; i >= 0; i--) this.disposers[i]!();
  }
}

const RequestId = Symbol('RequestId');

/** Build the graph. */
export function createGraph(): PeerGraph {
  const c = new MapContainer()
    .add(Config, { lifetime: 'singleton', build: () => new Config() })
    .add(Logger, { lifetime: 'singleton', build: () => new Logger() })
    .add(Clock, { lifetime: 'singleton', build: () => new Clock() })
    .add(A, { lifetime: 'request', build: (r) => new A(r.get(RequestId), r.get(Config)) })
    .add(B, { lifetime: 'request', build: (r) => new B(r.get(RequestId), r.get(Logger)) })
    .add(C, { lifetime: 'request', build: (r) => new C(r.get(A), r.get(Config)) })
    .add(D, { lifetime: 'request', build: (r) => new D(r.get(A), r.get(B)) })
    .add(E, { lifetime: 'request', build: (r) => new E(r.get(C), r.get(D), r.get(Logger)), dispose: (e: E) => e.dispose() })
    .add(Handler, { lifetime: 'transient', build: (r) => new Handler(r.get(Config), r.get(Logger), r.get(Clock)) });
  return {
    disposesScopes: true,
    singleton: () => c.get(Config),
    singletons: () => ({ config: c.get(Config), logger: c.get(Logger), clock: c.get(Clock) }),
    transient: () => c.get(Handler),
    request(id) {
      const s = c.scope();
      s.cache.set(RequestId, id);
      const e = s.get<E>(E);
      s.dispose();
      return e;
    },
    async concurrent() {
      let factoryRuns = 0;
      const fresh = new MapContainer().add(Pool, {
        lifetime: 'singleton',
        build: async () => { factoryRuns++; await nextTurn(); return new Pool(); },
      });
      const calls = new Array<Promise<Pool>>(CALLERS);
      for (let i = 0; i < CALLERS; i++) calls[i] = fresh.get<Promise<Pool>>(Pool);
      return { instances: await Promise.all(calls), factoryRuns };
    },
  };
}
