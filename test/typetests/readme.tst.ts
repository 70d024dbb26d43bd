import type { FastifyRequest } from 'fastify';
import { provide, token } from 'loopsafe';
import { createApp, route, FastifyRequestToken } from 'loopsafe/fastify';

interface Greeter { greet(name: string): string }
const Greeter = token<Greeter, 'Greeter'>('Greeter'); // the name twice: compile errors name the token
const RequestTag = token<string, 'RequestTag'>('RequestTag');

const app = await createApp({
  providers: [
    provide(Greeter, { useFactory: async () => ({ greet: (name: string) => `hello, ${name}` }) }), // a singleton
    provide(RequestTag, { lifetime: 'request', inject: [FastifyRequestToken], useFactory: (request) => request.id }),
  ],
  routes: [
    route({
      method: 'GET',
      url: '/hello/:name',
      inject: [Greeter, RequestTag], // checked by tsc, then at boot: a missing provider fails here, not on a request
      handler: ([greeter, tag], request: FastifyRequest<{ Params: { name: string } }>) =>
        ({ message: greeter.greet(request.params.name), request: tag }),
    }),
  ],
});
await app.listen({ port: 3000, host: '127.0.0.1' }); // SIGTERM or Ctrl-C drains in-flight requests, then exits 0

// Above: README.md's "A first app" block, verbatim (test/docs/typetests.test.ts keeps the two the same). Below: the
// same app with the mistakes a reader would make first, each failing with the error the README names.
import type { FastifyInstance } from 'fastify';
import type { Registration } from 'loopsafe';
import { expect, test } from 'tstyche';

test('README, a first app: it compiles with no cast, and createApp resolves to a fastify instance', () => {
  expect(app).type.toBe<FastifyInstance>();
});

test('README, a first app without the RequestTag provider: the route fails to compile, naming the token', async () => {
  await createApp({
    providers: [
      provide(Greeter, { useFactory: async () => ({ greet: (name: string) => `hello, ${name}` }) }),
    ],
    routes: [
      // @ts-expect-error MissingProvider<"RequestTag">
      route({
        method: 'GET',
        url: '/hello/:name',
        inject: [Greeter, RequestTag],
        handler: ([greeter, tag], request: FastifyRequest<{ Params: { name: string } }>) =>
          ({ message: greeter.greet(request.params.name), request: tag }),
      }),
    ],
  });
});

test('README, a first app whose singleton Greeter injects the request-scoped RequestTag: a captive dependency', async () => {
  await createApp({
    providers: [
      // @ts-expect-error CaptiveDependency<"Greeter", "RequestTag">
      provide(Greeter, { inject: [RequestTag], useFactory: async (tag) => ({ greet: (name: string) => `hello, ${name} (${tag})` }) }),
      provide(RequestTag, { lifetime: 'request', inject: [FastifyRequestToken], useFactory: (request) => request.id }),
    ],
  });
});

test('README, a first app with its providers in a list typed Registration[]: the compiler checks nothing, the boot does', async () => {
  const providers: Registration[] = [provide(Greeter, { useFactory: async () => ({ greet: (name: string) => name }) })];
  await createApp({
    providers,
    routes: [route({ method: 'GET', url: '/', inject: [Greeter, RequestTag], handler: ([greeter, tag]) => greeter.greet(tag) })],
  });
});
