import type { FastifyInstance, FastifyPluginAsync, FastifyRequest, RegisterOptions } from 'fastify';
import fp from 'fastify-plugin';
import { RequestScopeUnavailableError } from '../errors/fastify.js';
import { internalsOf } from '../container/seam.js';
import { routeAttributionOf } from '../threads/routes.js';
import { validateOptions } from '../options/validate.js';
import { recordRoute } from '../graph/roots.js';
import './augment.js';
import { checkAppGraph } from './check.js';
import { installDrain } from './drain.js';
import { drainOf } from '../lifecycle/connection-drain.js';
import { needsNoScope, routeHandler, singletonRouteHandler } from './handler.js';
import { kLease, linkReply, RequestScopes } from './request-scope.js';
import { pluginSchema } from './options.js';
import { hideErrorDetails } from './public-error.js';
import { routesUnder } from './prefix.js';
import { announceMonitor, pluginMonitor } from './monitor.js';

export type { LoopsafePluginOptions } from './option-types.js';
import type { LoopsafePluginOptions } from './option-types.js';

async function loopsafe(app: FastifyInstance, options: LoopsafePluginOptions): Promise<void> {
  validateOptions(pluginSchema, options, 'loopsafe plugin');
  const { container } = options;
  const shutdown = options.shutdown === false ? {} : (options.shutdown ?? {});
  const timeout = shutdown.timeout ?? 10_000;
  const idleGrace = shutdown.idleGrace ?? 100;
  const delay = shutdown.delay ?? 0;
  const readiness = shutdown.readiness;

  const inside = internalsOf(container, 'loopsafePlugin');
  // Check everything before anything is built: the app's providers, every controller and every route handler.
  const routes = checkAppGraph(container, options.controllers ?? [], options.routes ?? []);
  for (const r of routes) recordRoute(container, { key: r.key, method: [r.method].flat().join(','), url: r.url });
  // Before boot, so it watches the eager singletons too (createApp() has chosen the app's monitor already).
  const watch = pluginMonitor(app, options.monitor, inside);
  if (watch !== undefined) announceMonitor(app, watch);
  try {
    await container.boot();
  } catch (error) {
    if (watch?.owned === true) watch.monitor?.close();
    // Eager singletons built before the failure are disposed; nothing outlives a failed boot.
    await container.dispose().catch((failure: unknown) => app.log.error({ err: failure }, 'loopsafe: disposing after a failed boot failed'));
    throw error;
  }

  const scopes = new RequestScopes(container, drainOf(app.server));
  app.decorate('di', container);
  app.decorateRequest(kLease, null);
  app.decorateRequest('di', {
    getter(this: FastifyRequest) {
      const scope = scopes.scopeOf(this);
      if (scope === null) throw new RequestScopeUnavailableError(this.url);
      return scope;
    },
  });
  app.addHook('onRequest', linkReply);
  // Every route registered from here on, in any child context, ends its onResponse hooks with the scope's end.
  app.addHook('onRoute', function loopsafeScopeLast(route) {
    scopes.endLast(route);
  });
  hideErrorDetails(app);
  // Opt-in (`createThreadMonitor({ routes: true })`): the rest of each request runs as one attributed run.
  const routeRuns = routeAttributionOf(inside.root.observer);
  if (routeRuns !== undefined) {
    app.addHook('onRequest', function loopsafeAttributeRoute(request, _reply, done) {
      routeRuns.run(`${request.method} ${request.routeOptions.url ?? request.url}`, done);
    });
  }

  const addRoutes = (instance: FastifyInstance): void => {
    for (const r of routes) {
      const plan = inside.planOf(r.key);
      const handler = needsNoScope(plan) ? singletonRouteHandler(inside.root, plan, r.invoke) : routeHandler(scopes, plan, r.invoke);
      instance.route({ ...r.options, method: r.method as string[], url: r.url, handler });
    }
  };
  await routesUnder(app, options as LoopsafePluginOptions & RegisterOptions, addRoutes);

  const { shutdown: state, settled } = installDrain(app, { timeout, idleGrace, delay, readiness });
  app.addHook('onClose', async function disposeContainer() {
    // The connections are closed (or the drain was forced); scopes still disposing (or held by a handler an abort
    // left running) finish before any singleton they may use is disposed.
    await settled(scopes.whenIdle());
    // Forced or timed out: a hook or handler that never settled does not keep its scope past the close.
    scopes.releaseAll();
    await settled(scopes.whenIdle());
    try {
      await container.dispose();
    } catch (error) {
      state.disposalFailed = true;
      app.log.error({ err: error }, 'loopsafe: disposing the container failed');
    }
  });
}

/**
 * The loopsafe Fastify plugin, for apps that build their own fastify instance (`createApp()` registers it for you).
 *
 * ```ts
 * const app = fastify({ return503OnClosing: false });
 * await app.register(loopsafePlugin, { container: createContainer({ providers }), routes: [getUser] });
 * app.get('/health', async (request) => (await request.di.resolve(Health)).check());
 * ```
 *
 * `app.di` is the container; `request.di` is the request's scope, created on first use with the request and reply
 * supplied (`FastifyRequestToken`, `FastifyReplyToken`) and disposed exactly once. Pass `return503OnClosing: false`
 * to fastify so requests arriving on open connections during the drain are served rather than refused.
 */
export const loopsafePlugin: FastifyPluginAsync<LoopsafePluginOptions> = fp(loopsafe, { fastify: '5.x', name: 'loopsafe' });

