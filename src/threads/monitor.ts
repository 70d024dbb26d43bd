import { LoopBlockedError, ThreadOffloadError } from '../errors/threads.js';
import { validateOptions } from '../options/validate.js';
import type { ResolutionObserver, ResolutionTrail } from '../resolution/observer.js';
import { isThenable } from '../resolution/resolve.js';
import { acquireAttribution, releaseAttribution } from './attribution.js';
import { overBudget, startWatch } from './block-clock.js';
import { loopBlockChannel, offloadChannel } from './channels.js';
import { FactoryRun, runStorage, type RunOwner } from './context.js';
import type { LoopBlockFinding, OffloadFinding } from './findings.js';
import { createMetrics, type MetricsRegistry, type MonitorMetrics } from './metrics.js';
import { startSampler, type Sampler } from './sampler.js';
import { monitorSchema } from './options.js';
import { registerSwitchable, sinks } from './sinks.js';
import { formatSite } from './site.js';

/**
 * What the monitor does when a factory offloads work or blocks the loop.
 * - `off`: nothing per resolution (no hook, no timing); sampling and metrics still work.
 * - `warn`: a process warning (`process.on('warning')`, `code` set) once per provider path and kind of work, plus channel events.
 * - `throw`: the resolution fails with `LOOPSAFE_ERR_THREAD_OFFLOAD` / `LOOPSAFE_ERR_THREAD_LOOP_BLOCKED`.
 */
export type MonitorMode = 'off' | 'warn' | 'throw';

/** Options of {@link createThreadMonitor}. */
export interface ThreadMonitorOptions {
  /**
   * `warn` by default: a monitor someone created should speak up, but never take a production server down.
   * Use `throw` in tests and CI, `off` plus sampling where the per-callback hook cost matters.
   * @default 'warn'
   */
  mode?: MonitorMode;
  /**
   * A factory whose synchronous part runs longer than this many milliseconds is reported like offloaded work.
   * Time the thread spent waiting for a CPU (a loaded machine) does not count, where Linux reports it
   * (`/proc/thread-self/schedstat`). `0` turns the check off. Ignored in mode `off`.
   * @default 50
   */
  loopBlockBudgetMs?: number;
  /**
   * Read the OS thread count every this many milliseconds (on an unref'd timer) and publish growth on
   * `threadChannels.growth`. `0` turns sampling off. Needs Linux `/proc/self/task`; elsewhere creation throws
   * `LOOPSAFE_ERR_THREAD_COUNT_UNSUPPORTED`.
   * @default 0
   */
  sampleIntervalMs?: number;
  /**
   * Capture a stack where offloaded work starts, so reports name the source line. Costs a stack trace per pool job
   * started inside a factory (not per resolution).
   * @default true
   */
  captureStacks?: boolean;
  /**
   * A prom-client `Registry`: the monitor registers `loopsafe_threads` (gauge), `loopsafe_thread_offloads_total`
   * (by `kind`), `loopsafe_loop_blocks_total` and `loopsafe_resolutions_total`. Needs the `prom-client` package.
   */
  metrics?: MetricsRegistry;
}

/** A thread monitor: pass it as `createContainer({ observer })`. One monitor can watch several containers. */
export interface ThreadMonitor extends ResolutionObserver {
  /** The mode it was created with. */
  readonly mode: MonitorMode;
  /** Counts since creation. `threads` is the latest sample (`undefined` before the first, or without sampling). */
  stats(): ThreadMonitorStats;
  /** False while the monitor has nothing to watch (mode `off`, no metrics, no leak check running). */
  readonly active: boolean;
  /** Stop sampling and attribution. Containers keep working; their factories are no longer watched. */
  close(): void;
}

/** What a monitor has counted. */
export interface ThreadMonitorStats {
  /** Factory and constructor runs watched (in mode `off` only while metrics are on or a leak check runs). */
  readonly resolutions: number;
  /** Pool jobs and Workers attributed to a factory. */
  readonly offloads: number;
  /** Factories over the loop-block budget. */
  readonly loopBlocks: number;
  /** OS threads at the latest sample. */
  readonly threads: number | undefined;
  /** The highest sampled thread count. */
  readonly maxThreads: number | undefined;
}

/**
 * Create a thread monitor: it proves that no resolution offloads work to the libuv thread pool or starts a thread.
 *
 * ```ts
 * const monitor = createThreadMonitor({ mode: process.env.NODE_ENV === 'test' ? 'throw' : 'warn' });
 * const container = createContainer({ providers, observer: monitor });
 * ```
 */
export function createThreadMonitor(options: ThreadMonitorOptions = {}): ThreadMonitor {
  validateOptions(monitorSchema, options, 'createThreadMonitor');
  const mode = options.mode ?? 'warn';
  const budget = options.loopBlockBudgetMs ?? 50;
  const interval = options.sampleIntervalMs ?? 0;
  const captureStacks = options.captureStacks ?? true;
  return new Monitor(mode, mode === 'off' ? 0 : budget, interval, captureStacks, options.metrics);
}

