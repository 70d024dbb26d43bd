import type { HTTPMethods, RouteShorthandOptions } from 'fastify';
import type { Dep } from '../declare/provider.js';
import type { Lifetime } from '../declare/lifetime.js';
import { metadataFor, type ParamSource } from './metadata.js';

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
  return (target) => {
    const meta = metadataFor(target);
    meta.prefix = prefix;
    meta.lifetime = options.lifetime;
  };
}

/** Route a controller method: any HTTP method (or several), a path under the controller's prefix, fastify's route options. */
export function Route(method: HTTPMethods | readonly HTTPMethods[], path = '', options: RouteShorthandOptions = {}): MethodDecorator {
  return (target, property) => {
    metadataFor(target.constructor).routes.push({ method, path, options, property });
  };
}

/** A `GET` route. `options` are fastify's route options: `schema`, `config`, hooks such as `preHandler`, ... */
export function Get(path = '', options: RouteShorthandOptions = {}): MethodDecorator {
  return Route('GET', path, options);
}

/** A `POST` route; see {@link Get}. */
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

/** A `DELETE` route; see {@link Get}. */
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
 */
export function Inject(key: Dep): ParameterDecorator {
  return param({ kind: 'inject', dep: key });
}

/** The route params (`request.params`), or one of them by name. */
export function Params(name?: string): ParameterDecorator {
  return param({ kind: 'params', name });
}

/** The parsed query string (`request.query`), or one field by name. */
export function Query(name?: string): ParameterDecorator {
  return param({ kind: 'query', name });
}

/** The request headers, or one header by (lower-case) name. */
export function Headers(name?: string): ParameterDecorator {
  return param({ kind: 'headers', name });
}

/** The parsed (and, with a schema, validated) body. */
export function Body(): ParameterDecorator {
  return param({ kind: 'body' });
}

/** The Fastify request itself. */
export function Req(): ParameterDecorator {
  return param({ kind: 'request' });
}

/** The Fastify reply itself. */
export function Reply(): ParameterDecorator {
  return param({ kind: 'reply' });
}
