// loopsafe: createApp with the graph as providers; the function-style and the controller-style /hello.
import type { FastifyInstance } from 'fastify';
import { provide } from '../../../src/index.js';
import { Controller, Get, Inject, createApp, route } from '../../../src/fastify/index.js';
import { A, B, C, Clock, Config, D, E, Logger, RequestId, stats } from '../graph.js';

function providers() {
  let next = 0;
  return [
    provide(Config, { inject: [] }),
    provide(Logger, { inject: [] }),
    provide(Clock, { inject: [] }),
    provide(RequestId, { lifetime: 'request', useFactory: () => ++next }),
    provide(A, { lifetime: 'request', inject: [RequestId, Config] }),
    provide(B, { lifetime: 'request', inject: [RequestId, Logger] }),
    provide(C, { lifetime: 'request', inject: [A, Config] }),
    provide(D, { lifetime: 'request', inject: [A, B] }),
    provide(E, { lifetime: 'request', inject: [C, D, Logger], dispose: (e) => e.dispose() }),
  ];
}

const statsRoute = route({ method: 'GET', url: '/stats', handler: () => stats });

export async function buildFunctions(): Promise<FastifyInstance> {
  const hello = route({
    method: 'GET',
    url: '/hello',
    inject: [E],
    handler: ([e]) => {
      stats.served++;
      return { id: e.id };
    },
  });
  return createApp({ providers: providers(), routes: [hello, statsRoute], shutdown: false });
}

@Controller()
class HelloController {
  @Get('/hello')
  hello(@Inject(E) e: E) {
    stats.served++;
    return { id: e.id };
  }
}

export async function buildController(): Promise<FastifyInstance> {
  return createApp({ providers: providers(), controllers: [HelloController], routes: [statsRoute], shutdown: false });
}

/** The plugin's floor: the same app, but /hello touches no DI (what a request that ignores request.di costs). */
export async function buildPlain(): Promise<FastifyInstance> {
  let next = 0;
  const hello = route({
    method: 'GET',
    url: '/hello',
    handler: () => {
      stats.served++;
      stats.disposed++; // nothing to dispose; keeps the served/disposed check uniform
      return { id: ++next };
    },
  });
  return createApp({ providers: providers(), routes: [hello, statsRoute], shutdown: false });
}
