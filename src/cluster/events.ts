import type { LoopsafeError } from '../errors/base.js';

/** The primary listens: connections are served from now on. */
export interface ListeningEvent {
  /** The event kind. */
  readonly type: 'listening';
  /** The address listened on. */
  readonly host: string;
  /** The port listened on. */
  readonly port: number;
}

/** A worker built its app and takes connections. */
export interface WorkerReadyEvent {
  /** The event kind. */
  readonly type: 'worker-ready';
  /** The worker's slot, 1 to `workers`. */
  readonly worker: number;
  /** The worker's process id. */
  readonly pid: number;
}

/** A worker process exited. */
export interface WorkerExitEvent {
  /** The event kind. */
  readonly type: 'worker-exit';
  /** The worker's slot, 1 to `workers`. */
  readonly worker: number;
  /** The worker's process id. */
  readonly pid: number;
  /** The exit code, or `null` when a signal ended it. */
  readonly code: number | null;
  /** The signal that ended it, or `null`. */
  readonly signal: string | null;
  /** False when the worker died on its own, outside a shutdown: it will be replaced. */
  readonly expected: boolean;
}

/** A dead worker's replacement is scheduled. */
export interface WorkerRestartEvent {
  /** The event kind. */
  readonly type: 'worker-restart';
  /** The slot being refilled. */
  readonly worker: number;
  /** Milliseconds before the replacement is forked (the backoff). */
  readonly delay: number;
}

/** Shutdown began: the port is closed, and every worker was told to drain. */
export interface ShutdownEvent {
  /** The event kind. */
  readonly type: 'shutdown';
  /** The signal, `'close'` for `server.close()`, or `'crash-loop'`. */
  readonly reason: string;
}

/** Every worker has exited; the cluster is stopped. */
export interface StoppedEvent {
  /** The event kind. */
  readonly type: 'stopped';
  /** Why the shutdown failed, or `undefined` after a clean one. */
  readonly error: LoopsafeError | undefined;
  /** Connections the primary accepted and handed to workers over the cluster's life. */
  readonly connections: number;
}

/** A lifecycle event of a cluster, passed to `onEvent`. */
export type ClusterEvent = ListeningEvent | WorkerReadyEvent | WorkerExitEvent | WorkerRestartEvent | ShutdownEvent | StoppedEvent;
