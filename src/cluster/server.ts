// What the primary exposes of a running cluster.

/** One worker as the primary sees it. */
export interface WorkerInfo {
  /** The slot, 1 to `workers`; a replacement keeps the slot of the worker it replaces. */
  readonly worker: number;
  /** The current process id, or `undefined` while the slot waits for a replacement. */
  readonly pid: number | undefined;
  /** Where the worker is in its life. */
  readonly state: 'starting' | 'ready' | 'draining' | 'dead';
  /** OS threads of the worker process, as last reported (`undefined` before the first report). */
  readonly threads: number | undefined;
  /** Requests in flight, as last reported. */
  readonly inFlight: number;
  /** How many times this slot's worker has been replaced. */
  readonly restarts: number;
}

/** A worker's OS thread count, fresh from the worker. */
export interface WorkerThreads {
  /** The slot, 1 to `workers`. */
  readonly worker: number;
  /** The worker's process id. */
  readonly pid: number;
  /** Entries of the worker's /proc/self/task; -1 where /proc does not exist. */
  readonly threads: number;
}

/** A running cluster, as returned by `serveCluster()` in the primary. */
export interface ClusterServer {
  /** The port the primary listens on (useful with `port: 0`). */
  readonly port: number;
  /** The address the primary listens on. */
  readonly host: string;
  /** A snapshot of every worker slot. */
  workers(): readonly WorkerInfo[];
  /** Ask every ready worker for its OS thread count now. */
  threadCounts(): Promise<readonly WorkerThreads[]>;
  /**
   * Shut down gracefully, as on SIGTERM: stop accepting, drain all workers in parallel, resolve once every worker
   * has exited. Rejects with the coded error of a failed shutdown.
   */
  close(): Promise<void>;
  /** Settles when the cluster has stopped for any reason: a signal, `close()`, or a crash loop (rejects). */
  readonly closed: Promise<void>;
}
