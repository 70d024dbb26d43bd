import type { FastifyReply, FastifyRequest } from 'fastify';
import { ResolutionPathError } from '../errors/base.js';
import { DisposedError } from '../errors/container.js';
import { SINGLETON, type Plan } from '../resolution/plan.js';
import type { ResolutionTrail } from '../resolution/observer.js';
import { get } from '../resolution/resolve.js';
import { abandon, awaitPending } from '../resolution/pending.js';
import type { RootSite, Site } from '../resolution/site.js';
import type { Lease, RequestScopes } from './request-scope.js';

/** Calls the user's handler with the resolved dependencies (a function route's handler, or a controller method). */
export type Invoke = (deps: unknown[], request: FastifyRequest, reply: FastifyReply) => unknown;

type Handler = (request: FastifyRequest, reply: FastifyReply) => unknown;

/**
 * The fastify handler of one compiled route. `plan` is the route's synthetic provider, checked at boot with the
 * rest of the graph; per request its dependencies are resolved one by one in the request's scope, so when they
 * are all built there is no await and no allocation beyond the argument list. The scope is held while the handler
 * runs, so a client abort cannot dispose it underneath.
 */
export function routeHandler(scopes: RequestScopes, plan: Plan, invoke: Invoke): Handler {
  const deps = plan.deps;
  const name = plan.name;
  const trail = { name, parent: undefined };
  return function loopsafeRoute(request, reply) {
    const lease = scopes.hold(request, reply);
    let result: unknown;
    try {
      const scope = lease.scope;
      if (scope.stack.closed) throw new DisposedError('scope', `resolve ${name}`);
      const values = resolveAll(deps, scope, trail);
      result = values instanceof Promise ? afterDeps(values, invoke, request, reply) : invoke(values, request, reply);
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
export function singletonRouteHandler(root: RootSite, plan: Plan, invoke: Invoke): Handler {
  const deps = plan.deps;
  const trail = { name: plan.name, parent: undefined };
  return function loopsafeRoute(request, reply) {
    const values = resolveAll(deps, root, trail);
    return values instanceof Promise ? afterDeps(values, invoke, request, reply) : invoke(values, request, reply);
  };
}

/**
 * The dependencies' values, or a promise of them when one is still being built. The route heads the trail, so an
 * observer's findings name it (`GET /work -> Service -> Repo`) like errors do; the container builds a trail only
 * when an observer watches, so the route costs nothing otherwise.
 */
function resolveAll(deps: readonly (Plan | undefined)[], site: Site, trail: ResolutionTrail): unknown[] | Promise<unknown[]> {
  const name = trail.name;
  const n = deps.length;
  const values = new Array<unknown>(n);
  let pendingAt: number[] | undefined;
  for (let i = 0; i < n; i++) {
    const dep = deps[i];
    if (dep === undefined) continue; // an optional dependency nobody provides
    let value: unknown;
    try {
      value = get(dep, site, trail);
    } catch (error) {
      abandon(values, pendingAt);
      throw withRoute(error, name);
    }
    // Only loopsafe's own constructions are awaited: the reply (thenable until the response ends) is passed as it is.
    if (dep.pends && value instanceof Promise) (pendingAt ??= []).push(i);
    values[i] = value;
  }
  if (pendingAt === undefined) return values;
  return awaitPending(values, pendingAt).then(undefined, (error: unknown) => {
    throw withRoute(error, name);
  });
}

function withRoute(error: unknown, name: string): unknown {
  return error instanceof ResolutionPathError ? error.withParent(name) : error;
}

async function afterDeps(deps: Promise<unknown[]>, invoke: Invoke, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  return invoke(await deps, request, reply);
}

async function settle(scopes: RequestScopes, lease: Lease, result: Promise<unknown>): Promise<unknown> {
  try {
    return await result;
  } finally {
    scopes.unhold(lease);
  }
}
