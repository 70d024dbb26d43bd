import type { Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import { createContainer } from '../container/container.js';
import type { Registration } from '../container/provider.js';
import { containerSchema } from '../container/options.js';
import { ClusterAppError } from '../errors/cluster.js';
import { func, required } from '../options/rules.js';
import type { Schema } from '../options/rule.js';
import { validateOptions } from '../options/validate.js';

const brand = Symbol.for('loopsafe.clusterApp');

const definitionSchema = {
  providers: containerSchema.providers,
  check: func(),
  build: required(func()),
} satisfies Schema<ClusterAppDefinition>;

/** What `build()` returns: a Fastify instance (or anything with the same three members), not listening. */
export interface ClusterServable {
  /** The Node HTTP server; the worker hands it the connections the primary accepted. */
  readonly server: Server;
  /** Resolves once the app is ready to serve (Fastify: plugins loaded, eager singletons built). */
  ready(): PromiseLike<unknown>;
  /** A graceful close: in-flight requests finish, then request scopes, then singletons are disposed. */
  close(): PromiseLike<unknown>;
}

/** What a worker knows about itself when it builds the app. */
export interface WorkerContext {
  /** The worker's slot, 1 to `workers`. A replacement keeps the slot of the worker it replaces. */
  readonly worker: number;
}

/** The parts of a multi-worker app: providers the primary checks once, and how each worker builds the app. */
export interface ClusterAppDefinition {
  /**
   * The app's providers. Before any worker starts, the primary runs `createContainer({ providers }).check()`, which
   * builds nothing, so a misconfigured graph fails once with `LOOPSAFE_ERR_BOOT` instead of in every worker.
   */
  providers?: readonly Registration[];
  /**
   * A check of your own, instead of `providers`, for apps that assemble their container differently (overrides,
   * an inversify container). It must build nothing: it runs in the primary, which never serves.
   */
  check?: () => void | Promise<void>;
  /** Builds the app in a worker. Do not call `listen()`: the worker takes connections from the primary. */
  build: (context: WorkerContext) => ClusterServable | Promise<ClusterServable>;
}

/** A checked {@link ClusterAppDefinition}, as made by {@link defineClusterApp}. */
export interface ClusterApp extends Readonly<ClusterAppDefinition> {
  /** @internal */
  readonly [brand]: true;
}

/**
 * Declare an app that `serveCluster()` can run in several worker processes. Export it as the default export of a
 * module that does nothing else at import time: the primary imports it to check the graph, each worker to build.
 *
 * ```ts
 * // app.ts
 * export default defineClusterApp({
 *   providers,
 *   build: () => createApp({ providers }),
 * });
 * ```
 */
export function defineClusterApp(definition: ClusterAppDefinition): ClusterApp {
  const where = 'defineClusterApp';
  validateOptions(definitionSchema, definition, where);
  if (definition.check === undefined && definition.providers === undefined) {
    throw new ClusterAppError(where, 'give `providers` (checked once by the primary) or a `check` function');
  }
  return Object.freeze({ ...definition, [brand]: true as const });
}

/** Import an app module and return its definition. @internal */
export async function loadClusterApp(app: string): Promise<ClusterApp> {
  let mod: { default?: unknown };
  try {
    mod = (await import(app)) as { default?: unknown };
  } catch (error) {
    throw new ClusterAppError(`serveCluster({ app: ${app} })`, `the module could not be imported (${(error as Error).message})`, { cause: error });
  }
  const def = mod.default as Partial<ClusterApp> | undefined;
  if (typeof def !== 'object' || def === null || def[brand] !== true) {
    throw new ClusterAppError(`serveCluster({ app: ${app} })`, 'its default export is not made by defineClusterApp()');
  }
  return def as ClusterApp;
}

/** Check the provider graph of an app without building anything. @internal */
export async function checkClusterApp(app: ClusterApp): Promise<void> {
  if (app.check !== undefined) return app.check();
  const container = createContainer({ providers: app.providers ?? [] });
  try {
    container.check();
  } finally {
    await container.dispose();
  }
}

/** The module specifier of the app: a file URL string. @internal */
export function appSpecifier(app: URL | string): string {
  if (app instanceof URL) return app.href;
  return app.startsWith('file:') ? app : pathToFileURL(app).href;
}
