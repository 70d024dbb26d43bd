import type { HTTPMethods } from 'fastify';
import { isStandardContext } from '../declare/decorator-call.js';
import type { Dep } from '../declare/provider.js';
import { DecoratorMisplacedError } from '../errors/decorators.js';
import { anything, list } from '../options/rules.js';
import { validateOptions } from '../options/validate.js';
import type { RouteDecorator, RouteOptions } from './decorator-types.js';
import { metadataFor } from './metadata.js';
import { awaitController } from './standard-routes.js';

const injectSchema = { inject: list(anything(), 'an array of keys (tokens, classes, optional(key), lazy(key))') };

function routeDecorator<D extends readonly Dep[]>(label: string, method: HTTPMethods | readonly HTTPMethods[], path: string, options: RouteOptions<D>): RouteDecorator<D> {
  const { inject, ...fastifyOptions } = options;
  // Only `inject` is loopsafe's: fastify checks its own route options when the route is added.
  validateOptions(injectSchema, { inject }, label);
  function decorate(target: unknown, context: unknown): void {
    if (isStandardContext(context)) {
      if (context.kind !== 'method' || context.static || context.private) {
        const member = context.kind === 'class' ? undefined : context;
        const what = `${member?.static === true ? 'static ' : ''}${member?.private === true ? 'private ' : ''}${context.kind}`;
        throw new DecoratorMisplacedError(label, `the ${what} ${String(context.name)}`, 'Decorate a public instance method of the controller.');
      }
      awaitController(target as object, context, { method, path, options: fastifyOptions, inject: inject ?? [] });
      return;
    }
    metadataFor((target as object).constructor).routes.push({ method, path, options: fastifyOptions, property: context as string | symbol, inject });
  }
  return decorate as RouteDecorator<D>;
}

/**
 * Route a controller method: any HTTP method (or several), a path under the controller's prefix, the options of
 * {@link Get}.
 *
 * ```ts
 * @Route(['GET', 'HEAD'], '/:id/avatar')
 * avatar(@Params('id') id: string, @Reply() reply: FastifyReply) { ... }
 * ```
 */
export function Route<const D extends readonly Dep[] = never>(
  method: HTTPMethods | readonly HTTPMethods[], path = '', options: RouteOptions<D> = {},
): RouteDecorator<D> {
  return routeDecorator(`@Route(${JSON.stringify(method)}, ${JSON.stringify(path)})`, method, path, options);
}

/**
 * A `GET` route. `options` are fastify's route options (`schema`, `config`, hooks such as `preHandler`, ...) and
 * `inject`, the handler's dependencies. With standard decorators (TypeScript 5's default, esbuild, tsx) the handler
 * receives `(deps, request, reply)`, and `deps` is checked against the `inject` list at compile time:
 *
 * ```ts
 * @Controller('/users', { inject: [UserRepo] })
 * class UsersController {
 *   constructor(private readonly repo: UserRepo) {}
 *   @Get('/:id', { inject: [RequestLogger], schema: { params: IdParams } })
 *   get([log]: [Logger], request: FastifyRequest<{ Params: { id: string } }>) {
 *     log.info('get');
 *     return this.repo.find(request.params.id); // the return value is the response body
 *   }
 * }
 * ```
 *
 * With `experimentalDecorators`, parameter decorators can describe each parameter instead (or give `inject`, as above):
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
export function Get<const D extends readonly Dep[] = never>(path = '', options: RouteOptions<D> = {}): RouteDecorator<D> {
  return routeDecorator(`@Get(${JSON.stringify(path)})`, 'GET', path, options);
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
export function Post<const D extends readonly Dep[] = never>(path = '', options: RouteOptions<D> = {}): RouteDecorator<D> {
  return routeDecorator(`@Post(${JSON.stringify(path)})`, 'POST', path, options);
}

/** A `PUT` route; see {@link Get}. */
export function Put<const D extends readonly Dep[] = never>(path = '', options: RouteOptions<D> = {}): RouteDecorator<D> {
  return routeDecorator(`@Put(${JSON.stringify(path)})`, 'PUT', path, options);
}

/** A `PATCH` route; see {@link Get}. */
export function Patch<const D extends readonly Dep[] = never>(path = '', options: RouteOptions<D> = {}): RouteDecorator<D> {
  return routeDecorator(`@Patch(${JSON.stringify(path)})`, 'PATCH', path, options);
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
export function Delete<const D extends readonly Dep[] = never>(path = '', options: RouteOptions<D> = {}): RouteDecorator<D> {
  return routeDecorator(`@Delete(${JSON.stringify(path)})`, 'DELETE', path, options);
}

