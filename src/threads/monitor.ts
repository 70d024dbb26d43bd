import { LoopBlockedError, ThreadOffloadError } from '../errors/threads.js';
import { LateWork } from './late-work.js';
import { ContextNeeds } from './context-needs.js';
import { throwVerdict, withEvidence } from './verdict.js';
import { validateOptions } from '../options/validate.js';
import type { ResolutionTrail } from '../resolution/observer.js';
import * as construction from '../resolution/construct.js';
import * as attribution from './attribution.js';
import * as blockClock from './block-clock.js';
import { loopBlockChannel, offloadChannel } from './channels.js';
import * as context from './context.js';
import type { FactoryRun, RunOwner } from './context.js';
import type { LoopBlockFinding, OffloadFinding } from '../findings/types.js';
import { createMetrics, type MetricsRegistry, type MonitorMetrics } from './metrics.js';
import { CheckBudget } from './check-budget.js';
import { allows, offloadWarning, threadsText } from './finding-text.js';
import type { AllowRule, MonitorMode, ThreadMonitor, ThreadMonitorOptions, ThreadMonitorStats } from './monitor-types.js';
import { startSampler, type Sampler } from './sampler.js';
import { monitorSchema } from './options.js';
import * as sinkState from './sinks.js';
import { attachRouteAttribution } from './routes.js';
import { formatSite } from './site.js';

export type { AllowRule, MonitorMode, ThreadMonitor, ThreadMonitorOptions, ThreadMonitorStats } from './monitor-types.js';

