import type { FastifyInstance, RegisterOptions } from 'fastify';

/**
 * Add the plugin's routes where fastify would put any plugin's routes. `fastify-plugin` makes fastify ignore the
 * `prefix` (and log options) given to `register()`, because the plugin shares its parent's context so `app.di` and
 * `request.di` reach the whole app; the routes alone go into a child context registered with those options, so
 * `register(loopsafePlugin, { prefix: '/api' })` serves `/t` at `/api/t`, nested prefixes included.
 */
export async function routesUnder(app: FastifyInstance, options: RegisterOptions, add: (instance: FastifyInstance) => void): Promise<void> {
  const { prefix, logLevel, logSerializers } = options;
  if (prefix === undefined && logLevel === undefined && logSerializers === undefined) {
    add(app);
    return;
  }
  await app.register(async function loopsafeRoutes(child) {
    add(child);
  }, {
    ...(prefix === undefined ? {} : { prefix }),
    ...(logLevel === undefined ? {} : { logLevel }),
    ...(logSerializers === undefined ? {} : { logSerializers }),
  });
}
