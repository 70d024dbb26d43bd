// loopsafe: createApp with the graph as providers. The request id is supplied in an onRequest hook, as the README
// teaches; one variant makes it with a request-scoped factory instead, and one route touches no DI at all.
import fastify, { type FastifyInstance } from 'fastify';
import { createContainer, createThreadMonitor, provide } from '../../../src/index.js';
import { Controller, Get, Inject, createApp, loopsafePlugin, route } from '../../../src/fastify/index.js';
// The shared graph's classes carry inversify's decorators (the inversify peer uses them): loopsafe reads them too.
import '../../../src/inversify/index.js';
import { A, B, C, Clock, Config, D, E, Logger, RequestId, stats } from '../graph.js';

/** How the request id reaches the scope. */
type IdSource = 'supplied' | 'factory';

function providers(id: IdSource) {
  let next = 0;
  return [
    provide(Config, { inject: [] }),
    provide(Logger, { inject: [] }),
    provide(Clock, { inject: [] }),
    id === 'supplied'
      ? provide(RequestId, { supplied: true })
      : provide(RequestId, { lifetime: 'request', useFactory: () => ++next }),
    provide(A, { lifetime: 'request', inject: [RequestId, Config] }),
    provide(B, { lifetime: 'request', inject: [RequestId, Logger] }),
    provide(C, { lifetime: 'request', inject: [A, Config] }),
    provide(D, { lifetime: 'request', inject: [A, B] }),
    provide(E, { lifetime: 'request', inject: [C, D, Logger], dispose: (e) => e.dispose() }),
  ];
}

const statsRoute = route({ method: 'GET', url: '/stats', handler: () => stats });

/**
 * The README's way for a value per request: the plugin on your own fastify instance, `request.di.supply()` in an
 * onRequest hook (createApp returns a ready app, so hooks are added before the plugin boots, as here).
 */
async function withPlugin(routes: Parameters<typeof loopsafePlugin>[1]['routes'], controllers: Parameters<typeof loopsafePlugin>[1]['controllers'], monitor: boolean): Promise<FastifyInstance> {
  let next = 0;
  const app = fastify({ return503OnClosing: false });
  await app.register(loopsafePlugin, {
    container: createContainer({
      providers: providers('supplied'),
      ...(monitor ? { observer: createThreadMonitor({ mode: 'off', sampleIntervalMs: 1000 }) } : {}),
    }),
    ...(routes === undefined ? {} : { routes }),
    ...(controllers === undefined ? {} : { controllers }),
  });
  app.addHook('onRequest', async (request) => {
    request.di.supply(RequestId, ++next);
  });
  await app.ready();
  return app;
}

const hello = route({
  method: 'GET',
  url: '/hello',
  inject: [E],
  handler: ([e]) => {
    stats.served++;
    return { id: e.id };
  },
});

/**
 * `route()`, the id supplied in onRequest, with a thread monitor in mode `off` (it samples the OS thread count and
 * attributes nothing: what the default becomes under `NODE_ENV=production`). Kept so, not moved to today's default
 * `warn`, so that figures under this name stay comparable across runs; `npm run bench:monitor` prices `warn`.
 */
export async function buildFunctions(): Promise<FastifyInstance> {
  return withPlugin([hello, statsRoute], undefined, true);
}

/** The same app with no monitor at all, to price the default. */
export async function buildFunctionsUnwatched(): Promise<FastifyInstance> {
  return withPlugin([hello, statsRoute], undefined, false);
}

/** `route()`, the id made by a request-scoped factory (no hook). */
export async function buildFunctionsFactoryId(): Promise<FastifyInstance> {
  return createApp({ providers: providers('factory'), routes: [hello, statsRoute], shutdown: false });
}

@Controller()
class HelloController {
  @Get('/hello')
  hello(@Inject(E) e: E) {
    stats.served++;
    return { id: e.id };
  }
}

/** A controller, the id supplied in onRequest. */
export async function buildController(): Promise<FastifyInstance> {
  return withPlugin([statsRoute], [HelloController], true);
}

/** The plugin's floor: the same app, but /hello touches no DI (what a request that ignores request.di costs). */
export async function buildPlain(): Promise<FastifyInstance> {
  let next = 0;
  const plain = route({
    method: 'GET',
    url: '/hello',
    handler: () => {
      stats.served++;
      stats.disposed++; // nothing to dispose; keeps the served/disposed check uniform
      return { id: ++next };
    },
  });
  return createApp({ providers: providers('factory'), routes: [plain, statsRoute], shutdown: false });
}
