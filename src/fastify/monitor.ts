import type { FastifyInstance } from 'fastify';
import type { ResolutionObserver } from '../resolution/observer.js';
import type { ContainerInternals } from '../container/seam.js';
import { InvalidOptionError } from '../errors/container.js';
import { createThreadMonitor, type ThreadMonitor, type ThreadMonitorOptions } from '../threads/monitor.js';

/**
 * What `createApp()` watches when the user says nothing, following the environment as .NET's `ValidateScopes`
 * does: outside production (`NODE_ENV` unset, `development`, `test`, anything but `production`) mode `warn`
 * attributes pool work to the provider that caused it (every provider's first runs and every run after a finding
 * in full, then a 2% sample: see `ThreadMonitorOptions.sampleRate`); in production nothing is attributed. Both
 * sample the OS thread count every second on an unref'd timer and publish growth on `threadChannels.growth`.
 */
export function defaultMonitorOptions(env: string | undefined = process.env['NODE_ENV']): Readonly<ThreadMonitorOptions> {
  return env === 'production' ? { mode: 'off', sampleIntervalMs: 1000 } : { mode: 'warn', sampleIntervalMs: 1000 };
}

/** Why the app's monitor has its mode, for the boot log: `NODE_ENV unset`, `NODE_ENV=production`, `monitor option`. */
export function monitorReason(option: unknown, env: string | undefined = process.env['NODE_ENV']): string {
  if (option !== undefined) return 'monitor option';
  return env === undefined ? 'NODE_ENV unset' : `NODE_ENV=${env}`;
}

/** The app's monitor, and whether the app made it (then the app closes it). */
export interface AppMonitor {
  readonly monitor: ThreadMonitor | undefined;
  readonly owned: boolean;
  /** Why it has its mode (see {@link monitorReason}). */
  readonly reason: string;
}

/**
 * Pick the app's monitor: a monitor the user built (kept open on close: it is theirs), options for one the app
 * builds and owns, `false` for none. A user-supplied `observer` is the user's choice of watcher, so no default is
 * added beside it.
 */
export function appMonitor(monitor: ThreadMonitor | ThreadMonitorOptions | false | undefined, observer: ResolutionObserver | readonly ResolutionObserver[] | undefined): AppMonitor {
  if (monitor === false) return { monitor: undefined, owned: false, reason: monitorReason(monitor) };
  if (monitor === undefined && observer !== undefined) return { monitor: undefined, owned: false, reason: 'observer option' };
  if (monitor !== undefined && isThreadMonitor(monitor)) return { monitor, owned: false, reason: monitorReason(monitor) };
  // Options without a mode keep the environment's (`monitor: { metrics }` adds metrics to the default).
  const options = { ...defaultMonitorOptions(), ...monitor };
  return { monitor: createThreadMonitor(options), owned: true, reason: monitorReason(monitor?.mode) };
}

/**
 * The plugin's monitor, by the same rule as `createApp()`'s, for a container created without an observer: the
 * plugin gives it one before it boots. A container with an observer of its own (or a testing block's) keeps it, and
 * gets no default. `undefined` when `createApp()` already chose the app's monitor (it registers the plugin).
 */
export function pluginMonitor(app: FastifyInstance, monitor: ThreadMonitor | ThreadMonitorOptions | false | undefined, container: ContainerInternals): AppMonitor | undefined {
  if (app.hasDecorator('threadMonitor')) return undefined;
  if (monitor === false) return { monitor: undefined, owned: false, reason: monitorReason(monitor) };
  if (container.root.observer !== undefined) {
    if (monitor !== undefined) throw new InvalidOptionError('loopsafe plugin', 'monitor', 'no monitor option when the container was created with an observer (pass the monitor as createContainer({ observer }))', monitor);
    return { monitor: undefined, owned: false, reason: 'container observer' };
  }
  const watch = appMonitor(monitor, undefined);
  if (watch.monitor !== undefined && !container.adoptObserver(watch.monitor)) {
    if (watch.owned) watch.monitor.close();
    throw new InvalidOptionError('loopsafe plugin', 'container', 'a container not yet booted, so its thread monitor sees every factory run', container);
  }
  return watch;
}

/** A monitor from `createThreadMonitor()`, as opposed to options for one; `createApp`'s option rule asks the same. @internal */
export function isThreadMonitor(value: unknown): value is ThreadMonitor {
  return typeof (value as Partial<ThreadMonitor> | null)?.runFactory === 'function' && typeof (value as Partial<ThreadMonitor>).stats === 'function';
}

/** Say at boot what is watched, and close an owned monitor after the app (and its container) closed. */
export function announceMonitor(app: FastifyInstance, { monitor, owned, reason }: AppMonitor): void {
  app.decorate('threadMonitor', monitor);
  if (monitor === undefined) {
    app.log.info({ monitor: { mode: null, reason } }, `loopsafe: monitor: none (${reason}): resolutions are not watched for thread-pool work or new threads`);
    return;
  }
  const what = monitor.mode === 'off'
    ? "samples the OS thread count and attributes nothing (monitor: { mode: 'warn' } names the provider that offloads)"
    : 'attributes thread-pool work, Worker threads and loop blocks to the provider that caused them';
  app.log.info(
    { monitor: { mode: monitor.mode, reason, threads: monitor.stats().threads ?? null, owned } },
    `loopsafe: monitor: ${monitor.mode} (${reason}): ${what}`,
  );
  if (owned) app.addHook('onClose', function closeThreadMonitor(_app, done) {
    monitor.close();
    done();
  });
}