class Monitor implements ThreadMonitor, RunOwner {
  readonly mode: MonitorMode;
  /**
   * A plain field, not a getter, because the container reads it on every construction. In mode `off` (without
   * metrics) it is false, so the container skips the monitor entirely, except while a leak check is running.
   */
  active = true;
  readonly #attributing: boolean;
  /** Attributing and not closed: a closed monitor behaves like mode `off`. */
  #live: boolean;
  /** Watch every construction: attribution modes, or counting resolutions for metrics. */
  readonly #alwaysOn: boolean;
  readonly #budget: number;
  readonly #captureStacks: boolean;
  readonly #sampler: Sampler | undefined;
  readonly #metrics: MonitorMetrics | undefined;
  readonly #warned = new Set<string>();
  #resolutions = 0;
  #offloads = 0;
  #loopBlocks = 0;
  #closed = false;

  constructor(mode: MonitorMode, budget: number, interval: number, captureStacks: boolean, registry: MetricsRegistry | undefined) {
    this.mode = mode;
    this.#attributing = mode !== 'off';
    this.#live = this.#attributing;
    this.#budget = budget;
    this.#captureStacks = captureStacks;
    this.#sampler = interval > 0 ? startSampler(interval) : undefined;
    this.#metrics = registry === undefined ? undefined : createMetrics(registry, this, this.#sampler);
    this.#alwaysOn = this.#attributing || this.#metrics !== undefined;
    if (!this.#alwaysOn) registerSwitchable(this);
    if (this.#attributing) acquireAttribution();
  }

  runFactory<R>(trail: ResolutionTrail, invoke: () => R): R {
    this.#resolutions++;
    if (!this.#live && sinks.size === 0) return invoke();
    const run = new FactoryRun(trail, this, this.#captureStacks);
    const budget = this.#live ? this.#budget : 0;
    const watch = budget > 0 ? startWatch(budget) : undefined;
    let result: R;
    try {
      result = runStorage.run(run, invoke);
    } catch (error) {
      run.settled = true;
      throw error;
    }
    if (watch !== undefined) {
      const over = overBudget(watch, budget);
      if (over !== undefined) this.#blocked(run, { path: run.path, ms: over.ms, ownMs: over.ownMs, budgetMs: budget });
    }
    if (!isThenable(result)) {
      run.settled = true;
      this.#verdict(run);
      return result;
    }
    return Promise.resolve(result).then(
      (value: unknown) => {
        run.settled = true;
        this.#verdict(run);
        return value;
      },
      (error: unknown) => {
        run.settled = true;
        throw error;
      },
    ) as R;
  }

  /** @internal */
  offload(run: FactoryRun, finding: OffloadFinding): void {
    this.#offloads++;
    this.#metrics?.offload(finding.kind);
    if (offloadChannel.hasSubscribers) offloadChannel.publish(finding);
    for (const sink of sinks) sink.offload(finding);
    if (this.#closed) return;
    if (this.mode === 'throw' && !run.settled) {
      (run.offloads ??= []).push(finding);
    } else if (this.mode !== 'off') {
      this.#warn(`${finding.path.join('>')}|${finding.kind}`, ThreadOffloadError.code,
        `${finding.path.join(' -> ')}: the factory of ${finding.path[finding.path.length - 1] ?? '?'} put ${finding.kind} work ` +
        `(${finding.type}) off the event loop ${formatSite(finding.site)}${finding.phase === 'after' ? ', after it had settled' : ''}.`);
    }
  }

  stats(): ThreadMonitorStats {
    const sample = this.#sampler?.latest;
    return {
      resolutions: this.#resolutions,
      offloads: this.#offloads,
      loopBlocks: this.#loopBlocks,
      threads: sample?.count,
      maxThreads: this.#sampler?.max,
    };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#live = false;
    this.#sampler?.stop();
    if (this.#alwaysOn) registerSwitchable(this); // from now on, on only while a leak check runs
    if (this.#attributing) releaseAttribution();
  }

  #blocked(run: FactoryRun, finding: LoopBlockFinding): void {
    this.#loopBlocks++;
    this.#metrics?.loopBlock();
    if (loopBlockChannel.hasSubscribers) loopBlockChannel.publish(finding);
    for (const sink of sinks) sink.loopBlock(finding);
    if (this.#closed) return;
    if (this.mode === 'throw') run.loopBlock = finding;
    else if (this.mode === 'warn') {
      this.#warn(`${finding.path.join('>')}|block`, LoopBlockedError.code,
        `${finding.path.join(' -> ')}: the factory held the event loop for ${finding.ms.toFixed(1)} ms (budget ${finding.budgetMs} ms).`);
    }
  }

  /** In mode `throw`, fail the run if it offloaded or blocked while it ran. */
  #verdict(run: FactoryRun): void {
    if (this.mode !== 'throw' || this.#closed) return;
    const name = [run.trail.name];
    if (run.offloads !== undefined) throw new ThreadOffloadError(name, run.offloads);
    if (run.loopBlock !== undefined) throw new LoopBlockedError(name, run.loopBlock);
  }

  /** One warning per provider path and kind of work, however often the factory runs. */
  #warn(key: string, code: string, message: string): void {
    if (this.#warned.has(key)) return;
    if (this.#warned.size < 1000) this.#warned.add(key);
    process.emitWarning(message, { type: 'LoopsafeWarning', code });
  }
}
