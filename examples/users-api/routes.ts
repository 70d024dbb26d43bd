// The users API, function style: routes that name their dependencies and receive them resolved and typed.
import type { FastifyRequest } from 'fastify';
import { route } from 'loopsafe/fastify';
import { RequestLogger, UnitOfWork, UserRepository } from './providers.js';

type ById = FastifyRequest<{ Params: { id: number } }>;
const idParams = { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] } as const;

/** `GET /health`: answers while the repository is open. */
export const health = route({
  method: 'GET',
  url: '/health',
  inject: [UserRepository],
  handler: ([users]) => ({ ok: !users.closed, users: users.list().length }),
});

/** `DELETE /users/:id`, through the request's unit of work. */
export const removeUser = route({
  method: 'DELETE',
  url: '/users/:id',
  schema: { params: idParams },
  inject: [UnitOfWork, RequestLogger],
  handler: ([work, log], request: ById, reply) => {
    const { id } = request.params;
    if (work.users.find(id) === undefined) return reply.code(404).send({ message: `no user ${id}` });
    work.stage(() => work.users.remove(id));
    work.commit();
    log.info({ id }, 'user removed');
    return reply.code(204).send();
  },
});

/** `GET /slow?ms=N`: an in-flight request that outlives a SIGTERM, to watch the graceful shutdown. */
export const slow = route({
  method: 'GET',
  url: '/slow',
  schema: { querystring: { type: 'object', properties: { ms: { type: 'integer', minimum: 0, maximum: 10_000 } } } },
  inject: [UserRepository],
  handler: async ([users], request: FastifyRequest<{ Querystring: { ms?: number } }>) => {
    await new Promise((resolve) => setTimeout(resolve, request.query.ms ?? 1000));
    return { ok: !users.closed };
  },
});

/** Every function-style route. */
export const routes = [health, removeUser, slow];
