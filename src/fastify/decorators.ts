import type { HTTPMethods, RouteShorthandOptions } from 'fastify';
import type { Dep } from '../container/provider.js';
import { validateOptions } from '../options/validate.js';
import type { Lifetime } from '../scopes/lifetime.js';
import { metadataFor, type ParamSource } from './metadata.js';
import { controllerSchema } from './options.js';

/** Options of {@link Controller}. */
export interface ControllerOptions {
  /**
   * How long the controller instance lives. A singleton controller is built once; it must not depend on
   * request-scoped providers (the boot fails with `LOOPSAFE_ERR_CAPTIVE_DEPENDENCY`): inject those into the
   * handler method with `@Inject()` instead, or make the controller `'request'`.
   * @default 'singleton'
   */
  lifetime?: Lifetime;
}

/**
 * Mark a class as a controller whose decorated methods are routes under `prefix`. The controller is a provider:
 * its constructor parameters are resolved like any other (`@Inject(token)`, or class types).
 *
 * ```ts
 * @Controller('/users')
 * class UsersController {
 *   constructor(@Inject(UserRepo) private readonly repo: UserRepo) {}
 *   @Get('/:id', { schema: { params: IdParams } })
 *   get(@Params('id') id: string, @Inject(RequestLogger) log: Logger) { ... }
 * }
 * ```
 */
export function Controller(prefix = '', options: ControllerOptions = {}): ClassDecorator {
  validateOptions(controllerSchema, options, `@Controller(${JSON.stringify(prefix)})`);
  return (target) => {
    const meta = metadataFor(target);
    meta.prefix = prefix;
    meta.lifetime = options.lifetime;
  };
}

/**
 * Route a controller method: any HTTP method (or several), a path under the controller's prefix, fastify's route options.
 *
 * ```ts
 * @Route(['GET', 'HEAD'], '/:id/avatar')
 * avatar(@Params('id') id: string, @Reply() reply: FastifyReply) { ... }
 * ```
 */
export function Route(method: HTTPMethods | readonly HTTPMethods[], path = '', options: RouteShorthandOptions = {}): MethodDecorator {
  return (target, property) => {
    metadataFor(target.constructor).routes.push({ method, path, options, property });
  };
}

/**
 * A `GET` route. `options` are fastify's route options: `schema`, `config`, hooks such as `preHandler`, ...
 *
 * ```ts
 * @Controller('/users')
 * class UsersController {
 *   @Get('/:id', { schema: { params: { type: 'object', properties: { id: { type: 'integer' } } } } })
 *   get(@Params('id') id: number, @Inject(UserRepo) repo: UserRepo) {
 *     return repo.find(id); // GET /users/42; the return value is the response body
 *   }
 * }
 * ```
 */
export function Get(path = '', options: RouteShorthandOptions = {}): MethodDecorator {
  return Route('GET', path, options);
}

/**
 * A `POST` route; see {@link Get}.
 *
 * ```ts
 * @Post('', { schema: { body: NewUser } })
 * async create(@Body() body: NewUser, @Inject(UnitOfWork) work: UnitOfWork, @Reply() reply: FastifyReply) {
 *   reply.code(201);
 *   return work.users.insert(body);
 * }
 * ```
 */
export function Post(path = '', options: RouteShorthandOptions = {}): MethodDecorator {
  return Route('POST', path, options);
}

/** A `PUT` route; see {@link Get}. */
export function Put(path = '', options: RouteShorthandOptions = {}): MethodDecorator {
  return Route('PUT', path, options);
}

/** A `PATCH` route; see {@link Get}. */
export function Patch(path = '', options: RouteShorthandOptions = {}): MethodDecorator {
  return Route('PATCH', path, options);
}

/**
 * A `DELETE` route; see {@link Get}.
 *
 * ```ts
 * @Delete('/:id')
 * async remove(@Params('id') id: number, @Reply() reply: FastifyReply) {
 *   await this.repo.delete(id);
 *   reply.code(204);
 * }
 * ```
 */
export function Delete(path = '', options: RouteShorthandOptions = {}): MethodDecorator {
  return Route('DELETE', path, options);
}

function param(source: ParamSource): ParameterDecorator {
  return (target, property, index) => {
    if (property === undefined) {
      // A constructor parameter: only providers can be injected there.
      if (source.kind === 'inject') metadataFor(target).ctor.set(index, source.dep);
      return;
    }
    const byMethod = metadataFor(target.constructor).params;
    let byIndex = byMethod.get(property);
    if (byIndex === undefined) byMethod.set(property, (byIndex = new Map()));
    const list = byIndex.get(index) ?? [];
    list.push(source);
    byIndex.set(index, list);
  };
}

/**
 * Inject a provider: into a constructor parameter of a controller, or into a handler parameter, where it is
 * resolved in the request's scope (so request-scoped providers work even in a singleton controller).
 *
 * ```ts
 * @Controller('/orders')
 * class OrdersController {
 *   constructor(@Inject(Config) private readonly config: AppConfig) {}   // a singleton, built once
 *
 *   @Get('')
 *   list(@Inject(UnitOfWork) work: UnitOfWork, @Inject(optional(Audit)) audit: Audit | undefined) {
 *     audit?.record('list');                                            // request-scoped, one per request
 *     return work.orders.all();
 *   }
 * }
 * ```
 */
export function Inject(key: Dep): ParameterDecorator {
  return param({ kind: 'inject', dep: key });
}

/**
 * The route params (`request.params`), or one of them by name.
 *
 * ```ts
 * @Get('/:team/:id')
 * get(@Params('id') id: string, @Params() all: { team: string; id: string }) { ... }
 * ```
 */
export function Params(name?: string): ParameterDecorator {
  return param({ kind: 'params', name });
}

/**
 * The parsed query string (`request.query`), or one field by name.
 *
 * ```ts
 * @Get('/search')
 * search(@Query('q') q: string, @Query() query: { q: string; page?: string }) { ... } // GET /search?q=ada&page=2
 * ```
 */
export function Query(name?: string): ParameterDecorator {
  return param({ kind: 'query', name });
}

/**
 * The request headers, or one header by (lower-case) name.
 *
 * ```ts
 * @Get('/me')
 * me(@Headers('authorization') auth: string | undefined) { ... }
 * ```
 */
export function Headers(name?: string): ParameterDecorator {
  return param({ kind: 'headers', name });
}

/**
 * The parsed (and, with a schema, validated) body.
 *
 * ```ts
 * @Put('/:id', { schema: { body: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } } })
 * rename(@Params('id') id: string, @Body() body: { name: string }) { ... }
 * ```
 */
export function Body(): ParameterDecorator {
  return param({ kind: 'body' });
}

/**
 * The Fastify request itself.
 *
 * ```ts
 * @Get('/ip')
 * ip(@Req() request: FastifyRequest) { return { ip: request.ip }; }
 * ```
 */
export function Req(): ParameterDecorator {
  return param({ kind: 'request' });
}

/**
 * The Fastify reply itself, to set the status or headers (return the body, or send it and return the reply).
 *
 * ```ts
 * @Post('/jobs')
 * enqueue(@Body() job: Job, @Inject(Queue) queue: Queue, @Reply() reply: FastifyReply) {
 *   reply.code(202).header('location', `/jobs/${queue.push(job)}`);
 *   return { queued: true };
 * }
 * ```
 */
export function Reply(): ParameterDecorator {
  return param({ kind: 'reply' });
}
