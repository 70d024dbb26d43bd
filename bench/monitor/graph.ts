// The BENCH.md graph (singletons Config/Logger/Clock, supplied RequestId, request-scoped diamond A..E, E disposed).
// M3_ID=factory makes RequestId a request-scoped factory instead, as a graph without supply() has it.
import { Registry } from 'prom-client';
import { createContainer, createThreadMonitor, provide, token, type Container, type ThreadMonitor } from '../../src/index.js';

export const Config = token<{ name: string }>('Config');
export const Logger = token<{ log(m: string): void }>('Logger');
export const Clock = token<{ now(): number }>('Clock');
export const RequestId = token<number>('RequestId');
export const A = token<{ id: number; config: unknown }>('A');
export const B = token<{ id: number; logger: unknown }>('B');
export const C = token<{ a: unknown; config: unknown }>('C');
export const D = token<{ a: unknown; b: unknown }>('D');
export const E = token<{ c: { a: unknown }; d: { a: unknown }; logger: unknown }>('E');

/**
 * Which monitor the container gets: none at all, or one in a mode (`sampling` = mode off plus the sampler,
 * `metrics` = mode off with a prom-client registry, which counts every factory run).
 */
export type Variant = 'none' | 'off' | 'metrics' | 'sampling' | 'warn' | 'throw' | 'routes';

export function monitorFor(variant: Variant): ThreadMonitor | undefined {
  if (variant === 'none') return undefined;
  if (variant === 'metrics') return createThreadMonitor({ mode: 'off', metrics: new Registry() });
  if (variant === 'sampling') return createThreadMonitor({ mode: 'off', sampleIntervalMs: 100 });
  // A budget no factory here can reach: the clock is still read around every factory (the cost being measured), but
  // a GC pause or a descheduled process on a loaded machine cannot turn a run into a LoopBlockedError.
  const loopBlockBudgetMs = Number(process.env.BUDGET ?? 60_000);
  if (variant === 'routes') return createThreadMonitor({ mode: 'warn', routes: true, loopBlockBudgetMs });
  // SAMPLE_RATE: mode warn's sampleRate (its default when unset), to see what the sampled runs cost.
  const sampleRate = process.env.SAMPLE_RATE === undefined ? undefined : Number(process.env.SAMPLE_RATE);
  return createThreadMonitor({ mode: variant, loopBlockBudgetMs, ...(variant === 'warn' && sampleRate !== undefined ? { sampleRate } : {}) });
}

/** True when RequestId is made by a request-scoped factory (M3_ID=factory), so nothing is supplied. */
export const idFromFactory = process.env.M3_ID === 'factory';

export function buildGraph(variant: Variant): { container: Container; disposed: () => number; monitor: ThreadMonitor | undefined } {
  let disposed = 0;
  let nextId = 0;
  const monitor = monitorFor(variant);
  const container = createContainer({
    ...(monitor === undefined ? {} : { observer: monitor }),
    providers: [
      provide(Config, { useValue: { name: 'bench' } }),
      provide(Logger, { useFactory: () => ({ log: (_m: string) => {} }) }),
      provide(Clock, { useFactory: () => ({ now: () => 0 }) }),
      idFromFactory ? provide(RequestId, { lifetime: 'request', useFactory: () => ++nextId }) : provide(RequestId, { supplied: true }),
      provide(A, { lifetime: 'request', inject: [RequestId, Config], useFactory: (id, config) => ({ id, config }) }),
      provide(B, { lifetime: 'request', inject: [RequestId, Logger], useFactory: (id, logger) => ({ id, logger }) }),
      provide(C, { lifetime: 'request', inject: [A, Config], useFactory: (a, config) => ({ a, config }) }),
      provide(D, { lifetime: 'request', inject: [A, B], useFactory: (a, b) => ({ a, b }) }),
      provide(E, {
        lifetime: 'request',
        inject: [C, D, Logger],
        useFactory: (c, d, logger) => ({ c, d, logger }),
        dispose: () => void disposed++,
      }),
    ],
  });
  return { container, disposed: () => disposed, monitor };
}
