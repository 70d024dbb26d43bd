import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import type { AppShutdown } from './drain.js';

/** The signals `shutdown.signals` accepts: the ones close-with-grace listens to. */
export type ShutdownSignal = 'SIGHUP' | 'SIGINT' | 'SIGQUIT' | 'SIGUSR2' | 'SIGTERM';

/** Options of the connection drain `app.close()` runs, for {@link loopsafePlugin} and {@link createApp}. */
export interface DrainOptions {
  /**
   * Milliseconds in-flight requests get to finish once the listener is closed. After that their connections are
   * cut, what was still open is logged (`LOOPSAFE_ERR_FASTIFY_SHUTDOWN_FORCED`), and a signal-started shutdown exits 1.
   * @default 10_000
   */
  timeout?: number;
  /**
   * Milliseconds a connection with no request in progress stays open once the drain starts, so a request the
   * client had already sent on it is served (with `Connection: close`) instead of reset. Then it is closed. A
   * connection accepted less than a second before gets that second to send its first request.
   * @default 100
   */
  idleGrace?: number;
  /**
   * A path (`'/ready'`) answering 200 `{ "status": "ready" }` while serving and 503 `{ "status": "draining" }`
   * from the moment `app.close()` starts (for createApp: the signal). Point a Kubernetes readiness probe at it.
   * @default undefined (no route)
   */
  readiness?: string;
  /**
   * Milliseconds to keep serving after `app.close()` starts (for createApp: the signal) before the listener
   * closes, so a load balancer or Kubernetes takes the instance out of rotation first. Responses in that window
   * carry `Connection: close`. Choose more than the readiness probe's `periodSeconds × failureThreshold`.
   * @default 0
   */
  delay?: number;
}

/** Options of createApp's graceful shutdown: the drain, and the signals that start it. */
export interface ShutdownOptions extends DrainOptions {
  /**
   * Signals that start a graceful shutdown and then exit the process (0 when everything drained and disposed
   * cleanly, 1 otherwise). A second one during the drain cuts every connection, logs what was open and exits 1.
   * `uncaughtException` and `unhandledRejection` are logged, drained the same way, and exit 1. `[]` installs no
   * handler at all: call `app.close()` yourself.
   * @default ['SIGTERM', 'SIGINT']
   */
  signals?: readonly ShutdownSignal[];
}

/** Every signal `shutdown.signals` accepts. @internal */
export const SHUTDOWN_SIGNALS: readonly ShutdownSignal[] = ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGUSR2', 'SIGTERM'];

/** The longest delay a Node timer takes; close-with-grace's timer fires at once beyond it. */
const MAX_TIMER_MS = 2_147_483_647;

/** Thrown inside close-with-grace's callback to make it exit 1 without logging again. */
const unclean = Symbol('loopsafe.unclean');

/**
 * Own the process for an app: on one of `signals`, or an uncaught exception or unhandled rejection, run
 * `app.close()` (the full drain) and exit. close-with-grace listens and exits; loopsafe decides what a second
 * signal and a timeout do to the open connections. Returns a function that removes the listeners.
 */
export function ownProcess(app: FastifyInstance, shutdown: AppShutdown, signals: readonly ShutdownSignal[], budget: number): () => void {
  const { drain } = shutdown;
  const { uninstall } = closeWithGrace(
    {
      // A backstop above the drain's own timeout: disposal that hangs after the drain still ends the process.
      delay: Math.min(budget, MAX_TIMER_MS),
      logger: false,
      skip: [...SHUTDOWN_SIGNALS.filter((s) => !signals.includes(s)), 'beforeExit'],
      onSecondSignal: (signal) => drain.force(`a second ${signal}`),
      onSecondError: (error) => app.log.error({ err: error }, 'loopsafe: another error during shutdown, exiting'),
      onTimeout: (ms) => {
        drain.force(`the process shutdown budget (${ms} ms)`);
        app.log.error({ ms }, 'loopsafe: shutdown did not finish in time, exiting');
      },
    },
    async function closeApp({ signal, err }) {
      shutdown.closing = true; // before anything is logged: the readiness route answers 503 from the signal on
      if (err !== undefined) app.log.error({ err }, `loopsafe: ${err.name} not handled, draining before exit 1`);
      else app.log.info({ signal }, `loopsafe: ${signal ?? 'close'} received, draining in-flight requests`);
      try {
        await app.close();
      } catch (error) {
        app.log.error({ err: error }, 'loopsafe: shutdown failed');
        throw unclean;
      }
      const code = err !== undefined || drain.forced !== undefined || shutdown.disposalFailed ? 1 : 0;
      app.log.info({ code }, 'loopsafe: shutdown complete');
      if (code !== 0) throw unclean;
    },
  );
  return uninstall;
}
