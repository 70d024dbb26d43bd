import type { FastifyInstance } from 'fastify';
import type { ResolutionObserver } from '../resolution/observer.js';
import { createThreadMonitor, type ThreadMonitor, type ThreadMonitorOptions } from '../threads/monitor.js';

/**
 * What `createApp()` watches when the user says nothing: the OS thread count, sampled every second on an unref'd
 * timer, with growth published on `threadChannels.growth` and in `app.threadMonitor.stats()`. Attribution (`warn`,
 * naming the provider and source line that put work on the pool) is one option away, `monitor: { mode: 'warn' }`.
 * It is not the default because it meets its cost target only at the median: measured by `npm run bench:monitor`,
 * `warn` costs 1.94-2.03x on M3 (target at most 2x) while HTTP req/s stayed at 0.917-0.977x of `off` (target at
 * least 0.9x). A default must be cheap enough to leave on everywhere; sampling costs nothing measurable.
 */
export const defaultMonitorOptions: Readonly<ThreadMonitorOptions> = Object.freeze({ mode: 'off', sampleIntervalMs: 1000 });

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
  if (monitor !== undefined && isThreadMonitor(monitor)) return { monitor, owned: false };
  return { monitor: createThreadMonitor(monitor ?? defaultMonitorOptions), owned: true };
}

/** A monitor from `createThreadMonitor()`, as opposed to options for one; `createApp`'s option rule asks the same. @internal */
export function isThreadMonitor(value: unknown): value is ThreadMonitor {
  return typeof (value as Partial<ThreadMonitor> | null)?.runFactory === 'function' && typeof (value as Partial<ThreadMonitor>).stats === 'function';
}

/** Say at boot what is watched, and close an owned monitor after the app (and its container) closed. */
export function announceMonitor(app: FastifyInstance, { monitor, owned }: AppMonitor): void {
  app.decorate('threadMonitor', monitor);
  if (monitor === undefined) {
    app.log.info('loopsafe: no thread monitor: resolutions are not watched for thread-pool work or new threads');
    return;
  }
  const attributes = monitor.mode !== 'off';
  app.log.info(
    { monitor: { mode: monitor.mode, threads: monitor.stats().threads ?? null, owned } },
    attributes
      ? `loopsafe: thread monitor in ${monitor.mode} mode watches every resolution for thread-pool work, Worker threads and loop blocks`
      : "loopsafe: thread monitor samples the OS thread count (mode off: resolutions are not attributed; monitor: { mode: 'warn' } names the provider that offloads)",
  );
  if (owned) app.addHook('onClose', function closeThreadMonitor(_app, done) {
    monitor.close();
    done();
  });
}
