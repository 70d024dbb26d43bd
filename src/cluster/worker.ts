import type { Socket } from 'node:net';
import { setInterval } from 'node:timers';
import { loadClusterApp, type ClusterServable } from './app.js';
import { adopt } from './adopt.js';
import { drainOf } from '../lifecycle/connection-drain.js';
import { CONFIG_ENV, errorData, isOwn, type ToPrimary, type ToWorker, type WorkerConfig } from './messages.js';
import { readThreadCount } from '../threads/count.js';

/** How often a draining worker reports what it still has, so a timeout can name it. */
const DRAIN_REPORT_INTERVAL = 200;

/**
 * The life of one worker process: build the app, serve the connections the primary hands over, report its
 * thread count, and on the primary's word drain, close the app, and exit.
 * @internal
 */
export async function runWorker(): Promise<void> {
  const config = JSON.parse(process.env[CONFIG_ENV] ?? '{}') as WorkerConfig;
  // Ctrl-C signals the whole process group. The primary decides when a worker stops; dying here would drop requests.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => {});

  let app: ClusterServable;
  try {
    const def = await loadClusterApp(config.app);
    app = await def.build({ worker: config.slot });
    await app.ready();
  } catch (error) {
    send({ loopsafe: 'failed', phase: 'start', error: errorData(error) }, () => process.exit(1));
    return;
  }

  // The same drain the loopsafe plugin configured for this server (or, for another kind of app, its defaults).
  const tracker = drainOf(app.server);
  const report = (): void => send({ loopsafe: 'stats', stats: { threads: readThreadCount() ?? -1, inFlight: tracker.inFlight, connections: tracker.connections } });
  const reporting = setInterval(report, config.statsInterval).unref();
  let draining = false;

  process.on('message', (message: unknown, handle: unknown) => {
    if (!isOwn<ToWorker>(message)) return;
    if (message.loopsafe === 'conn') {
      // Confirm first, in the same tick: the primary then drops its copy, and no byte has been read yet.
      send({ loopsafe: 'adopted', id: message.id });
      if (handle !== undefined) adopt(app.server, handle as Socket);
    } else if (message.loopsafe === 'closing') {
      tracker.announce(); // the readiness route answers 503, responses carry Connection: close; serving goes on
    } else if (message.loopsafe === 'stats') {
      report();
    } else if (message.loopsafe === 'drain' && !draining) {
      draining = true;
      void drain();
    }
  });

  async function drain(): Promise<void> {
    clearInterval(reporting);
    const progress = setInterval(report, DRAIN_REPORT_INTERVAL);
    report();
    try {
      tracker.start();
      await tracker.closed();
      // Nothing is left to answer, so the app's close disposes request scopes, then singletons, and returns.
      await app.close();
    } catch (error) {
      clearInterval(progress);
      send({ loopsafe: 'failed', phase: 'shutdown', error: errorData(error) }, () => process.exit(1));
      return;
    }
    clearInterval(progress);
    process.exit(0);
  }

  send({ loopsafe: 'ready' });
}

function send(message: ToPrimary, then?: () => void): void {
  if (process.send === undefined || !process.connected) {
    then?.();
    return;
  }
  process.send(message, undefined, {}, () => then?.());
}
