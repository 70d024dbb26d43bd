import type { RegisterOptions } from 'fastify';
import { containerSchema } from '../container/options.js';
import { anyObject, anything, duration, either, func, list, oneOf, required, satisfies, shape, text } from '../options/rules.js';
import type { Schema } from '../options/rule.js';
import { lifetimes } from '../declare/lifetime.js';
import { monitorSchema } from '../threads/options.js';
import type { AppModule, AppOptions, ControllerOptions, LoopsafePluginOptions } from './option-types.js';
import { isThreadMonitor } from './monitor.js';
import { SHUTDOWN_SIGNALS, type DrainOptions, type ShutdownOptions } from './shutdown.js';

/** The drain's options (the plugin's `shutdown`): add a field to `DrainOptions`, then its rule here. */
export const drainSchema = {
  timeout: duration({ min: 1 }),
  idleGrace: duration(),
  delay: duration(),
  readiness: text({ pattern: /^\//, expected: "a path starting with '/'" }),
} satisfies Schema<DrainOptions>;

/** createApp's `shutdown`: the drain's options and the signals. */
export const shutdownSchema = {
  ...drainSchema,
  signals: list(oneOf(SHUTDOWN_SIGNALS)),
} satisfies Schema<ShutdownOptions>;

const shutdown = either(oneOf([false]), shape(shutdownSchema));
const controllers = list(func('a class decorated with @Controller()'));
const routes = list(anyObject('a route declared with route()'), 'an array of routes declared with route()');

/** false, a monitor from createThreadMonitor(), or options for the one the app creates. */
function monitorRule(): ReturnType<typeof either> {
  return either(oneOf([false]), either(satisfies('a ThreadMonitor', isThreadMonitor), shape(monitorSchema, 'thread monitor options')));
}

/** `loopsafePlugin`'s options, with the ones fastify's `register()` reads itself. */
export const pluginSchema = {
  container: required(satisfies('a container from createContainer()', (v) => typeof (v as { createScope?: unknown }).createScope === 'function')),
  controllers,
  routes,
  shutdown: either(oneOf([false]), shape(drainSchema)),
  prefix: text(),
  logLevel: text(),
  logSerializers: anyObject(),
  monitor: monitorRule(),
} satisfies Schema<LoopsafePluginOptions & RegisterOptions>;

const moduleSchema = {
  providers: containerSchema.providers,
  controllers,
  routes,
} satisfies Schema<AppModule>;

/** `createApp()`'s options: the container's, the app's parts, fastify's (passed through) and the shutdown. */
export const appSchema = {
  ...containerSchema,
  ...moduleSchema,
  modules: list(shape(moduleSchema), 'an array of modules ({ providers, controllers, routes })'),
  fastify: anyObject("fastify's options object", 'fastify'),
  shutdown,
  monitor: monitorRule(),
} satisfies Schema<AppOptions>;

/** `@Controller(prefix, options)`'s options, checked when the class is decorated. */
export const controllerSchema = {
  lifetime: oneOf(lifetimes),
  inject: list(anything(), 'an array of keys (tokens, classes, optional(key), lazy(key))'),
} satisfies Schema<ControllerOptions>;
