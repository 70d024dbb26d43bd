import fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { createContainer, type ContainerOptions } from '../container/container.js';
import type { Dep, Registration } from '../declare/provider.js';
import { validateOptions } from '../options/validate.js';
import type { Class } from '../tokens.js';
import { appParts } from './check.js';
import { appSchema } from './options.js';
import { loopsafePlugin } from './plugin.js';
import type { RouteDeclaration } from './route.js';
import { shutdownOf } from './drain.js';
import { inClusterWorker } from '../lifecycle/process-owner.js';
import { ownProcess, type ShutdownOptions } from './shutdown.js';
import type { ThreadMonitor, ThreadMonitorOptions } from '../threads/monitor.js';
import { announceMonitor, appMonitor } from './monitor.js';

/** A group of providers, controllers and routes that belong together, for {@link AppOptions.modules}. */
export interface AppModule {
  /** Providers, as made by `provide()`. */
  readonly providers?: readonly Registration[];
  /** Classes decorated with `@Controller()`. */
  readonly controllers?: readonly Class<unknown>[];
  /** Routes declared with `route()`. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly routes?: readonly RouteDeclaration<readonly Dep[], any>[];
}

/** Options of {@link createApp}: the app's parts, fastify's options, the shutdown, and the container's options. */
export interface AppOptions extends Omit<ContainerOptions, 'providers'>, AppModule {
  /** More parts of the app, each with its own providers, controllers and routes; merged in order after the top-level ones. */
  modules?: readonly AppModule[];
  /**
   * fastify's own options. `return503OnClosing` defaults to `false` here, so requests arriving on open keep-alive
   * connections during the drain are served (with `Connection: close`) instead of refused.
   * @default { return503OnClosing: false }
   */
  fastify?: FastifyServerOptions;
  /**
   * The graceful shutdown: `app.close()` always drains; these options tune it and choose the signals that start
   * it and then exit the process. `false` installs no handler (nor does a worker of `serveCluster()`, whose
   * primary owns the signals).
   * @default { signals: ['SIGTERM', 'SIGINT'], timeout: 10_000, idleGrace: 100, delay: 0 }
   */
  shutdown?: ShutdownOptions | false;
  /**
   * The thread monitor of the app (`app.threadMonitor`). By default the app creates one that follows the
   * environment: unless `NODE_ENV` is `production` it is mode `warn` (names the provider and source line that put
   * work on the thread pool, as a process warning; see docs/monitor-default.md for which runs it checks), in
   * production mode `off` (no per-resolution cost); both sample the OS thread count every second, and the app
   * closes it. The boot log names the mode and why (`monitor: warn (NODE_ENV unset)`). Pass monitor options to have
   * the app create a different one (`{ mode: 'throw' }` fails such a resolution, for CI), your own monitor (the app
   * leaves it open), or `false` for none. Passing an `observer` also replaces the default.
   * @default NODE_ENV === 'production' ? { mode: 'off', sampleIntervalMs: 1000 } : { mode: 'warn', sampleIntervalMs: 1000 }
   */
  monitor?: ThreadMonitor | ThreadMonitorOptions | false;
}

/**
 * Build a ready Fastify app in one call: create the container, register the loopsafe plugin, every controller and
 * route, check the whole graph (handlers and controllers included), build eager singletons, install the signal
 * handlers. Any problem stops the boot with one `BootError` (`LOOPSAFE_ERR_BOOT`) listing each with its path,
 * before a port is opened.
 *
 * ```ts
 * const app = await createApp({ providers, controllers: [UsersController], routes: [health], fastify: { logger: true } });
 * await app.listen({ port: 3000 });
 * // SIGTERM: in-flight requests finish, request scopes then singletons are disposed, exit 0.
 * ```
 *
 * The app is ready, not listening. `await app.close()` is the complete graceful drain: stop accepting, let
 * in-flight requests finish (their responses carry `Connection: close`), close idle connections, dispose the
 * request scopes, then the container's singletons in reverse creation order.
 */
export async function createApp(options: AppOptions): Promise<FastifyInstance> {
  // Every option, nested ones included, is checked here once; the container and plugin below get valid parts.
  validateOptions(appSchema, options, 'createApp');
  const parts = appParts(options);
  const { fastify: fastifyOptions, shutdown, modules: _modules, controllers: _c, routes: _r, monitor: _m, ...containerOptions } = options;
  const { signals = ['SIGTERM', 'SIGINT'], ...drainOptions } = shutdown === false ? { signals: [] } : (shutdown ?? {});
  const watch = appMonitor(options.monitor, options.observer);
  const container = createContainer({
    ...containerOptions,
    ...(watch.monitor === undefined ? {} : { observer: watch.monitor }),
    providers: parts.providers,
  });
  const app = fastify({ return503OnClosing: false, ...fastifyOptions });
  announceMonitor(app, watch);
  let release = (): void => {};
  try {
    await app.register(loopsafePlugin, {
      container,
      controllers: parts.controllers,
      routes: parts.routes,
      shutdown: drainOptions,
    });
    app.addHook('onClose', function releaseProcess(_instance, done) {
      release();
      done();
    });
    await app.ready();
  } catch (error) {
    await app.close().catch(() => {});
    if (watch.owned) watch.monitor?.close();
    if (!container.disposed) await container.dispose().catch(() => {});
    throw error;
  }
  if (signals.length > 0 && !inClusterWorker()) {
    // Beyond the drain's own timeout: as long again for disposal, then the process exits whatever still runs.
    const { timeout = 10_000, delay = 0 } = drainOptions;
    release = ownProcess(app, shutdownOf(app)!, signals, delay + 2 * timeout);
  }
  return app;
}
