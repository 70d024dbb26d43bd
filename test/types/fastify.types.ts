// Compile-time tests for loopsafe/fastify: `npm test` type-checks this file; each @ts-expect-error must be a real
// type error, or tsc fails on an unused directive. Nothing here runs.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AbortSignalToken, lazy, optional, provide, token, type Container, type Registration, type Scope } from '../../src/index.js';
import { FastifyReplyToken, FastifyRequestToken, createApp, route, type RouteDeclaration } from '../../src/fastify/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | undefined {
  return undefined;
}

const Port = token<number>('Port');
class Repo {
  find(id: number): string {
    return String(id);
  }
}

export async function typeTests(app: FastifyInstance, request: FastifyRequest): Promise<void> {
  // app.di and request.di are augmented onto fastify's own types.
  expectType<Equal<typeof app.di, Container>>();
  expectType<Equal<typeof request.di, Scope>>();
  const req = request.di.resolveSync(FastifyRequestToken);
  expectType<Equal<typeof req, FastifyRequest>>();
  const reply = request.di.resolveSync(FastifyReplyToken);
  expectType<Equal<typeof reply, FastifyReply>>();

  // A function route's dependencies arrive typed, in order; optional() adds undefined.
  route({
    method: 'GET',
    url: '/users/:id',
    inject: [Repo, Port, optional(Port)],
    handler: ([repo, port, maybe], r: FastifyRequest<{ Params: { id: string } }>) => {
      expectType<Equal<typeof repo, Repo>>();
      expectType<Equal<typeof port, number>>();
      expectType<Equal<typeof maybe, number | undefined>>();
      expectType<Equal<typeof r.params, { id: string }>>();
      return repo.find(port);
    },
  });

  // A route with no inject receives an empty tuple.
  route({
    method: 'GET',
    url: '/',
    handler: (deps) => {
      expectType<Equal<typeof deps, []>>();
      return 'ok';
    },
  });

  route({
    method: 'GET',
    url: '/',
    inject: [Repo],
    // @ts-expect-error the first dependency is a Repo, not a number
    handler: ([repo]: [number]) => repo,
  });

  route({
    method: 'GET',
    url: '/',
    inject: [Repo],
    handler: ([repo]) => {
      // @ts-expect-error find takes a number
      repo.find('1');
      return repo.find(1);
    },
  });

  // @ts-expect-error a route needs a url
  route({ method: 'GET', handler: () => 1 });

  // lazy() and AbortSignalToken arrive typed in a route too.
  route({
    method: 'GET',
    url: '/lazy',
    inject: [lazy(Port), AbortSignalToken],
    handler: async ([port, signal]) => {
      expectType<Equal<typeof port, () => Promise<number>>>();
      expectType<Equal<typeof signal, AbortSignal>>();
      return signal.aborted ? 0 : await port();
    },
  });

  // createApp resolves to a fastify instance.
  const built = await createApp({ providers: [], shutdown: { signals: ['SIGTERM'], timeout: 5_000 } });
  expectType<Equal<typeof built, FastifyInstance>>();
  // @ts-expect-error signals are signal names
  await createApp({ providers: [], shutdown: { signals: ['TERM'] } });

  // A route's inject list is checked against the app's providers (test/typetests/app.tst.ts checks the message).
  const Named = token<number, 'Named'>('Named');
  const timed = route({ method: 'GET', url: '/n', inject: [Named], handler: ([n]) => n + 1 });
  await createApp({ providers: [provide(Named, { useValue: 1 })], routes: [timed] });
  // @ts-expect-error MissingProvider<"Named">
  await createApp({ providers: [], routes: [timed] });
  // Widened lists check nothing.
  const wide: RouteDeclaration[] = [timed];
  const none: Registration[] = [];
  await createApp({ providers: none, routes: [timed] });
  await createApp({ providers: [], routes: wide });
}
