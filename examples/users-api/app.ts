// The users API as one function, so the single-process demo (main.ts), the multi-worker demo and the checks of
// `npm run demo:prove` build the very same app. Nothing happens at import time: serveCluster's primary imports it.
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import pino from 'pino';
import { Registry } from 'prom-client';
import { defineClusterApp } from 'loopsafe';
import { checkApp, createApp, route, type AppOptions, type ShutdownOptions } from 'loopsafe/fastify';
import { offendingFeatureFlags, providers } from './providers.js';
import { routes } from './routes.js';
import { UsersController } from './users.controller.js';

/** How to build the users API. */
export interface UsersApiOptions {
  /** Replace FeatureFlags with the variant that reads a file per request (the counter-example). */
  readonly offender?: boolean;
  readonly fastify?: FastifyServerOptions;
  readonly shutdown?: ShutdownOptions | false;
}

/**
 * Build the users API, watched by the thread monitor in createApp's default mode (`warn` unless NODE_ENV is
 * `production`: it names the provider that offloads), with its metrics on `GET /metrics` in Prometheus text.
 */
export async function buildUsersApi(options: UsersApiOptions = {}): Promise<FastifyInstance> {
  return createApp(usersApiOptions(options));
}

/** The users API's `createApp()` options: its parts, its monitor with a fresh metrics registry, its logger. */
export function usersApiOptions(options: UsersApiOptions = {}): AppOptions {
  const registry = new Registry();
  const metrics = route({
    method: 'GET',
    url: '/metrics',
    handler: async (_deps, _request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  });
  return {
    providers,
    ...(options.offender === true ? { overrides: [offendingFeatureFlags] } : {}),
    controllers: [UsersController],
    routes: [...routes, metrics],
    // No mode: the environment's (warn unless NODE_ENV=production; the boot log says which, and why), plus this
    // registry for GET /metrics.
    monitor: { metrics: registry },
    // pino's default stdout destination writes through libuv's thread pool (its first log line starts the pool's
    // threads); a synchronous destination keeps the demo's thread count about the app itself.
    fastify: options.fastify ?? { loggerInstance: pino(pino.destination({ dest: 1, sync: true })) },
    ...(options.shutdown === undefined ? {} : { shutdown: options.shutdown }),
  };
}

/** The users API for `serveCluster()`: each worker builds it; the cluster owns the signals. */
export default defineClusterApp({
  // The primary checks the whole app (routes and controllers too) before it forks a worker.
  check: () => checkApp(usersApiOptions({ fastify: { logger: false } })),
  build: () => buildUsersApi({ offender: process.env['DEMO_OFFENDER'] === '1', shutdown: false }),
});
