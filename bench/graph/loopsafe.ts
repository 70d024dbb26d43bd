/** loopsafe: `inject` lists, the sync API for M1/M2, the async scope API for M3, `resolve` for M4. */
import { createContainer, provide, token, type Registration } from '../../src/index.js';
import { A, B, C, Clock, Config, D, E, Handler, Logger, Pool } from './model.js';
import { CALLERS, nextTurn, type PeerGraph } from './peer.js';

/** The per-request id every scope is supplied. */
export const RequestId = token<number>('RequestId');
const Db = token<Pool>('Db');

/** The graph's providers; the scale scenario registers the same ones beside its unused providers. */
export function graphProviders(): Registration[] {
  return [
    provide(Config, {}),
    provide(Logger, {}),
    provide(Clock, {}),
    provide(RequestId, { supplied: true }),
    provide(A, { lifetime: 'request', inject: [RequestId, Config] }),
    provide(B, { lifetime: 'request', inject: [RequestId, Logger] }),
    provide(C, { lifetime: 'request', inject: [A, Config] }),
    provide(D, { lifetime: 'request', inject: [A, B] }),
    provide(E, { lifetime: 'request', inject: [C, D, Logger], dispose: (e) => e.dispose() }),
    provide(Handler, { lifetime: 'transient', inject: [Config, Logger, Clock] }),
  ] as Registration[];
}

/** Build the graph. */
export function createGraph(): PeerGraph {
  const c = createContainer({ providers: graphProviders() });
  c.check();
  return {
    disposesScopes: true,
    singleton: () => c.resolveSync(Config),
    singletons: () => ({ config: c.resolveSync(Config), logger: c.resolveSync(Logger), clock: c.resolveSync(Clock) }),
    transient: () => c.resolveSync(Handler),
    async request(id) {
      const s = c.createScope().supply(RequestId, id);
      const e = await s.resolve(E);
      await s.dispose();
      return e;
    },
    async concurrent() {
      let factoryRuns = 0;
      const fresh = createContainer({
        providers: [provide(Db, { useFactory: async () => { factoryRuns++; await nextTurn(); return new Pool(); } })],
      });
      const calls = new Array<Promise<Pool>>(CALLERS);
      for (let i = 0; i < CALLERS; i++) calls[i] = fresh.resolve(Db);
      return { instances: await Promise.all(calls), factoryRuns };
    },
  };
}
