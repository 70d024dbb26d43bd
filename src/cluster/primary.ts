import cluster, { type Worker } from 'node:cluster';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { LoopsafeError } from '../errors/base.js';
import {
  ClusterAppError, ClusterCrashLoopError, ClusterShutdownTimeoutError, ClusterWorkerFailedError, type BusyWorker,
} from '../errors/cluster.js';
import { appSpecifier, checkClusterApp, loadClusterApp } from './app.js';
import { ACCEPT_WINDOW_MAX } from '../lifecycle/accept-queue.js';
import { Dispatcher } from './dispatch.js';
import type { ClusterEvent } from './events.js';
import { CONFIG_ENV, fromErrorData, isOwn, type ErrorData, type ToPrimary, type ToWorker, type WorkerConfig, type WorkerStats } from './messages.js';
import { resolveClusterOptions, type ClusterOptions, type ResolvedClusterOptions } from './options.js';
import { RestartBudget } from './restart.js';
import type { ClusterServer, WorkerInfo, WorkerThreads } from './server.js';

const WORKER_MAIN = fileURLToPath(new URL('./worker-main.js', import.meta.url));
const STATS: ToWorker = { loopsafe: 'stats' };
const DRAIN: ToWorker = { loopsafe: 'drain' };
const CLOSING: ToWorker = { loopsafe: 'closing' };
/**
 * Milliseconds the primary keeps accepting at shutdown at least (the workers' default `idleGrace`), then until its
 * accept queue is seen empty, at most {@link ACCEPT_WINDOW_MAX} more and within `shutdownTimeout`.
 */
const ACCEPT_QUIET = 100;

/**
 * Serve an app with several worker processes. Call it from your main module; workers run loopsafe's worker script,
 * which imports `app` and builds it, so your main module is never re-executed in a worker.
 *
 * ```ts
 * await serveCluster({ app: new URL('./app.js', import.meta.url), port: 3000 });
 * ```
 *
 * Before any worker starts, the app's provider graph is checked once in the primary (a misconfigured app fails
 * here with `LOOPSAFE_ERR_BOOT`). The primary owns the port and hands each connection to a worker, round robin.
 * A worker that dies is replaced with backoff; too many deaths stop the cluster (`LOOPSAFE_ERR_CLUSTER_CRASH_LOOP`).
 * On SIGTERM or SIGINT the primary closes the port first (new connections are refused), then every worker drains
 * at the same time (in-flight requests finish, idle connections close, request scopes then singletons are
 * disposed), then the primary exits 0; after `shutdownTimeout` it kills the busy workers and exits 1.
 */
export async function serveCluster(options: ClusterOptions): Promise<ClusterServer> {
  if (!cluster.isPrimary) throw new ClusterAppError('serveCluster()', 'it was called inside a cluster worker; call it once, from the primary');
  const resolved = resolveClusterOptions(options);
  if (!(options.app instanceof URL) && typeof options.app !== 'string') {
    throw new ClusterAppError('serveCluster()', 'option `app` must be the URL or absolute path of the app module');
  }
  const app = appSpecifier(options.app);
  await checkClusterApp(await loadClusterApp(app));
  const primary = new Primary(app, resolved);
  await primary.start();
  return primary;
}

interface Slot {
  readonly n: number;
  worker: Worker | undefined;
  state: WorkerInfo['state'];
  stats: WorkerStats | undefined;
  restarts: number;
  respawn: NodeJS.Timeout | undefined;
  exited: Promise<void>;
  failure: { phase: 'start' | 'shutdown'; error: ErrorData } | undefined;
  onStats: (() => void)[];
}

class Primary implements ClusterServer {
  readonly closed: Promise<void>;
  readonly #app: string;
  readonly #o: ResolvedClusterOptions;
  readonly #slots: Slot[];
  readonly #dispatcher = new Dispatcher();
  readonly #budget: RestartBudget;
  readonly #signals: [NodeJS.Signals, () => void][] = [];
  #port = 0;
  #started = false;
  #stopping: Promise<void> | undefined;
  #settle!: (error: LoopsafeError | undefined) => void;

