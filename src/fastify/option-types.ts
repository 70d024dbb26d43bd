// The options types of createApp(), loopsafePlugin and @Controller(), below the modules they configure, so the
// options schemas (options.ts) and the graph check (check.ts) can name them without importing those modules.
import type { FastifyServerOptions } from 'fastify';
import type { Container } from '../container/container.js';
import type { ContainerOptions } from '../container/types.js';
import type { Dep, Registration } from '../declare/provider.js';
import type { Lifetime } from '../declare/lifetime.js';
import type { ThreadMonitor, ThreadMonitorOptions } from '../threads/monitor.js';
import type { Class } from '../tokens.js';
import type { RouteDeclaration } from './route.js';
import type { DrainOptions, ShutdownOptions } from './shutdown.js';

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

/** Options of {@link loopsafePlugin}. */
export interface LoopsafePluginOptions {
  /**
   * The container, not yet booted: the plugin registers the request and reply tokens and one provider per route,
   * checks the whole graph, then boots it. It becomes `app.di` and is disposed when the app closes.
   */
  container: Container;
  /** Classes decorated with `@Controller()`. */
  controllers?: readonly Class<unknown>[];
  /** Routes declared with `route()`. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  routes?: readonly RouteDeclaration<readonly Dep[], any>[];
  /**
   * The graceful drain `app.close()` runs. The plugin installs no signal handler and never exits the process:
   * `createApp()` does that, or call `app.close()` from your own handler. `false` keeps the defaults.
   * @default {}
   */
  shutdown?: DrainOptions | false;
  /**
   * The thread monitor, by the same rule as `createApp()`'s: for a container created without an observer the plugin
   * creates one before boot, mode `warn` unless `NODE_ENV` is `production` (then `off`, sampling threads only), and
   * closes it with the app; options, your own monitor, or `false` choose otherwise. A container created with an
   * observer keeps it. `app.threadMonitor` is the monitor; the boot log names its mode and why.
   * @default NODE_ENV === 'production' ? { mode: 'off', sampleIntervalMs: 1000 } : { mode: 'warn', sampleIntervalMs: 1000 }
   */
  monitor?: ThreadMonitor | ThreadMonitorOptions | false;
}

/** Options of {@link Controller}. */
export interface ControllerOptions<D extends readonly Dep[] = readonly Dep[]> {
  /**
   * How long the controller instance lives. A singleton controller is built once; it must not depend on
   * request-scoped providers (the boot fails with `LOOPSAFE_ERR_CAPTIVE_DEPENDENCY`): inject those into the
   * handler instead (its `inject` list, or `@Inject()` on a parameter), or make the controller `'request'`.
   * @default 'singleton'
   */
  lifetime?: Lifetime;
  /**
   * The constructor's dependencies, in order, checked at compile time against its parameters. Needed with
   * standard decorators for a constructor that takes anything; with legacy ones, `@Inject()` on the parameters
   * (or their class types) does the same.
   * @default the parameter types TypeScript emits with emitDecoratorMetadata
   */
  inject?: D;
}