// What runFactory() reads on every factory run, as this module's own constants: an imported binding is read through
// its module cell on each use (see the note in resolution/resolve.ts).
const { isThenable } = construction;
const { dropStamp, dropWatch, overBudget, startWatch } = blockClock;
const { enterSync, FactoryRun: Run, leaveSync, runningRun, runStorage } = context;
const { acquireAttribution, contextEnded, contextEntering, releaseAttribution } = attribution;
const { registerSwitchable, sinks } = sinkState;

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
  const allow = options.allow ?? [];
  const routes = options.routes ?? false;
  const sampling = mode === 'warn' ? { fullRuns: options.fullRuns ?? 1000, rate: options.sampleRate ?? 0.02 } : undefined;
  const monitor = new Monitor(mode, mode === 'off' ? 0 : budget, interval, captureStacks, options.metrics, allow, sampling);
  if (routes && mode !== 'off') attachRouteAttribution(monitor, monitor.routeOwner, captureStacks);
  return monitor;
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
  #allowed = 0;
  #closed = false;
  readonly #allow: readonly AllowRule[];
  /**
   * Throw mode: the runs that found something, by trail, so a timeout can carry what the run did (`runFailed`).
   * Filled only on a run's first finding: a map entry per factory run costs more in GC than the whole run.
   */
  readonly #runs: WeakMap<ResolutionTrail, FactoryRun> | undefined;
  /** Mode `warn`: learn which providers' runs need no async context (see `runFactory`). */
  readonly #learns: boolean;
  /** Which providers' runs need no async context (mode `warn`). */
  readonly #needs = new ContextNeeds();
  /** Runs the resolver gave up on before they found anything: what they find later is warned, not kept. */
  readonly #abandoned = new WeakSet<ResolutionTrail>();

  /** Mode `warn`: which runs are checked in full (see `ThreadMonitorOptions.sampleRate`). */
  readonly #sampling: CheckBudget | undefined;
  /** Mode `throw`: work found after its run had settled, for `assertClean()` and for the provider's next run. */
  readonly #late = new LateWork();

  constructor(mode: MonitorMode, budget: number, interval: number, captureStacks: boolean, registry: MetricsRegistry | undefined, allow: readonly AllowRule[], sampling: { fullRuns: number; rate: number } | undefined) {
    this.mode = mode;
    this.#sampling = sampling === undefined ? undefined : new CheckBudget(this, sampling.fullRuns, sampling.rate);
    this.#allow = allow;
    this.#runs = mode === 'throw' ? new WeakMap() : undefined;
    this.#learns = mode === 'warn';
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

  /** Hears route runs' findings: always warned, since the request cannot be failed after the fact. @internal */
  readonly routeOwner: RunOwner = {
    offload: (run, finding) => {
      if (!this.#count(run, finding) || this.mode === 'off') return;
      const what = `${finding.kind} work (${finding.type}${threadsText(finding)})`;
      this.#warn(`${finding.path.join('>')}|${finding.kind}|route`, ThreadOffloadError.code,
        `${finding.path.join(' -> ')}: the route's own hooks or handler put ${what} off the event loop ${formatSite(finding.site)}.`);
    },
  };

  /**
   * Run a factory as a watched run. Its synchronous part is named by a plain variable (`enterSync`), which every hook
   * reads first. An `AsyncLocalStorage` store (two context frames per run: most of attribution's cost) is what
   * names the run after an await and in callbacks of what it created. Mode `warn` enters it only for a provider
   * that needs one: its first run, and every run once one returned a promise, created an async resource (a timer,
   * a socket, a pool job whose callback may start more work) or had work found after it settled, and every run
   * inside another run's context (what it created would blame that run). Throw mode and leak checks: every run.
   */
  runFactory<R>(trail: ResolutionTrail, invoke: () => R): R {
    this.#resolutions++;
    const checking = sinks.size !== 0;
    if (!this.#live && !checking) {
      dropStamp(); // an untimed factory ran: the next timed run may not start from the latest end
      return invoke();
    }
    const id = trail.id;
    if (!checking && id !== undefined) {
      if (this.#sampling !== undefined && !this.#sampling.check(id)) {
        dropStamp();
        return invoke();
      }
      if (this.#runs !== undefined) this.#late.failRun(trail, id);
    }
    // Only mode warn learns (proofs give every run a context); never inside another run's context (see above).
    const learning = this.#learns && !checking ? id : undefined;
    const quiet = learning !== undefined && this.#needs.quiet(learning) && runStorage.getStore() === undefined;
    const run = new Run(trail, this, this.#captureStacks, quiet);
    const budget = this.#live ? this.#budget : 0;
    if (budget > 0) startWatch(budget, runningRun() === undefined);
    else dropStamp();
    let result: R;
    if (learning !== undefined && !quiet) contextEntering();
    const outer = enterSync(run);
    try {
      result = quiet ? invoke() : runStorage.run(run, invoke);
    } catch (error) {
      leaveSync(outer);
      if (!quiet) contextEnded(learning === undefined || run.created);
      throw this.#threw(run, error, budget, learning, quiet);
    }
    leaveSync(outer);
    const thenable = isThenable(result);
    // Only mode warn's runs can tell that their context ended with them; a proof's context is kept.
    if (!quiet) contextEnded(learning === undefined || run.created || thenable);
    if (budget > 0) {
      const over = overBudget(budget);
      if (over !== undefined) this.#blocked(run, { path: run.path, ms: over.ms, ownMs: over.ownMs, budgetMs: budget });
    }
    if (!thenable) {
      run.settled = true;
      if (learning !== undefined) this.#needs.learn(learning, quiet, !run.created);
      if (this.mode === 'throw' && !this.#closed) throwVerdict(run, result);
      return result;
    }
    if (learning !== undefined) this.#needs.learn(learning, quiet, false);
    return Promise.resolve(result).then(
      (value: unknown) => {
        run.settled = true;
        if (this.mode === 'throw' && !this.#closed) throwVerdict(run, value);
        return value;
      },
      (error: unknown) => {
        run.settled = true;
        throw (this.mode === 'throw' && !this.#closed ? withEvidence(run, error) : error);
      },
    ) as R;
  }

  /** The factory threw in its synchronous part: what to throw instead (see `withEvidence`). */
  #threw(run: FactoryRun, error: unknown, budget: number, id: object | undefined, quiet: boolean): unknown {
    run.settled = true;
    if (budget > 0) dropWatch();
    if (run.created && id !== undefined) this.#needs.learn(id, quiet, false);
    return (this.mode === 'throw' && !this.#closed ? withEvidence(run, error) : error);
  }

  /**
   * The resolver gave up on a run (its timeout): in mode `throw` the run's findings become the error, with the
   * timeout as its cause, and work the abandoned factory starts from now on is reported like work after settling.
   */
  runFailed(trail: ResolutionTrail, error: unknown): unknown {
    const run = this.#runs?.get(trail);
    if (run === undefined) {
      if (this.mode === 'throw') this.#abandoned.add(trail);
      return error;
    }
    if (run.settled) return error;
    run.settled = true;
    return (this.mode === 'throw' && !this.#closed ? withEvidence(run, error) : error);
  }

  /** @internal */
  offload(run: FactoryRun, finding: OffloadFinding): void {
    // Work found after its run settled (a promise callback the factory left behind creates no resource we see):
    // that provider's later runs keep their async context.
    const id = run.trail.id;
    if (this.#learns && finding.phase === 'after' && id !== undefined) this.#needs.learn(id, this.#needs.quiet(id), false);
    if (finding.phase === 'after') contextEnded(true); // a context outlived its run
    if (id !== undefined) this.#sampling?.found(id);
    if (!this.#count(run, finding)) return;
    if (this.mode === 'throw' && !run.settled && !this.#abandoned.has(run.trail)) {
      if (run.offloads === undefined) {
        run.offloads = [];
        this.#runs?.set(run.trail, run);
      }
      run.offloads.push(finding);
      return;
    }
    if (this.mode === 'throw') this.#late.add(id, finding);
    if (this.mode !== 'off') {
      this.#warn(`${finding.path.join('>')}|${finding.kind}|${finding.phase}`, ThreadOffloadError.code, offloadWarning(finding));
    }
  }

  /** Count and publish a finding; false when nothing more is to be done (closed monitor, allowed work). */
  #count(run: FactoryRun, finding: OffloadFinding): boolean {
    this.#offloads++;
    this.#metrics?.offload(finding.kind);
    if (offloadChannel.hasSubscribers) offloadChannel.publish(finding);
    for (const sink of sinks) sink.offload(finding, run.epoch);
    if (this.#closed) return false;
    if (this.#allow.length > 0 && allows(this.#allow, finding)) {
      this.#allowed++;
      return false;
    }
    return true;
  }

  assertClean(): void {
    this.#late.assertNone();
  }

  stats(): ThreadMonitorStats {
    const sample = this.#sampler?.latest;
    return {
      resolutions: this.#resolutions + (this.#sampling?.tally.skipped ?? 0), // the resolver's skips never call in
      offloads: this.#offloads,
      loopBlocks: this.#loopBlocks,
      allowed: this.#allowed,
      unchecked: this.#sampling?.skipped ?? 0,
      sampleRate: this.#sampling?.rate ?? 1,
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
    if (run.trail.id !== undefined) this.#sampling?.found(run.trail.id);
    this.#metrics?.loopBlock();
    if (loopBlockChannel.hasSubscribers) loopBlockChannel.publish(finding);
    for (const sink of sinks) sink.loopBlock(finding);
    if (this.#closed) return;
    if (this.mode === 'throw') {
      run.loopBlock = finding;
      this.#runs?.set(run.trail, run);
    } else if (this.mode === 'warn') {
      this.#warn(`${finding.path.join('>')}|block`, LoopBlockedError.code,
        `${finding.path.join(' -> ')}: the factory held the event loop for ${finding.ms.toFixed(1)} ms (budget ${finding.budgetMs} ms).`);
    }
  }

  /** One warning per provider path and kind of work, however often the factory runs. */
  #warn(key: string, code: string, message: string): void {
    if (this.#warned.has(key)) return;
    if (this.#warned.size < 1000) this.#warned.add(key);
    process.emitWarning(message, { type: 'LoopsafeWarning', code });
  }
}
