import type { FastifyReply, FastifyRequest } from 'fastify';
import { SINGLETON, type Plan } from '../resolution/plan.js';
import { get, type RootSite } from '../resolution/resolve.js';
import type { Lease, RequestScopes } from './request-scope.js';

/** Calls the user's handler with the resolved dependencies (a function route's handler, or a controller method). */
export type Invoke = (deps: unknown[], request: FastifyRequest, reply: FastifyReply) => unknown;

/**
 * The fastify handler of one compiled route. It resolves the route's dependencies in the request's scope through
 * the plan looked up at boot: when they are all built, there is no await and no allocation beyond the argument
 * list. The scope is held while the handler runs, so a client abort cannot dispose it underneath.
 */
export function routeHandler(scopes: RequestScopes, plan: Plan, invoke: Invoke): (request: FastifyRequest, reply: FastifyReply) => unknown {
  return function loopsafeRoute(request, reply) {
    const lease = scopes.hold(request, reply);
    let result: unknown;
    try {
      const deps = lease.scope.resolveRaw(plan);
      result = deps instanceof Promise ? afterDeps(deps, invoke, request, reply) : invoke(deps as unknown[], request, reply);
    } catch (error) {
      scopes.unhold(lease);
      throw error;
    }
    if (result instanceof Promise) return settle(scopes, lease, result);
    scopes.unhold(lease);
    return result;
  };
}

/** True when the route needs nothing request-scoped: its dependencies are all singletons (or values). */
export function needsNoScope(plan: Plan): boolean {
  return plan.deps.every((dep) => dep === undefined || dep.lt === SINGLETON);
}

/**
 * The fastify handler of a route whose dependencies are all singletons: they resolve at the container, so the
 * request gets no scope at all unless something else touches `request.di`.
 */
export function singletonRouteHandler(root: RootSite, plan: Plan, invoke: Invoke): (request: FastifyRequest, reply: FastifyReply) => unknown {
  return function loopsafeRoute(request, reply) {
    const deps = get(plan, root, undefined);
    return deps instanceof Promise ? afterDeps(deps, invoke, request, reply) : invoke(deps as unknown[], request, reply);
  };
}

async function afterDeps(deps: Promise<unknown>, invoke: Invoke, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  return invoke((await deps) as unknown[], request, reply);
}

async function settle(scopes: RequestScopes, lease: Lease, result: Promise<unknown>): Promise<unknown> {
  try {
    return await result;
  } finally {
    scopes.unhold(lease);
  }
}
