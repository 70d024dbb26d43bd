import type { MetricsRegistry } from './metrics.js';
import type { ResolutionObserver } from '../resolution/observer.js';
import type { WorkKind } from '../findings/types.js';

// The public shape of a thread monitor: its mode, options, rules and counts (the machinery is in monitor.ts).

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
  /**
   * Work that is allowed: neither thrown nor warned (still counted in `stats().allowed`, and published on the
   * offload channel), while everything else still fails in mode `throw`. A rule matches the factory that did the
   * work by its provider's name, the kinds of work it may do, and (with `when: 'boot'`) only while
   * `container.boot()` builds it; a rule without `provider` applies to every factory, one without `kind` to every
   * kind. Leak checks (`loopsafe/testing`) keep reporting allowed work.
   *
   * ```ts
   * // Db connects by host name (dns on the pool) when the app boots; the same lookup during a request still fails.
   * createThreadMonitor({ mode: 'throw', allow: [{ provider: 'Db', kind: 'dns', when: 'boot' }] });
   * ```
   * @default []
   */
  allow?: readonly AllowRule[];
  /**
   * Also attribute pool and Worker work that a Fastify route's own hooks and handler do (not through a factory) to
   * the route, `GET /work`, reported as a warning in modes `warn` and `throw` (a request cannot be failed after the
   * fact). Needs the loopsafe Fastify plugin (`createApp()` registers it). Opt-in: it costs one
   * `AsyncLocalStorage` frame per request. Ignored in mode `off`.
   * @default false
   */
  routes?: boolean;
  /**
   * Mode `warn` checks every provider's first this many factory runs in full, and every run of a provider once
   * something was found in one of its runs (offloaded work, a loop block, work after it settled). Modes `throw` and
   * leak checks check every run whatever this says.
   * @default 1000
   */
  fullRuns?: number;
  /**
   * Mode `warn`, after a provider's first {@link fullRuns} runs: the probability with which each later run is
   * checked in full, drawn independently per run (`stats().sampleRate`). A provider that offloads on every run is
   * still caught at once (within its first runs); one that offloads on `k` runs after its first `fullRuns` is caught
   * with probability `1 - (1 - sampleRate)^k`. `1` checks every run (the cost of `throw`).
   * @default 0.02
   */
  sampleRate?: number;
}

/** One rule of {@link ThreadMonitorOptions.allow}. */
export interface AllowRule {
  /** The provider whose factory may do the work (its display name, as in error paths). Every provider when omitted. */
  readonly provider?: string;
  /** The kinds of work allowed. Every kind when omitted. */
  readonly kind?: WorkKind | readonly WorkKind[];
  /**
   * `'boot'`: only while `container.boot()` builds the provider (an eager singleton, or a provider an eager one
   * depends on, built during boot; `createApp()` and the Fastify plugin boot before listening). The same work done
   * when the provider is built after boot (a request- or transient-scoped provider, a singleton first resolved
   * lazily) is not allowed, nor is work that something the factory left behind does later (`phase: 'after'`).
   * Any time when omitted.
   */
  readonly when?: 'boot';
}

/** A thread monitor: pass it as `createContainer({ observer })`. One monitor can watch several containers. */
export interface ThreadMonitor extends ResolutionObserver {
  /** The mode it was created with. */
  readonly mode: MonitorMode;
  /** Counts since creation. `threads` is the latest sample (`undefined` before the first, or without sampling). */
  stats(): ThreadMonitorStats;
  /** False while the monitor has nothing to watch (mode `off`, no metrics, no leak check running). */
  readonly active: boolean;
  /**
   * Throw if work of a factory run was found after that run had settled, in mode `throw` (a promise the factory did
   * not await, a timer, a native call left running), since the last call: `LOOPSAFE_ERR_THREAD_LATE_OFFLOAD`,
   * listing each. Such work cannot fail the resolution it belongs to, which had already settled; the next run of
   * that provider fails with the same error, and this call is the check for a test's or CI's end. Clears the list.
   * Does nothing in modes `off` and `warn`.
   */
  assertClean(): void;
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
  /** Pool jobs and Workers an `allow` rule let through (included in `offloads`). */
  readonly allowed: number;
  /** Factory runs mode `warn` let through unchecked (see `sampleRate`); 0 in other modes. */
  readonly unchecked: number;
  /** The probability with which mode `warn` checks a run after a provider's first `fullRuns` (1 in other modes). */
  readonly sampleRate: number;
  /** OS threads at the latest sample. */
  readonly threads: number | undefined;
  /** The highest sampled thread count. */
  readonly maxThreads: number | undefined;
}

