import { LoopsafeError } from './base.js';

/** The app module given to `serveCluster()` does not have the shape a worker needs. */
export class ClusterAppError extends LoopsafeError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_CLUSTER_APP_INVALID';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = ClusterAppError.code;
  override name = 'ClusterAppError' as const;

  constructor(where: string, detail: string, options?: ErrorOptions) {
    super(
      `${where}: ${detail}. The app module must \`export default defineClusterApp({ providers, build })\`, where build() ` +
        'returns the app (a Fastify instance, not listening) and providers are checked once by the primary.',
      options,
    );
  }
}

/** A worker failed while starting (its app did not build) or while draining (its app did not close cleanly). */
export class ClusterWorkerFailedError extends LoopsafeError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_CLUSTER_WORKER_FAILED';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = ClusterWorkerFailedError.code;
  override name = 'ClusterWorkerFailedError' as const;
  /** The worker's slot, 1 to `workers`; a replacement keeps the slot of the worker it replaces. */
  readonly worker: number;

  constructor(worker: number, pid: number | undefined, phase: 'start' | 'shutdown', detail: string, options?: ErrorOptions) {
    const fix = phase === 'start'
      ? 'See the cause: it is the error build() or app.ready() threw in the worker. Nothing was served.'
      : 'See the cause: it is the error app.close() threw (often a disposer). The other workers still drained.';
    super(`Worker ${worker} (pid ${pid ?? '?'}) failed during ${phase}: ${detail}. ${fix}`, options);
    this.worker = worker;
  }
}

/** Workers kept dying: more restarts than `restart.maxRestarts` within `restart.window`. The cluster stopped. */
export class ClusterCrashLoopError extends LoopsafeError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_CLUSTER_CRASH_LOOP';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = ClusterCrashLoopError.code;
  override name = 'ClusterCrashLoopError' as const;

  constructor(restarts: number, window: number, last: string, options?: ErrorOptions) {
    super(
      `Workers died ${restarts + 1} times within ${window} ms (last: ${last}); restarting again would only loop, so the ` +
        'cluster shut down. Fix the crash (see the cause and the workers\' stderr), or raise restart.maxRestarts.',
      options,
    );
  }
}

/** What a worker was doing when the shutdown timeout expired. */
export interface BusyWorker {
  /** The worker's slot, 1 to `workers`. */
  readonly worker: number;
  /** Its process id. */
  readonly pid: number | undefined;
  /** Requests it was still answering, as last reported. */
  readonly inFlight: number;
  /** Connections it still had open, as last reported. */
  readonly connections: number;
}

/** Workers did not finish draining within `shutdownTimeout`; they were killed and the primary exits non-zero. */
export class ClusterShutdownTimeoutError extends LoopsafeError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_CLUSTER_SHUTDOWN_TIMEOUT';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = ClusterShutdownTimeoutError.code;
  override name = 'ClusterShutdownTimeoutError' as const;
  /** The workers that were still busy, with what they were doing. */
  readonly busy: readonly BusyWorker[];

  constructor(timeout: number, busy: readonly BusyWorker[]) {
    const list = busy.map((b) => `worker ${b.worker} (pid ${b.pid ?? '?'}: ${b.inFlight} request(s) in flight, ${b.connections} connection(s) open)`);
    super(
      `Shutdown did not finish within ${timeout} ms; still busy: ${list.join(', ')}. They were killed. Find the request ` +
        'that does not end (a handler awaiting something that never settles), or raise shutdownTimeout.',
    );
    this.busy = busy;
  }
}
