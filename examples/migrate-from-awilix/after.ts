// AFTER: loopsafe. The same app: the graph is declared once, checked at boot, and each request gets its own scope.
import type { FastifyRequest } from 'fastify';
import { provide, token } from 'loopsafe';
import { createApp, FastifyRequestToken, route } from 'loopsafe/fastify';

class Db {
  readonly #users = new Map([[1, 'Ada']]);
  find(id: number): string | undefined {
    return this.#users.get(id);
  }
  close(): void {
    console.log('db closed');
  }
}

class UnitOfWork {
  // Dependencies arrive as constructor arguments, in the order of `inject`, typed.
  constructor(private readonly db: Db, readonly requestId: string) {}
  user(id: number): { id: number; name: string; request: string } | undefined {
    const name = this.db.find(id);
    return name === undefined ? undefined : { id, name, request: this.requestId };
  }
  release(): void {
    console.log(`uow ${this.requestId} released`);
  }
}

const Greeting = token<string>('Greeting');
const RequestId = token<string>('RequestId');

const providers = [
  // asClass(Db, { lifetime: Lifetime.SINGLETON, dispose }) -> a class provider; singleton is the default lifetime.
  provide(Db, { useClass: Db, dispose: (db) => db.close() }),
  // asFunction(() => ..., { lifetime: Lifetime.SINGLETON }) -> useFactory.
  provide(Greeting, { useFactory: () => 'hello' }),
  // asValue(request.id) registered in onRequest -> a request-scoped factory of the request, which is supplied to
  // every request scope as FastifyRequestToken.
  provide(RequestId, { lifetime: 'request', inject: [FastifyRequestToken], useFactory: (request) => request.id }),
  // Lifetime.SCOPED -> 'request'. Registered once, with the rest of the graph, instead of in a hook per request.
  provide(UnitOfWork, { lifetime: 'request', inject: [Db, RequestId], useClass: UnitOfWork, dispose: (uow) => uow.release() }),
];

// diScope.resolve('unitOfWork') in the handler -> `inject`: the handler receives it resolved, and the boot checks it.
const getUser = route({
  method: 'GET',
  url: '/users/:id',
  inject: [UnitOfWork],
  handler: ([uow], request: FastifyRequest<{ Params: { id: string } }>, reply) => uow.user(Number(request.params.id)) ?? reply.code(404).send(),
});

const app = await createApp({ providers, routes: [getUser], shutdown: false, monitor: false });
for (const url of ['/users/1', '/users/9']) {
  const response = await app.inject(url);
  console.log(`GET ${url} ${response.statusCode} ${response.body}`);
}
await app.close();
