/**
 * tsyringe 4 with decorated classes on its global container. Per request, as its docs suggest: the five request
 * services registered `Lifecycle.ContainerScoped` (one per child), `createChildContainer()`, the id registered with
 * `useValue`, and `await child.dispose()`, which calls `E.dispose()` (tsyringe's `Disposable`). The async singleton
 * is `useFactory: instanceCachingFactory(async ...)` in a fresh child container: every caller gets the cached promise.
 */
import 'reflect-metadata';
import { container, inject, injectable, instanceCachingFactory, Lifecycle } from 'tsyringe';
import { Pool } from './model.js';
import { CALLERS, nextTurn, type PeerGraph } from './peer.js';

const RequestId = Symbol('RequestId');
const Db = Symbol('Db');

@injectable() class Config { readonly url = 'postgres://bench/app'; }
@injectable() class Logger { readonly level = 'info'; }
@injectable() class Clock { readonly zone = 'UTC'; }
@injectable() class A {
  readonly id: number;
  constructor(@inject(RequestId) requestId: number, @inject(Config) readonly config: Config) { this.id = requestId; }
}
@injectable() class B {
  readonly id: number;
  constructor(@inject(RequestId) requestId: number, @inject(Logger) readonly logger: Logger) { this.id = requestId; }
}
@injectable() class C {
  constructor(@inject(A) readonly a: A, @inject(Config) readonly config: Config) {}
}
@injectable() class D {
  constructor(@inject(A) readonly a: A, @inject(B) readonly b: B) {}
}
@injectable() class E {
  disposals = 0;
  constructor(@inject(C) readonly c: C, @inject(D) readonly d: D, @inject(Logger) readonly logger: Logger) {}
  dispose(): void { this.disposals++; }
}
@injectable() class Handler {
  constructor(@inject(Config) readonly config: Config, @inject(Logger) readonly logger: Logger, @inject(Clock) readonly clock: Clock) {}
}

/** Build the graph. */
export function createGraph(): PeerGraph {
  const root = container;
  root.registerSingleton(Config);
  root.registerSingleton(Logger);
  root.registerSingleton(Clock);
  for (const cls of [A, B, C, D, E] as const) root.register(cls as new (...args: never[]) => unknown, { useClass: cls as never }, { lifecycle: Lifecycle.ContainerScoped });
  root.register(Handler, { useClass: Handler });
  return {
    disposesScopes: true,
    singleton: () => root.resolve(Config),
    singletons: () => ({ config: root.resolve(Config), logger: root.resolve(Logger), clock: root.resolve(Clock) }),
    transient: () => root.resolve(Handler),
    async request(id) {
      const child = root.createChildContainer();
      child.register(RequestId, { useValue: id });
      const e = child.resolve(E);
      await child.dispose();
      return e;
    },
    async concurrent() {
      let factoryRuns = 0;
      const fresh = root.createChildContainer();
      fresh.register<Promise<Pool>>(Db, {
        useFactory: instanceCachingFactory(async () => { factoryRuns++; await nextTurn(); return new Pool(); }),
      });
      const calls = new Array<Promise<Pool>>(CALLERS);
      for (let i = 0; i < CALLERS; i++) calls[i] = fresh.resolve<Promise<Pool>>(Db);
      return { instances: await Promise.all(calls), factoryRuns };
    },
  };
}