  constructor(app: string, options: ResolvedClusterOptions) {
    this.#app = app;
    this.#o = options;
    this.#budget = new RestartBudget(options.restart);
    this.#slots = Array.from({ length: options.workers }, (_, i) => ({
      n: i + 1, worker: undefined, state: 'dead', stats: undefined, restarts: 0, respawn: undefined,
      exited: Promise.resolve(), failure: undefined, onStats: [],
    }));
    this.closed = new Promise((resolve, reject) => {
      this.#settle = (error) => (error === undefined ? resolve() : reject(error));
    });
    // Nobody has to await `closed`; a crash loop must not also become an unhandled rejection.
    this.closed.catch(() => {});
  }

  get port(): number {
    return this.#port;
  }

  get host(): string {
    return this.#o.host;
  }

  async start(): Promise<void> {
    cluster.setupPrimary({ exec: WORKER_MAIN, args: [] });
    try {
      await Promise.all(this.#slots.map((slot) => this.#spawn(slot)));
      this.#port = (await this.#dispatcher.listen(this.#o.port, this.#o.host)).port;
    } catch (error) {
      await this.#shutdown('start failed', undefined, false).catch(() => {});
      throw error;
    }
    this.#started = true;
    for (const signal of this.#o.signals) {
      // A second signal while draining means "now": kill the workers, and exit 1 if the process is ours to end.
      const handler = (): void => (this.#stopping === undefined ? void this.#shutdown(signal) : this.#force());
      process.on(signal, handler);
      this.#signals.push([signal, handler]);
    }
    this.#emit({ type: 'listening', host: this.#o.host, port: this.#port });
  }

  workers(): readonly WorkerInfo[] {
    return this.#slots.map((s) => ({
      worker: s.n, pid: s.worker?.process.pid, state: s.state, threads: s.stats?.threads, inFlight: s.stats?.inFlight ?? 0, restarts: s.restarts,
    }));
  }

  async threadCounts(): Promise<readonly WorkerThreads[]> {
    const ready = this.#slots.filter((s) => s.state === 'ready' && s.worker !== undefined);
    const answers = ready.map(async (slot) => {
      const worker = slot.worker!;
      const fresh = new Promise<void>((resolve) => slot.onStats.push(resolve));
      worker.send(STATS);
      // A worker that does not answer within a second keeps its last report; the timer never outlives the answer.
      const timer = new AbortController();
      await Promise.race([fresh, delay(1000, undefined, { signal: timer.signal }).catch(() => {})]);
      timer.abort();
      return { worker: slot.n, pid: worker.process.pid ?? -1, threads: slot.stats?.threads ?? -1 };
    });
    return Promise.all(answers);
  }

  async close(): Promise<void> {
    await this.#shutdown('close');
    return this.closed;
  }

  /** Fork the worker of a slot; resolves when it is ready, rejects if it fails first. */
  #spawn(slot: Slot): Promise<void> {
    const config: WorkerConfig = { app: this.#app, slot: slot.n, statsInterval: this.#o.statsInterval };
    const worker = cluster.fork({ ...this.#o.env, [CONFIG_ENV]: JSON.stringify(config) });
    slot.worker = worker;
    slot.state = 'starting';
    slot.stats = undefined;
    slot.failure = undefined;
    // Gone means out of node:cluster's table too, which happens once the worker has both exited and lost its IPC
    // channel; the two events come in either order (a killed worker often exits first), so wait for both.
    slot.exited = new Promise((resolve) => worker.once('exit', () => {
      if (worker.isConnected()) worker.once('disconnect', () => resolve());
      else resolve();
    }));
    return new Promise((resolve, reject) => {
      worker.on('message', (message: unknown) => {
        if (!isOwn<ToPrimary>(message)) return;
        if (message.loopsafe === 'ready') {
          this.#ready(slot, worker);
          resolve();
        } else if (message.loopsafe === 'adopted') {
          this.#dispatcher.confirmed(worker, message.id);
        } else if (message.loopsafe === 'stats') {
          slot.stats = message.stats;
          for (const fn of slot.onStats.splice(0)) fn();
        } else {
          slot.failure = { phase: message.phase, error: message.error };
        }
      });
      worker.once('exit', (code, signal) => {
        if (slot.state === 'starting') reject(this.#failed(slot, worker, 'start', `exited with code ${code}${signal === null ? '' : `, signal ${signal}`} before it was ready`));
        this.#exited(slot, worker, code, signal);
      });
    });
  }

  #ready(slot: Slot, worker: Worker): void {
    this.#emit({ type: 'worker-ready', worker: slot.n, pid: worker.process.pid ?? -1 });
    if (this.#stopping !== undefined) {
      // Started while the cluster shuts down (a replacement): it serves nothing and leaves at once.
      slot.state = 'draining';
      worker.send(DRAIN);
      return;
    }
    slot.state = 'ready';
    this.#dispatcher.add(worker);
  }

  #exited(slot: Slot, worker: Worker, code: number | null, signal: string | null): void {
    this.#dispatcher.gone(worker);
    if (slot.worker === worker) slot.worker = undefined;
    slot.state = 'dead';
    const expected = this.#stopping !== undefined || !this.#started;
    this.#emit({ type: 'worker-exit', worker: slot.n, pid: worker.process.pid ?? -1, code, signal, expected });
    if (expected) return;
    const wait = this.#budget.next(Date.now());
    if (wait === undefined) {
      const last = slot.failure === undefined ? `worker ${slot.n} exited with code ${code}` : `${slot.failure.error.name}: ${slot.failure.error.message}`;
      const cause = slot.failure === undefined ? undefined : fromErrorData(slot.failure.error);
      const error = new ClusterCrashLoopError(this.#o.restart.maxRestarts, this.#o.restart.window, last, cause === undefined ? undefined : { cause });
      void this.#shutdown('crash-loop', error).catch(() => {});
      return;
    }
    slot.restarts++;
    this.#emit({ type: 'worker-restart', worker: slot.n, delay: wait });
    slot.respawn = setTimeout(() => {
      slot.respawn = undefined;
      if (this.#stopping === undefined) this.#spawn(slot).catch(() => {});
    }, wait);
  }

  #force(): void {
    for (const slot of this.#slots) slot.worker?.process.kill('SIGKILL');
    if (this.#o.exit) process.exit(1);
  }

  #shutdown(reason: string, cause?: LoopsafeError, announce = true): Promise<void> {
    this.#stopping ??= this.#runShutdown(reason, cause, announce);
    return this.#stopping;
  }

  async #runShutdown(reason: string, cause: LoopsafeError | undefined, announce: boolean): Promise<void> {
    for (const slot of this.#slots) if (slot.respawn !== undefined) clearTimeout(slot.respawn);
    const deadline = Date.now() + this.#o.shutdownTimeout;
    // Workers learn first (their readiness routes answer 503, responses carry Connection: close) and keep serving
    // while the primary accepts what the kernel queued for the port, handing it out round robin as before.
    for (const slot of this.#slots) if (slot.state === 'ready') slot.worker?.send(CLOSING);
    if (this.#started) {
      await this.#dispatcher.acceptQueued({ quiet: ACCEPT_QUIET, bound: Math.min(ACCEPT_QUIET + ACCEPT_WINDOW_MAX, this.#o.shutdownTimeout) });
    }
    const live = this.#slots.filter((s) => s.worker !== undefined);
    // Then the port: from here on the kernel refuses new connections. Any still waiting go to a ready worker.
    this.#dispatcher.close();
    if (announce) this.#emit({ type: 'shutdown', reason });
    for (const slot of live) {
      this.#dispatcher.remove(slot.worker!);
      // A worker still starting gets the word when it reports ready (see #ready).
      if (slot.state === 'ready') {
        slot.state = 'draining';
        slot.worker!.send(DRAIN);
      }
    }
    // All workers drain at once: shutdown takes as long as the slowest one, not the sum.
    const timer = new AbortController();
    const inTime = await Promise.race([
      Promise.all(live.map((s) => s.exited)).then(() => true),
      delay(Math.max(0, deadline - Date.now()), false, { signal: timer.signal }).catch(() => false),
    ]);
    timer.abort();
    let error = cause;
    if (!inTime) {
      const busy: BusyWorker[] = live.filter((s) => s.worker !== undefined).map((s) => ({
        worker: s.n, pid: s.worker!.process.pid, inFlight: s.stats?.inFlight ?? 0, connections: s.stats?.connections ?? 0,
      }));
      for (const s of live) s.worker?.process.kill('SIGKILL');
      await Promise.all(live.map((s) => s.exited));
      error ??= new ClusterShutdownTimeoutError(this.#o.shutdownTimeout, busy);
    }
    const failed = live.find((s) => s.failure?.phase === 'shutdown');
    if (failed !== undefined && error === undefined) {
      error = this.#failed(failed, undefined, 'shutdown', failed.failure!.error.message);
    }
    for (const [signal, handler] of this.#signals) process.off(signal, handler);
    if (announce) this.#emit({ type: 'stopped', error, connections: this.#dispatcher.accepted });
    this.#settle(error);
    if (this.#o.exit && this.#started) process.exit(error === undefined ? 0 : 1);
  }

  #failed(slot: Slot, worker: Worker | undefined, phase: 'start' | 'shutdown', fallback: string): ClusterWorkerFailedError {
    const failure = slot.failure;
    const detail = failure === undefined ? fallback : `${failure.error.code ?? failure.error.name}: ${failure.error.message}`;
    const options = failure === undefined ? undefined : { cause: fromErrorData(failure.error) };
    return new ClusterWorkerFailedError(slot.n, worker?.process.pid, phase, detail, options);
  }

  #emit(event: ClusterEvent): void {
    try {
      this.#o.onEvent(event);
    } catch {
      // A faulty listener must not break the shutdown it is watching.
    }
  }
}
