/**
 * The correctness checks BENCH.md asks for before a (peer, scenario) is timed. Each throws a plain Error saying
 * what was wrong; a peer that fails is reported as failed and never timed.
 */
import { Pool } from './graph/model.js';
import { CALLERS, type PeerGraph } from './graph/peer.js';

/** The four micro scenarios. */
export type Scenario = 'M1' | 'M2' | 'M3' | 'M4';

/** Every scenario, in table order. */
export const scenarios: readonly Scenario[] = ['M1', 'M2', 'M3', 'M4'];

function expect(ok: boolean, what: string): void {
  if (!ok) throw new Error(what);
}

/** Run the checks for one scenario. */
export async function check(graph: PeerGraph, scenario: Scenario): Promise<void> {
  const s = graph.singletons();
  switch (scenario) {
    case 'M1': {
      const first = graph.singleton();
      expect(first === graph.singleton() && first === s.config, 'M1: Config is not the same instance every time');
      expect(typeof first.url === 'string', 'M1: Config is not a Config');
      return;
    }
    case 'M2': {
      const h1 = graph.transient();
      const h2 = graph.transient();
      expect(h1 !== h2, 'M2: Handler is not a new instance each time');
      for (const h of [h1, h2]) {
        expect(h.config === s.config && h.logger === s.logger && h.clock === s.clock, 'M2: Handler does not get the shared singletons');
      }
      return;
    }
    case 'M3': {
      const e1 = await graph.request(1);
      const e2 = await graph.request(2);
      for (const [e, id] of [[e1, 1], [e2, 2]] as const) {
        expect(e.c.a === e.d.a, 'M3: C and D do not share one A');
        expect(e.c.a.id === id && e.d.b.id === id, 'M3: the request id is not visible to A and B');
        expect(e.logger === s.logger && e.d.b.logger === s.logger && e.c.config === s.config && e.c.a.config === s.config,
          'M3: request services do not get the shared singletons');
        const want = graph.disposesScopes ? 1 : 0;
        expect(e.disposals === want, `M3: E's disposer ran ${e.disposals} times for one scope, expected ${want}`);
      }
      expect(e1 !== e2 && e1.c !== e2.c && e1.d !== e2.d && e1.c.a !== e2.c.a && e1.d.b !== e2.d.b,
        'M3: a new scope does not get new instances');
      return;
    }
    case 'M4': {
      const r1 = await graph.concurrent();
      const r2 = await graph.concurrent();
      for (const r of [r1, r2]) {
        expect(r.factoryRuns === 1, `M4: the async factory ran ${r.factoryRuns} times, expected once`);
        expect(r.instances.length === CALLERS && r.instances.every((x) => x === r.instances[0]), 'M4: the callers did not all get one instance');
        // By shape, not `instanceof`: the baseline build (BENCH_BASELINE) builds the Pool class of its own checkout.
        expect(isPool(r.instances[0]), 'M4: the callers did not get the built instance');
      }
      expect(r1.instances[0] !== r2.instances[0], 'M4: a fresh container returned the previous container\'s instance');
      return;
    }
  }
}

/** A `Pool` as M4's factory builds it, from this checkout's model or another build's. */
function isPool(value: unknown): boolean {
  return value instanceof Pool || (typeof value === 'object' && value !== null && value.constructor.name === 'Pool' && (value as Pool).size === new Pool().size);
}
