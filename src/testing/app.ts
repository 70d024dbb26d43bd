import type { FastifyInstance } from 'fastify';
import { InvalidOptionError } from '../errors/container.js';
import type { AppOptions } from '../fastify/app.js';
import type { ShutdownOptions } from '../fastify/shutdown.js';

/** The part of ava's `t` that {@link createTestApp} uses (any runner with a `teardown` works). */
export interface TeardownContext {
  /** Run `fn` after the test, pass or fail. */
  teardown(fn: () => unknown): void;
}

/**
 * Options of {@link createTestApp}: everything {@link "loopsafe/fastify"!createApp} takes. `overrides` replace
 * providers by key (a fake repository, a fixed clock) while the rest of the graph stays real.
 */
export interface TestAppOptions extends AppOptions {
  /**
   * The graceful shutdown. A test app installs no signal handler, so a SIGTERM to the test runner is the runner's.
   * @default false
   */
  shutdown?: ShutdownOptions | false;
}

/**
 * Build an app for a test: `createApp()` with `overrides` replacing providers, booted (graph checked, eager
 * singletons built) and ready for `app.inject()`, with no signal handler and no port. Given ava's `t`, the app is
 * closed in `t.teardown()` (request scopes, then singletons disposed), so a failing test leaks nothing.
 *
 * ```ts
 * test('GET /users/:id answers from the repository', async (t) => {
 *   const app = await createTestApp({ providers, controllers: [UsersController], overrides: [provide(UserRepo, { useValue: fakeRepo })] }, t);
 *   t.is((await app.inject('/users/1')).statusCode, 200);
 * });
 * ```
 *
 * fastify is loaded on first call, so importing `loopsafe/testing` in an app without fastify still works.
 */
export async function createTestApp(options: TestAppOptions, t?: TeardownContext): Promise<FastifyInstance> {
  if (typeof options !== 'object' || options === null) throw new InvalidOptionError('createTestApp', 'options', 'an object', options);
  if (t !== undefined && typeof (t as { teardown?: unknown } | null)?.teardown !== 'function') {
    throw new InvalidOptionError('createTestApp', 't', "the test's context (an object with teardown(), such as ava's t)", t);
  }
  const { createApp } = await import('../fastify/app.js');
  const app = await createApp({ ...options, shutdown: options.shutdown ?? false });
  t?.teardown(() => app.close());
  return app;
}
