import { subscribe, tracingChannel, unsubscribe } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import { anyObject, required } from '../options/rules.js';
import type { Schema } from '../options/rule.js';
import { validateOptions } from '../options/validate.js';
import { loadPromClient, type MetricsRegistry } from '../threads/metrics.js';
import type { CacheEvent } from './cache-events.js';
import { loopsafeChannels, type BootContext, type ResolveContext, type ScopeContext } from './channels.js';

/** Options of {@link createLoopsafeMetrics}. */
export interface LoopsafeMetricsOptions {
  /** A prom-client `Registry` to register the metrics in. Needs the `prom-client` package. */
  registry: MetricsRegistry;
}

// Unknown keys (a misspelt `registry`) are refused like every other options object's.
const metricsSchema = { registry: required(anyObject('a prom-client Registry')) } satisfies Schema<LoopsafeMetricsOptions>;

/** What {@link createLoopsafeMetrics} returns. */
export interface LoopsafeMetrics {
  /** Stop counting (unsubscribe from loopsafe's channels). The metrics stay registered with their last values. */
  close(): void;
}

type Labels = Record<string, string>;
interface Settable { set(labels: Labels | number, value?: number): void }
interface Prom {
  Gauge: new (config: Record<string, unknown>) => Settable;
  Counter: new (config: Record<string, unknown>) => { inc(labels: Labels | number, value?: number): void };
}

/** Counts kept as plain numbers while the app runs, handed to prom-client when it is scraped. */
class Tally {
  readonly #counts = new Map<string, number>();
  readonly #reported = new Map<string, number>();
  add(label: string, by = 1): void {
    this.#counts.set(label, (this.#counts.get(label) ?? 0) + by);
  }
  /** What grew since the last scrape, by label. */
  *growth(): Generator<[string, number]> {
    for (const [label, now] of this.#counts) {
      const delta = now - (this.#reported.get(label) ?? 0);
      if (delta > 0) yield [label, delta];
      this.#reported.set(label, now);
    }
  }
}

/**
 * Register loopsafe's own Prometheus metrics, fed by its tracing channels and read at scrape time:
 * `loopsafe_scopes_open` (gauge), `loopsafe_factory_runs_total` and `loopsafe_factory_seconds_total` (by
 * `provider`), `loopsafe_disposal_failures_total` (by `what`: `scope` or `container`),
 * `loopsafe_cache_events_total` (by `event`: `hit`, `miss`, `load`, `error`) and
 * `loopsafe_container_dispose_seconds` (how long the last shutdown's disposal took). The thread monitor's metrics
 * (`createThreadMonitor({ metrics })`) go beside them.
 *
 * ```ts
 * const registry = new Registry();
 * createLoopsafeMetrics({ registry });
 * app.get('/metrics', async (_req, reply) => reply.type(registry.contentType).send(await registry.metrics()));
 * ```
 */
export function createLoopsafeMetrics(options: LoopsafeMetricsOptions): LoopsafeMetrics {
  validateOptions(metricsSchema, options, 'createLoopsafeMetrics');
  const { registry } = options;
  const prom = loadPromClient<Prom>(registry, 'createLoopsafeMetrics', 'registry');
  const registers = [registry];
  let open = 0;
  let disposeSeconds: number | undefined;
  const runs = new Tally();
  const seconds = new Tally();
  const failures = new Tally();
  const cache = new Tally();
  const began = new WeakMap<object, number>();
  // Scopes opened before the metrics existed are not counted when they close either.
  const opened = new WeakSet<object>();

  const counter = (name: string, help: string, label: string, tally: Tally): void => {
    new prom.Counter({
      name, help, labelNames: [label], registers,
      collect(this: { inc(labels: Labels, value: number): void }) {
        for (const [value, delta] of tally.growth()) this.inc({ [label]: value }, delta);
      },
    });
  };
  new prom.Gauge({ name: 'loopsafe_scopes_open', help: 'Request scopes opened and not yet disposed.', registers, collect(this: Settable) { this.set(open); } });
  counter('loopsafe_factory_runs_total', 'Provider factory and constructor runs.', 'provider', runs);
  counter('loopsafe_factory_seconds_total', 'Time spent in provider factories, sync part and awaited part, in seconds.', 'provider', seconds);
  counter('loopsafe_disposal_failures_total', 'Scope or container disposals in which a disposer failed.', 'what', failures);
  counter('loopsafe_cache_events_total', 'Shared cache reads by outcome: hit, miss, load (the loader ran here), error.', 'event', cache);
  new prom.Gauge({
    name: 'loopsafe_container_dispose_seconds', help: 'How long the last container disposal took (open scopes, then singletons), in seconds.', registers,
    collect(this: Settable) { if (disposeSeconds !== undefined) this.set(disposeSeconds); },
  });

  const undo: (() => void)[] = [];
  const start = (ctx: object): void => void began.set(ctx, performance.now());
  const elapsed = (ctx: object): number => (performance.now() - (began.get(ctx) ?? performance.now())) / 1000;
  const ran = (ctx: ResolveContext): void => {
    runs.add(ctx.provider);
    seconds.add(ctx.provider, elapsed(ctx));
  };
  const trace = <C extends object>(name: string, handlers: { start?: (c: C) => void; end?: (c: C) => void; asyncEnd?: (c: C) => void }): void => {
    const all = { start: () => {}, end: () => {}, asyncStart: () => {}, asyncEnd: () => {}, error: () => {}, ...handlers };
    const channel = tracingChannel<unknown, C>(name);
    channel.subscribe(all);
    undo.push(() => channel.unsubscribe(all));
  };
  trace<ResolveContext>(loopsafeChannels.resolve, { start, end: (c) => { if (!c.async) ran(c); }, asyncEnd: ran });
  trace<ScopeContext>(loopsafeChannels.scopeDispose, {
    asyncEnd: (c) => {
      if (opened.delete(c)) open--;
      if (c.error !== undefined) failures.add('scope');
    },
  });
  trace<BootContext>(loopsafeChannels.containerDispose, {
    start,
    asyncEnd: (c) => {
      disposeSeconds = elapsed(c);
      if (c.error !== undefined) failures.add('container');
    },
  });
  const onOpen = (message: unknown): void => {
    opened.add(message as object);
    open++;
  };
  const onCache = (message: unknown): void => cache.add((message as CacheEvent).event);
  subscribe(loopsafeChannels.scopeOpen, onOpen);
  subscribe(loopsafeChannels.cache, onCache);
  undo.push(() => unsubscribe(loopsafeChannels.scopeOpen, onOpen), () => unsubscribe(loopsafeChannels.cache, onCache));
  return { close: () => { for (const u of undo.splice(0)) u(); } };
}
