import type { FastifyInstance } from 'fastify';
import type { ConnectionDrain } from './drain.js';

/** Options of the graceful shutdown. */
export interface ShutdownOptions {
  /**
   * Signals that start a graceful shutdown. A second one (of any of them) during the drain forces exit with code 1.
   * @default ['SIGTERM', 'SIGINT']
   */
  signals?: readonly NodeJS.Signals[];
  /**
   * Milliseconds in-flight requests get to finish once `app.close()` starts. After that their connections are cut,
   * what was still running is logged (`LOOPSAFE_ERR_FASTIFY_SHUTDOWN_FORCED`), and a signal-started shutdown exits 1.
   * @default 10_000
   */
  timeout?: number;
  /**
   * Milliseconds a keep-alive connection that is idle when the drain starts stays open, so a request the client
   * had already sent on it is served (with `Connection: close`) instead of reset. Then it is closed.
   * @default 100
   */
  idleGrace?: number;
  /**
   * Exit the process after a signal-started shutdown: code 0 when everything drained and disposed cleanly, 1
   * otherwise. Turn it off to decide yourself (listen to `app.close()`).
   * @default true
   */
  exit?: boolean;
}

/**
 * Run `app.close()` (the full drain) on the first signal and exit; force exit with code 1 on a second signal.
 * Returns a function that removes the listeners.
 */
export function handleSignals(
  app: FastifyInstance,
  drain: ConnectionDrain,
  signals: readonly NodeJS.Signals[],
  exit: boolean,
  failed: () => boolean,
): () => void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (closing) {
      drain.force(`a second ${signal}`);
      if (exit) process.exit(1);
      return;
    }
    closing = true;
    app.log.info({ signal }, `loopsafe: ${signal} received, draining in-flight requests`);
    app.close().then(
      () => {
        const code = drain.forced !== undefined || failed() ? 1 : 0;
        app.log.info({ code }, 'loopsafe: shutdown complete');
        if (exit) process.exit(code);
      },
      (error: unknown) => {
        app.log.error({ err: error }, 'loopsafe: shutdown failed');
        if (exit) process.exit(1);
      },
    );
  };
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    if (closing) return; // keep listening: a second signal must still force the exit
    for (const signal of signals) process.off(signal, onSignal);
  };
}
