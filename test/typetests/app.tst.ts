// What tsc says about createApp()'s graph, message included: each `@ts-expect-error <text>` must be one error
// whose message contains <text> (tstyche checks it).
import type { FastifyInstance } from 'fastify';
import { expect, test } from 'tstyche';
import { provide, token, type Registration } from 'loopsafe';
import { FastifyReplyToken, FastifyRequestToken, checkApp, createApp, route, type RouteDeclaration } from 'loopsafe/fastify';

class Clock {
  now(): number {
    return 0;
  }
}
const ClockToken = token<Clock, 'Clock'>('Clock');
const Greeting = token<string, 'Greeting'>('Greeting');
const RequestId = token<string, 'RequestId'>('RequestId');
const clock = provide(ClockToken, { useFactory: () => new Clock() });
const greeting = provide(Greeting, { useValue: 'hello' });

test('a route whose inject names a key no provider provides fails at that route, naming the token', async () => {
  await createApp({
    providers: [greeting],
    routes: [
      route({ method: 'GET', url: '/hello', inject: [Greeting], handler: ([text]) => text }),
      // @ts-expect-error MissingProvider<"Clock">
      route({ method: 'GET', url: '/time', inject: [Greeting, ClockToken], handler: ([, c]) => c.now() }),
    ],
  });
});

test('the same app with the provider compiles with no cast, the handler typed from inject', async () => {
  const app = await createApp({
    providers: [greeting, clock],
    routes: [
      route({
        method: 'GET',
        url: '/time',
        inject: [Greeting, ClockToken],
        handler: ([text, c]) => {
          expect(text).type.toBe<string>();
          expect(c).type.toBe<Clock>();
          return `${text} ${c.now()}`;
        },
      }),
    ],
  });
  expect(app).type.toBe<FastifyInstance>();
});

test('routes declared apart from createApp are checked too: an array as a whole, a tuple route by route', async () => {
  const routes = [route({ method: 'GET', url: '/time', inject: [ClockToken], handler: ([c]) => c.now() })];
  // @ts-expect-error MissingProvider<"Clock">
  await createApp({ providers: [greeting], routes });
  await createApp({ providers: [greeting, clock], routes });
  const tuple = [route({ method: 'GET', url: '/hello', inject: [Greeting], handler: ([text]) => text })] as const;
  // @ts-expect-error MissingProvider<"Greeting">
  await createApp({ providers: [clock], routes: tuple });
});

test("a module's routes are checked against every module's providers", async () => {
  await createApp({
    providers: [greeting],
    modules: [
      { providers: [clock] },
      { routes: [route({ method: 'GET', url: '/time', inject: [ClockToken, Greeting], handler: ([c]) => c.now() })] },
    ],
  });
  await createApp({
    modules: [
      {
        providers: [greeting],
        routes: [
          // @ts-expect-error MissingProvider<"Clock">
          route({ method: 'GET', url: '/time', inject: [ClockToken], handler: ([c]) => c.now() }),
        ],
      },
    ],
  });
});

test("createApp's providers are checked as createContainer's are: a missing key, a captive dependency", async () => {
  await createApp({
    providers: [
      // @ts-expect-error MissingProvider<"Clock">
      provide(Greeting, { inject: [ClockToken], useFactory: (c) => String(c.now()) }),
    ],
  });
  await createApp({
    providers: [
      provide(RequestId, { lifetime: 'request', inject: [FastifyRequestToken], useFactory: (request) => request.id }),
      // @ts-expect-error CaptiveDependency<"Greeting", "RequestId">
      provide(Greeting, { inject: [RequestId], useFactory: (id) => id }),
    ],
  });
  // A singleton that injects the request itself is captive too.
  await createApp({
    providers: [
      // @ts-expect-error CaptiveDependency<"Greeting", "FastifyRequest">
      provide(Greeting, { inject: [FastifyRequestToken], useFactory: (request) => request.id }),
    ],
  });
});

test('the request and reply tokens need no provider: the plugin supplies them to every request scope', async () => {
  await createApp({
    routes: [route({ method: 'GET', url: '/', inject: [FastifyRequestToken, FastifyReplyToken], handler: ([request]) => request.id })],
  });
});

test('a controller class provides itself, so a route may inject it', async () => {
  class Users {
    list(): string[] {
      return [];
    }
  }
  await createApp({ controllers: [Users], routes: [route({ method: 'GET', url: '/', inject: [Users], handler: ([users]) => users.list() })] });
  // @ts-expect-error MissingProvider<typeof Users>
  await createApp({ routes: [route({ method: 'GET', url: '/', inject: [Users], handler: ([users]) => users.list() })] });
});

test('widened lists check nothing: they compile, and the boot check decides', async () => {
  const providers: Registration[] = [greeting];
  const routes: RouteDeclaration[] = [route({ method: 'GET', url: '/time', inject: [ClockToken], handler: ([c]) => c.now() })];
  await createApp({ providers, routes: [route({ method: 'GET', url: '/time', inject: [ClockToken], handler: ([c]) => c.now() })] });
  await createApp({ providers: [greeting], routes });
});

test('an inversify fallback turns the compile-time check off', async () => {
  const inversify = { isBound: (_key: unknown) => true, getAsync: async (_key: unknown) => new Clock() };
  await createApp({ providers: [greeting], inversify, routes: [route({ method: 'GET', url: '/', inject: [ClockToken], handler: ([c]) => c.now() })] });
});

test("checkApp() checks its options as createApp() does", () => {
  // @ts-expect-error MissingProvider<"Clock">
  checkApp({ providers: [greeting], routes: [route({ method: 'GET', url: '/', inject: [ClockToken], handler: ([c]) => c.now() })] });
  checkApp({ providers: [greeting, clock], routes: [route({ method: 'GET', url: '/', inject: [ClockToken], handler: ([c]) => c.now() })] });
});
