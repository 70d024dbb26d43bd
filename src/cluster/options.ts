import { availableParallelism } from 'node:os';
import { InvalidOptionError } from '../errors/container.js';
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
   * How many worker processes serve the app.
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

const WHERE = 'serveCluster';

/** @internal */
export function resolveClusterOptions(options: ClusterOptions): ResolvedClusterOptions {
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') throw new InvalidOptionError(WHERE, 'host', 'a host name or address', host);
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  if (!Array.isArray(signals)) throw new InvalidOptionError(WHERE, 'signals', 'an array of signal names', signals);
  const onEvent = options.onEvent ?? reportToStderr;
  if (typeof onEvent !== 'function') throw new InvalidOptionError(WHERE, 'onEvent', 'a function', onEvent);
  const r = options.restart ?? {};
  return {
    workers: whole('workers', options.workers ?? availableParallelism(), 1),
    port: whole('port', options.port ?? 3000, 0, 65535),
    host,
    shutdownTimeout: whole('shutdownTimeout', options.shutdownTimeout ?? 10_000, 1),
    restart: {
      maxRestarts: whole('restart.maxRestarts', r.maxRestarts ?? 5, 0),
      window: whole('restart.window', r.window ?? 60_000, 1),
      initialDelay: whole('restart.initialDelay', r.initialDelay ?? 100, 0),
      maxDelay: whole('restart.maxDelay', r.maxDelay ?? 5_000, 0),
    },
    statsInterval: whole('statsInterval', options.statsInterval ?? 5_000, 10),
    signals,
    exit: options.exit ?? true,
    onEvent,
    env: options.env ?? {},
  };
}

function whole(option: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidOptionError(WHERE, option, `a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? '' : ` to ${max}`}`, value);
  }
  return value;
}

function reportToStderr(event: ClusterEvent): void {
  if (event.type === 'worker-exit' && !event.expected) {
    process.stderr.write(`loopsafe: worker ${event.worker} (pid ${event.pid}) died unexpectedly (code ${event.code}, signal ${event.signal})\n`);
  } else if (event.type === 'stopped' && event.error !== undefined) {
    process.stderr.write(`loopsafe: ${event.error.stack ?? event.error.message}\n`);
  }
}
