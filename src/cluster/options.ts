import { availableParallelism } from 'node:os';
import { anything, count, duration, flag, func, list, record, required, shape, text } from '../options/rules.js';
import type { Schema } from '../options/rule.js';
import { validateOptions } from '../options/validate.js';
import type { ClusterEvent } from './events.js';
import type { RestartOptions } from './restart.js';

/** Options of `serveCluster()`. */
export interface ClusterOptions {
  /**
   * The app module, as a file URL (`new URL('./app.js', import.meta.url)`) or an absolute path. Its default export
   * is made by `defineClusterApp()`. The primary imports it to check the graph; each worker imports it to build.
   */
  app: URL | string;
  /**
   * How many worker processes serve the app, from 1 to 1024.
   * @default os.availableParallelism()
   */
  workers?: number;
  /**
   * The TCP port; `0` picks a free one (read it from the returned `port`).
   * @default 3000
   */
  port?: number;
  /**
   * The address to listen on.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * Milliseconds the whole shutdown may take (all workers drain in parallel). After it, busy workers are killed and
   * shutdown fails with `LOOPSAFE_ERR_CLUSTER_SHUTDOWN_TIMEOUT`, naming them.
   * @default 10_000
   */
  shutdownTimeout?: number;
  /** When to replace a worker that died, and when to give up. */
  restart?: RestartOptions;
  /**
   * Milliseconds between each worker's reports of its thread count and load.
   * @default 5_000
   */
  statsInterval?: number;
  /**
   * Signals that start a graceful shutdown of the whole cluster. The same signal again during the shutdown kills
   * the workers at once (and exits 1).
   * @default ['SIGTERM', 'SIGINT']
   */
  signals?: readonly NodeJS.Signals[];
  /**
   * Exit the primary process once the cluster has stopped: with 0 after a clean shutdown, 1 otherwise. Turn it off
   * to keep the process (in tests, or when the primary does other work), and await `closed` instead.
   * @default true
   */
  exit?: boolean;
  /**
   * Called for each lifecycle event (listening, a worker ready, died, replaced, shutdown, stopped).
   * @default writes unexpected worker exits and the final error to stderr, because the process is about to
   * act on them (restart, exit) and nothing else would say why
   */
  onEvent?: (event: ClusterEvent) => void;
  /** Extra environment variables for the workers. */
  env?: Readonly<Record<string, string>>;
}

/** Cluster options with defaults applied, validated once. @internal */
export interface ResolvedClusterOptions {
  readonly workers: number;
  readonly port: number;
  readonly host: string;
  readonly shutdownTimeout: number;
  readonly restart: Required<RestartOptions>;
  readonly statsInterval: number;
  readonly signals: readonly NodeJS.Signals[];
  readonly exit: boolean;
  readonly onEvent: (event: ClusterEvent) => void;
  readonly env: Readonly<Record<string, string>>;
}

const restartSchema = {
  maxRestarts: count(0),
  window: duration({ min: 1 }),
  initialDelay: duration(),
  maxDelay: duration(),
} satisfies Schema<RestartOptions>;

/** `serveCluster()`'s options. */
export const clusterSchema = {
  // What `app` points at is checked when it is loaded (LOOPSAFE_ERR_CLUSTER_APP_INVALID): a module is more than a type.
  app: required(anything()),
  workers: count(1, 1024),
  port: count(0, 65535),
  host: text({ nonEmpty: true, expected: 'a host name or address' }),
  shutdownTimeout: duration({ min: 1 }),
  restart: shape(restartSchema),
  statsInterval: duration({ min: 10 }),
  signals: list(text({ nonEmpty: true, expected: 'a signal name' })),
  exit: flag(),
  onEvent: func(),
  env: record(text()),
} satisfies Schema<ClusterOptions>;

/** Refuse bad options with `LOOPSAFE_ERR_OPTION_INVALID`, then apply defaults. @internal */
export function resolveClusterOptions(options: ClusterOptions): ResolvedClusterOptions {
  validateOptions(clusterSchema, options, 'serveCluster');
  const r = options.restart ?? {};
  return {
    workers: options.workers ?? availableParallelism(),
    port: options.port ?? 3000,
    host: options.host ?? '127.0.0.1',
    shutdownTimeout: options.shutdownTimeout ?? 10_000,
    restart: {
      maxRestarts: r.maxRestarts ?? 5,
      window: r.window ?? 60_000,
      initialDelay: r.initialDelay ?? 100,
      maxDelay: r.maxDelay ?? 5_000,
    },
    statsInterval: options.statsInterval ?? 5_000,
    signals: options.signals ?? ['SIGTERM', 'SIGINT'],
    exit: options.exit ?? true,
    onEvent: options.onEvent ?? reportToStderr,
    env: options.env ?? {},
  };
}

function reportToStderr(event: ClusterEvent): void {
  if (event.type === 'worker-exit' && !event.expected) {
    process.stderr.write(`loopsafe: worker ${event.worker} (pid ${event.pid}) died unexpectedly (code ${event.code}, signal ${event.signal})\n`);
  } else if (event.type === 'stopped' && event.error !== undefined) {
    process.stderr.write(`loopsafe: ${event.error.stack ?? event.error.message}\n`);
  }
}
