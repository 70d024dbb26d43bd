// AFTER: loopsafe. The same app. The unit of work is released when its request ends, and the boot checks the graph.
import { provide } from 'loopsafe';
import { Controller, createApp, FastifyRequestToken, Get, Inject, Params, Reply } from 'loopsafe/fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';

// @Injectable() + onModuleDestroy() -> a provider with `dispose` (or the class's own Symbol.asyncDispose).
class Db {
  readonly #users = new Map([[1, 'Ada']]);
  find(id: number): string | undefined {
    return this.#users.get(id);
  }
  close(): void {
    console.log('db closed');
  }
}

// @Injectable({ scope: Scope.REQUEST }) with @Inject(REQUEST) -> lifetime 'request' with FastifyRequestToken injected.
class UnitOfWork {
  readonly requestId: string;
  constructor(private readonly db: Db, request: FastifyRequest) {
    this.requestId = request.id;
  }
  user(id: number): { id: number; name: string; request: string } | undefined {
    const name = this.db.find(id);
    return name === undefined ? undefined : { id, name, request: this.requestId };
  }
  release(): void {
    console.log(`uow ${this.requestId} released`);
  }
}

// The controller stays a singleton; the request-scoped unit of work goes into the handler method instead of the
// constructor, where it resolves in the request's scope (a singleton controller holding it fails the boot with
// LOOPSAFE_ERR_CAPTIVE_DEPENDENCY rather than silently becoming request-scoped).
@Controller('/users')
class UsersController {
  @Get('/:id')
  get(@Params('id') id: string, @Inject(UnitOfWork) uow: UnitOfWork, @Reply() reply: FastifyReply) {
    return uow.user(Number(id)) ?? reply.code(404).send();
  }
}

// @Module({ providers, controllers }) -> createApp({ providers, controllers }) (or `modules: [{ ... }]` to group them).
const app = await createApp({
  providers: [
    provide(Db, { useClass: Db, dispose: (db) => db.close() }),
    provide(UnitOfWork, { lifetime: 'request', inject: [Db, FastifyRequestToken], useClass: UnitOfWork, dispose: (uow) => uow.release() }),
  ],
  controllers: [UsersController],
  shutdown: false,
  monitor: false,
});
for (const url of ['/users/1', '/users/9']) {
  const response = await app.inject(url);
  console.log(`GET ${url} ${response.statusCode} ${response.statusCode === 200 ? response.body : ''}`);
}
await app.close();
