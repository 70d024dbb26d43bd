// BEFORE: @fastify/awilix. A singleton database, a request-scoped unit of work registered per request in diScope.
import fastify from 'fastify';
import { fastifyAwilixPlugin } from '@fastify/awilix';
import { asClass, asFunction, asValue, createContainer, Lifetime } from 'awilix';

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
  readonly #db: Db;
  readonly requestId: string;
  constructor({ db, requestId }: { db: Db; requestId: string }) {
    this.#db = db;
    this.requestId = requestId;
  }
  user(id: number): { id: number; name: string; request: string } | undefined {
    const name = this.#db.find(id);
    return name === undefined ? undefined : { id, name, request: this.requestId };
  }
  release(): void {
    console.log(`uow ${this.requestId} released`);
  }
}

// The container is created here rather than taken from the plugin's module-level `diContainer`, so two apps never share one.
const container = createContainer({ injectionMode: 'PROXY', strict: true });
container.register({
  db: asClass(Db, { lifetime: Lifetime.SINGLETON, dispose: (db) => db.close() }),
  greeting: asFunction(() => 'hello', { lifetime: Lifetime.SINGLETON }),
});

const app = fastify();
await app.register(fastifyAwilixPlugin, { container, disposeOnClose: true, disposeOnResponse: true, strictBooleanEnforced: true });
// Request-scoped registrations are made per request, in a hook, on the scope the plugin created.
app.addHook('onRequest', async (request) => {
  request.diScope.register({
    requestId: asValue(request.id),
    unitOfWork: asClass(UnitOfWork, { lifetime: Lifetime.SCOPED, dispose: (uow) => uow.release() }),
  });
});
app.get<{ Params: { id: string } }>('/users/:id', async (request, reply) => {
  const user = request.diScope.resolve<UnitOfWork>('unitOfWork').user(Number(request.params.id));
  return user ?? reply.code(404).send();
});

for (const url of ['/users/1', '/users/9']) {
  const response = await app.inject(url);
  console.log(`GET ${url} ${response.statusCode} ${response.body}`);
}
await app.close();
