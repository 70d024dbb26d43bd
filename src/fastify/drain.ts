import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { ACCEPT_WINDOW_MAX, acceptQueued } from '../lifecycle/accept-queue.js';
import { drainOf, type ConnectionDrain } from '../lifecycle/connection-drain.js';

/** The drain settings of one app, resolved from its options. */
export interface DrainSettings {
  readonly timeout: number;
  readonly idleGrace: number;
  readonly delay: number;
  readonly readiness: string | undefined;
}

/** What the process owner (createApp's signal handling) needs to know about an app's shutdown. */
export interface AppShutdown {
  readonly drain: ConnectionDrain;
  /** Set when disposing the container failed. */
  disposalFailed: boolean;
  /** Set from the moment shutdown begins (the signal, or `app.close()`): the readiness route answers 503. */
  closing: boolean;
}

const shutdowns = new WeakMap<FastifyInstance, AppShutdown>();

/** The shutdown state of an app the loopsafe plugin was registered on. */
export function shutdownOf(app: FastifyInstance): AppShutdown | undefined {
  return shutdowns.get(app);
}

/**
 * Wire the connection drain into the app's close: from `app.close()` on, the readiness route answers 503; the app
 * keeps serving for `delay` ms (its responses carry `Connection: close`), accepts what is already queued, then the
 * drain starts and fastify closes the listener. Returns a function that resolves when the connections are closed
 * and `work` is done, or the drain was forced.
 */
export function installDrain(app: FastifyInstance, settings: DrainSettings): { shutdown: AppShutdown; settled: (work: Promise<void>) => Promise<void> } {
  const drain = drainOf(app.server);
  const forced = new Promise<void>((resolve) => {
    drain.configure({
      timeout: settings.timeout,
      idleGrace: settings.idleGrace,
      onForced: (error) => {
        app.log.error({ err: error }, error.message);
        resolve();
      },
    });
  });
  const shutdown: AppShutdown = { drain, disposalFailed: false, closing: false };
  shutdowns.set(app, shutdown);

  if (settings.readiness !== undefined) {
    app.get(settings.readiness, { logLevel: 'warn' }, async function readiness(_request, reply) {
      // A cluster worker learns of the shutdown through its drain: the primary announces it before its accept window.
      if (!shutdown.closing && !drain.closing) return { status: 'ready' };
      return reply.code(503).send({ status: 'draining' });
    });
  }

  app.addHook('preClose', async function drainConnections() {
    shutdown.closing = true;
    drain.announce();
    // Under serveCluster the primary owns the port and has already closed it: there is nothing to keep open.
    if (app.server.listening) {
      if (settings.delay > 0) await sleep(settings.delay);
      // The kernel may still hold connections that were waiting when shutdown began (a blocked loop, a burst):
      // accept them for `idleGrace` at least and until the queue is seen empty, within a bound, so closing the
      // listener resets none.
      // The minimum is idleGrace (a request on the wire), at most 100 ms: a long idleGrace keeps idle connections, not the port.
      const quiet = Math.min(settings.idleGrace, 100);
      await acceptQueued(app.server, { quiet, bound: Math.min(quiet + ACCEPT_WINDOW_MAX, settings.timeout) });
    }
    drain.start();
  });

  return {
    shutdown,
    settled: async (work) => {
      await Promise.race([Promise.all([drain.closed(), work]), forced]);
      drain.stop();
    },
  };
}
