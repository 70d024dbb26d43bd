import type { FastifyInstance } from 'fastify';
import type { ResolutionObserver } from '../resolution/observer.js';
import { createThreadMonitor, type ThreadMonitor, type ThreadMonitorOptions } from '../threads/monitor.js';

/**
 * What `createApp()` watches when the user says nothing: the thread monitor in `warn` mode (a process warning naming
 * the provider and source line, never a failed request) with the OS thread count sampled every second. An app is
 * the place where the promise "no resolution offloads to a thread pool or starts a thread" must be visible
 * without opting in.
 */
export const defaultMonitorOptions: Readonly<ThreadMonitorOptions> = Object.freeze({ mode: 'warn', sampleIntervalMs: 1000 });

/** The app's monitor, and whether the app made it (then the app closes it). */
export interface AppMonitor {
  readonly monitor: ThreadMonitor | undefined;
  readonly owned: boolean;
}

/**
 * Pick the app's monitor: a monitor the user built (kept open on close: it is theirs), options for one the app
 * builds and owns, `false` for none. A user-supplied `observer` is the user's choice of watcher, so no default is
 * added beside it.
 */
export function appMonitor(monitor: ThreadMonitor | ThreadMonitorOptions | false | undefined, observer: ResolutionObserver | readonly ResolutionObserver[] | undefined): AppMonitor {
  if (monitor === false || (monitor === undefined && observer !== undefined)) return { monitor: undefined, owned: false };
  if (monitor !== undefined && isMonitor(monitor)) return { monitor, owned: false };
  return { monitor: createThreadMonitor(monitor ?? defaultMonitorOptions), owned: true };
}

function isMonitor(value: ThreadMonitor | ThreadMonitorOptions): value is ThreadMonitor {
  return typeof (value as ThreadMonitor).runFactory === 'function' && typeof (value as ThreadMonitor).stats === 'function';
}

/** Say at boot what is watched, and close an owned monitor after the app (and its container) closed. */
export function announceMonitor(app: FastifyInstance, { monitor, owned }: AppMonitor): void {
  app.decorate('threadMonitor', monitor);
  if (monitor === undefined) {
    app.log.info('loopsafe: no thread monitor: resolutions are not watched for thread-pool work or new threads');
    return;
  }
  const stats = monitor.stats();
  app.log.info(
    { monitor: { mode: monitor.mode, threads: stats.threads ?? null, owned } },
    `loopsafe: thread monitor in ${monitor.mode} mode watches every resolution for thread-pool work, Worker threads and loop blocks`,
  );
  if (owned) app.addHook('onClose', function closeThreadMonitor(_app, done) {
    monitor.close();
    done();
  });
}
