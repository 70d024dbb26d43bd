import { createContainer, type Container } from '../container/container.js';
import type { Dep, Registration } from '../declare/provider.js';
import type { LoopsafeError } from '../errors/base.js';
import { BootError, type BootProblem } from '../errors/container.js';
import { ReservedTokenError } from '../errors/fastify.js';
import { validateOptions } from '../options/validate.js';
import type { AppModule, AppOptions } from './option-types.js';
import type { InversifyContainerLike } from '../declare/foreign.js';
import type { AnyRoute, TypedAppOptions } from './typed-app-options.js';
import { keyName, type Class } from '../tokens.js';
import { compileRoutes, type CompiledRoute } from './compile.js';
import { appSchema } from './options.js';
import type { RouteDeclaration } from './route.js';
import { FastifyReplyToken, FastifyRequestToken } from './tokens.js';

/**
 * Check a Fastify app's whole graph without building anything: the request and reply tokens every scope is
 * supplied, one synthetic provider per route and controller method, then the container's own check. Throws one
 * `BootError` with every problem (the container's first, in declaration order with their sites, then the
 * routes' and controllers'); returns the compiled routes.
 */
export function checkAppGraph(
  container: Container,
  controllers: readonly Class<unknown>[],
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  routes: readonly RouteDeclaration<readonly Dep[], any>[],
): CompiledRoute[] {
  const reserved: LoopsafeError[] = [];
  // The plugin's own keys: a provider of the app's would stand in for the real request or reply.
  for (const key of [FastifyRequestToken, FastifyReplyToken]) {
    if (container.has(key)) reserved.push(new ReservedTokenError(keyName(key)));
    else container.register(key, { supplied: true });
  }
  const problems: LoopsafeError[] = [];
  const compiled = compileRoutes(container, controllers, routes, problems);
  let declared: readonly BootProblem[] = [];
  try {
    container.check();
  } catch (error) {
    if (!(error instanceof BootError)) throw error;
    declared = error.entries;
  }
  if (reserved.length + declared.length + problems.length > 0) throw new BootError([...reserved, ...declared, ...problems]);
  return compiled;
}

/** An app's parts, its modules' merged in order after the top-level ones. */
export function appParts(options: AppOptions): { providers: Registration[]; controllers: Class<unknown>[]; routes: RouteDeclaration<readonly Dep[], never>[] } {
  // Called with options its callers (createApp, checkApp) have validated.
  const parts = [options, ...(options.modules ?? [])];
  return {
    providers: parts.flatMap((p) => p.providers ?? []),
    controllers: parts.flatMap((p) => p.controllers ?? []),
    routes: parts.flatMap((p) => p.routes ?? []),
  };
}

/**
 * Check an app as `createApp(options)` would build it (providers, overrides, modules, every controller and route
 * handler) and build nothing: for a process that never serves, such as `serveCluster()`'s primary, so a broken
 * graph fails once before any worker starts. Throws one `BootError` listing every problem with its path.
 *
 * ```ts
 * export default defineClusterApp({
 *   check: () => checkApp(appOptions),
 *   build: () => createApp({ ...appOptions, shutdown: false }),
 * });
 * ```
 *
 * The compiler checks its options as it checks `createApp()`'s (docs/typed-graph.md).
 */
export function checkApp<
  const P extends readonly Registration[] = readonly [],
  const R extends readonly AnyRoute[] = readonly [],
  const C extends readonly Class<unknown>[] = readonly [],
  const M extends readonly AppModule[] = readonly [],
  const O extends readonly Registration[] = readonly [],
  I extends InversifyContainerLike | undefined = undefined,
>(options: TypedAppOptions<P, O, R, C, M, I>): void;
export function checkApp(options: AppOptions): void {
  validateOptions(appSchema, options, 'checkApp');
  const { providers, controllers, routes } = appParts(options);
  const container = createContainer({
    providers,
    ...(options.overrides === undefined ? {} : { overrides: options.overrides }),
    ...(options.inversify === undefined ? {} : { inversify: options.inversify }),
    allowWorkerThread: options.allowWorkerThread ?? false,
  });
  checkAppGraph(container, controllers, routes);
}
