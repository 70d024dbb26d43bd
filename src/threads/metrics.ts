import { createRequire } from 'node:module';
import { InvalidOptionError } from '../errors/container.js';
import { readThreadCount } from './count.js';
import type { Sampler } from './sampler.js';
import type { WorkKind } from '../findings/types.js';

/** A prom-client `Registry` (only `registerMetric` is used; the metric classes come from the installed prom-client). */
export interface MetricsRegistry {
  /** Adds a metric to the registry. */
  registerMetric(metric: never): void;
}

/** @internal */
export interface MonitorMetrics {
  offload(kind: WorkKind): void;
  loopBlock(): void;
}

interface PromClient {
  Gauge: new (config: Record<string, unknown>) => { set(value: number): void };
  Counter: new (config: Record<string, unknown>) => { inc(labels?: Record<string, string> | number, value?: number): void };
}

interface Counts {
  stats(): { resolutions: number };
}

/** Register the monitor's gauges and counters in the user's registry. @internal */
export function createMetrics(registry: MetricsRegistry, counts: Counts, sampler: Sampler | undefined): MonitorMetrics {
  const prom = loadPromClient<PromClient>(registry, 'createThreadMonitor', 'metrics');
  const registers = [registry];
  new prom.Gauge({
    name: 'loopsafe_threads',
    help: 'OS threads of this process (Linux /proc/self/task), read at scrape time.',
    registers,
    collect(this: { set(value: number): void }) {
      const count = sampler?.latest?.count ?? readThreadCount();
      if (count !== undefined) this.set(count);
    },
  });
  let reported = 0;
  new prom.Counter({
    name: 'loopsafe_resolutions_total',
    help: 'Provider factories and constructors run under the thread monitor.',
    registers,
    collect(this: { inc(value: number): void }) {
      const now = counts.stats().resolutions;
      if (now > reported) this.inc(now - reported);
      reported = now;
    },
  });
  const offloads = new prom.Counter({
    name: 'loopsafe_thread_offloads_total',
    help: 'Thread-pool jobs and Worker threads started by provider factories.',
    labelNames: ['kind'],
    registers,
  });
  const blocks = new prom.Counter({
    name: 'loopsafe_loop_blocks_total',
    help: 'Provider factories whose synchronous part ran over the loop-block budget.',
    registers,
  });
  return {
    offload: (kind) => offloads.inc({ kind }),
    loopBlock: () => blocks.inc(),
  };
}

/**
 * Check that `registry` is a prom-client Registry and load the installed prom-client (an optional peer), for every
 * place that registers metrics; a wrong value or a missing package is `LOOPSAFE_ERR_OPTION_INVALID` naming the
 * option. @internal
 */
export function loadPromClient<T>(registry: unknown, where: string, option: string): T {
  if (typeof (registry as Partial<MetricsRegistry> | undefined)?.registerMetric !== 'function') {
    throw new InvalidOptionError(where, option, 'a prom-client Registry', registry);
  }
  try {
    return createRequire(import.meta.url)('prom-client') as T;
  } catch (cause) {
    throw new InvalidOptionError(where, option, 'a prom-client Registry, with the prom-client package installed', cause);
  }
}
