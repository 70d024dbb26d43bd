import type { FastifyReply, FastifyRequest, HTTPMethods, RouteGenericInterface, RouteShorthandOptions } from 'fastify';
import type { Dep, DepTypes } from '../declare/provider.js';

/**
 * A route declared as data, for code that does not use classes: fastify's route options, the dependencies it
 * needs, and a handler that receives them resolved in the request's scope.
 */
export interface RouteDeclaration<D extends readonly Dep[] = readonly Dep[], RG extends RouteGenericInterface = RouteGenericInterface>
  extends RouteShorthandOptions {
  /** One HTTP method or several. */
  readonly method: HTTPMethods | readonly HTTPMethods[];
  /** The path, with fastify's `:param` syntax. */
  readonly url: string;
  /** The providers the handler needs, resolved in the request's scope and passed in this order. */
  readonly inject?: D;
  /**
   * Handles the request. `deps` holds the resolved `inject` list, in order; return the payload, or use `reply`.
   * Annotate `request` (`FastifyRequest<{ Params: { id: string } }>`) to type params, query, body and headers.
   */
  handler(deps: DepTypes<D>, request: FastifyRequest<RG>, reply: FastifyReply<RG>): unknown;
}

/**
 * Declare a route whose handler receives its dependencies resolved and typed.
 *
 * ```ts
 * export const getUser = route({
 *   method: 'GET',
 *   url: '/users/:id',
 *   schema: { params: { type: 'object', properties: { id: { type: 'string' } } } },
 *   inject: [UserRepo, RequestLogger],
 *   handler: async ([repo, log], request: FastifyRequest<{ Params: { id: string } }>) => repo.find(request.params.id),
 * });
 * const app = await createApp({ providers, routes: [getUser] });
 * ```
 *
 * Dependencies are checked at boot with the rest of the graph, and resolved on the event loop in the request's
 * scope, without an await when they are already built.
 */
export function route<const D extends readonly Dep[] = readonly [], RG extends RouteGenericInterface = RouteGenericInterface>(
  declaration: RouteDeclaration<D, RG>,
): RouteDeclaration<D, RG> {
  return declaration;
}
