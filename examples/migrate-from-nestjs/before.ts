// BEFORE: NestJS on Fastify. A singleton database closed in onModuleDestroy, a request-scoped unit of work that
// injects REQUEST. Nest has no per-request teardown: the unit of work is never released.
import { Controller, Get, Inject, Injectable, Module, NotFoundException, Param, Scope, type OnModuleDestroy } from '@nestjs/common';
import { NestFactory, REQUEST } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';

@Injectable()
class Db implements OnModuleDestroy {
  readonly #users = new Map([[1, 'Ada']]);
  find(id: number): string | undefined {
    return this.#users.get(id);
  }
  onModuleDestroy(): void {
    console.log('db closed');
  }
}

@Injectable({ scope: Scope.REQUEST })
class UnitOfWork {
  readonly requestId: string;
  constructor(private readonly db: Db, @Inject(REQUEST) request: FastifyRequest) {
    this.requestId = request.id;
  }
  user(id: number): { id: number; name: string; request: string } | undefined {
    const name = this.db.find(id);
    return name === undefined ? undefined : { id, name, request: this.requestId };
  }
}

// A controller that injects a request-scoped provider becomes request-scoped itself: one per request.
@Controller('users')
class UsersController {
  constructor(private readonly uow: UnitOfWork) {}
  @Get(':id')
  get(@Param('id') id: string) {
    const user = this.uow.user(Number(id));
    if (user === undefined) throw new NotFoundException();
    return user;
  }
}

@Module({ providers: [Db, UnitOfWork], controllers: [UsersController] })
class AppModule {}

const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { logger: false });
await app.init();
for (const url of ['/users/1', '/users/9']) {
  const response = await app.inject(url);
  console.log(`GET ${url} ${response.statusCode} ${response.statusCode === 200 ? response.body : ''}`);
}
await app.close();
