// The users API, controller style: a singleton controller whose handlers get request-scoped providers injected.
import type { FastifyReply } from 'fastify';
import { Body, Controller, Get, Inject, Params, Post, Reply } from 'loopsafe/fastify';
import { FeatureFlags, UnitOfWork, UserRepository, type Flags, type User } from './providers.js';

const idParams = { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] } as const;
const userSchema = { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } } as const;

/** `GET /users`, `GET /users/:id`, `POST /users`. */
@Controller('/users')
export class UsersController {
  constructor(@Inject(UserRepository) private readonly users: UserRepository) {}

  @Get('', { schema: { response: { 200: { type: 'array', items: userSchema } } } })
  list(@Inject(FeatureFlags) flags: Flags): User[] {
    const users = this.users.list();
    return flags.sortByName ? users.sort((a, b) => a.name.localeCompare(b.name)) : users;
  }

  @Get('/:id', { schema: { params: idParams, response: { 200: userSchema } } })
  get(@Params('id') id: number, @Reply() reply: FastifyReply): User | FastifyReply {
    return this.users.find(id) ?? reply.code(404).send({ message: `no user ${id}` });
  }

  @Post('', { schema: { body: { type: 'object', properties: { name: { type: 'string', minLength: 1 } }, required: ['name'] }, response: { 201: userSchema } } })
  create(@Body() body: { name: string }, @Inject(UnitOfWork) work: UnitOfWork, @Reply() reply: FastifyReply): FastifyReply {
    let created: User | undefined;
    work.stage(() => (created = work.users.insert(body.name)));
    work.commit();
    return reply.code(201).send(created);
  }
}
