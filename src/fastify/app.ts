import fastify, { type FastifyInstance } from 'fastify';
import { createContainer } from '../container/container.js';
import { validateOptions } from '../options/validate.js';
import { appParts } from './check.js';
import { appSchema } from './options.js';
import { loopsafePlugin } from './plugin.js';
import { shutdownOf } from './drain.js';
import { inClusterWorker } from '../lifecycle/process-owner.js';
import { ownProcess } from './shutdown.js';
import { announceMonitor, appMonitor } from './monitor.js';

export type { AppModule, AppOptions } from './option-types.js';
import type { AppModule, AppOptions } from './option-types.js';
import type { Registration } from '../declare/provider.js';
import type { InversifyContainerLike } from '../declare/foreign.js';
import type { Class } from '../tokens.js';
import type { AnyRoute, TypedAppOptions } from './typed-app-options.js';

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
 *
 * When the compiler can read the lists (`provide()` and `route()` calls written in place, or kept in a tuple), a
 * route whose `inject` names a key no provider provides, a provider that does, and a singleton that injects a
 * request-scoped key fail to compile (`MissingProvider<"Clock">`, `CaptiveDependency<"Cache", "RequestId">`);
 * see docs/typed-graph.md.
 */
export function createApp<
  const P extends readonly Registration[] = readonly [],
  const R extends readonly AnyRoute[] = readonly [],
  const C extends readonly Class<unknown>[] = readonly [],
  const M extends readonly AppModule[] = readonly [],
  const O extends readonly Registration[] = readonly [],
  I extends InversifyContainerLike | undefined = undefined,
>(options: TypedAppOptions<P, O, R, C, M, I>): Promise<FastifyInstance>;
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
