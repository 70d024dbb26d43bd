import type { Dep } from '../declare/provider.js';
import { isStandardContext } from '../declare/decorator-call.js';
import type { InjectingClassDecorator } from '../declare/decorator-types.js';
import { declareInjectList } from '../declare/inject-list.js';
import { DecoratorMisplacedError } from '../errors/decorators.js';
import { validateOptions } from '../options/validate.js';
import { metadataFor, type ParamSource } from './metadata.js';
import { collectRoutes } from './standard-routes.js';
import { controllerSchema } from './options.js';

export type { ControllerOptions } from './option-types.js';
import type { ControllerOptions } from './option-types.js';

/**
 * Mark a class as a controller whose decorated methods are routes under `prefix`. The controller is a provider.
 * It works with both decorator proposals. With TC39 standard decorators (TypeScript 5's default, esbuild, tsx),
 * the constructor's and each handler's dependencies are `inject` lists, type-checked, and a handler receives
 * `(deps, request, reply)` as a function route's does:
 *
 * ```ts
 * @Controller('/users', { inject: [UserRepo] })
 * class UsersController {
 *   constructor(private readonly repo: UserRepo) {}
 *   @Get('/:id', { inject: [RequestLogger] })
 *   get([log]: [Logger], request: FastifyRequest<{ Params: { id: string } }>) { ... }
 * }
 * ```
 *
 * With `experimentalDecorators`, parameter decorators describe the parameters instead:
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
export function Controller<const D extends readonly Dep[] = never>(prefix = '', options: ControllerOptions<D> = {}): InjectingClassDecorator<D> {
  const label = `@Controller(${JSON.stringify(prefix)})`;
  validateOptions(controllerSchema, options, label);
  const { lifetime, inject } = options;
  return (value: object, context?: unknown) => {
    const standard = isStandardContext(context);
    if (standard && context.kind !== 'class') {
      throw new DecoratorMisplacedError(label, `the ${context.kind} ${String(context.name)}`, 'Decorate the controller class itself.');
    }
    const meta = metadataFor(value);
    meta.prefix = prefix;
    meta.lifetime = lifetime;
    if (inject !== undefined) declareInjectList(value, inject);
    // Standard method decorators ran before this one, with no class to attach their routes to.
    if (standard) collectRoutes(value as { prototype: object }, context as ClassDecoratorContext, meta, label);
  };
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
