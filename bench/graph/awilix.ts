/**
 * awilix 13 in CLASSIC mode: constructor parameter names are the registration names. It skips the PROXY mode's
 * cradle Proxy; on this machine PROXY measured the same for M3 and ~15% slower for M2, so CLASSIC is awilix at its
 * best. Per request: `createScope()`, the id registered with
 * `asValue`, `E` disposed through `.disposer()`, `await scope.dispose()`. The async singleton is `asFunction`
 * returning a promise, `.singleton()`, so every caller gets the one cached promise and awaits it.
 */
import { asClass, asFunction, asValue, createContainer, InjectionMode } from 'awilix';
import { A, B, C, Clock, Config, D, E, Handler, Logger, Pool } from './model.js';
import { CALLERS, nextTurn, type PeerGraph } from './peer.js';

/** Build the graph. */
export function createGraph(): PeerGraph {
  const c = createContainer({ injectionMode: InjectionMode.CLASSIC });
  c.register({
    config: asClass(Config).singleton(),
    logger: asClass(Logger).singleton(),
    clock: asClass(Clock).singleton(),
    a: asClass(A).scoped(),
    b: asClass(B).scoped(),
    c: asClass(C).scoped(),
    d: asClass(D).scoped(),
    e: asClass(E).scoped().disposer((e) => e.dispose()),
    handler: asClass(Handler).transient(),
  });
  return {
    disposesScopes: true,
    singleton: () => c.resolve<Config>('config'),
    singletons: () => ({ config: c.resolve<Config>('config'), logger: c.resolve<Logger>('logger'), clock: c.resolve<Clock>('clock') }),
    transient: () => c.resolve<Handler>('handler'),
    async request(id) {
      const s = c.createScope();
      s.register({ requestId: asValue(id) });
      const e = s.resolve<E>('e');
      await s.dispose();
      return e;
    },
    async concurrent() {
      let factoryRuns = 0;
      const fresh = createContainer({ injectionMode: InjectionMode.CLASSIC });
      fresh.register({ db: asFunction(async () => { factoryRuns++; await nextTurn(); return new Pool(); }).singleton() });
      const calls = new Array<Promise<Pool>>(CALLERS);
      for (let i = 0; i < CALLERS; i++) calls[i] = fresh.resolve<Promise<Pool>>('db');
      return { instances: await Promise.all(calls), factoryRuns };
    },
  };
}
