// A route's config, read per request (request-scope.ts asks whether the route ends with the scope's hook) without
// the object fastify's public getter builds.
import type { FastifyRequest } from 'fastify';

type WithContext = FastifyRequest & Record<symbol, { config?: unknown } | undefined>;
/**
 * Where fastify keeps the request's route context (`Symbol('fastify.context')`, own on every request), found on the
 * first request; `null` if this fastify keeps it elsewhere. Read directly because the public way to the route's
 * config, `request.routeOptions`, builds a 12-field object and looks up a router constraint on every call (fastify
 * 5.12). A request whose context is not under the key (another copy of fastify in the process, with symbols of its
 * own) is read through routeOptions; test/fastify/fastify-copies.test.ts checks both, and that fastify still keeps it
 * there.
 */
let contextKey: symbol | null | undefined;

/** The route's config, as `request.routeOptions.config` returns it. */
export function routeConfigOf(request: FastifyRequest): unknown {
  // Found once, `null` included: `??=` would search again on every request of a fastify that keeps it elsewhere.
  if (contextKey === undefined) contextKey = findContextKey(request);
  const context = contextKey === null ? undefined : (request as WithContext)[contextKey];
  return context !== undefined ? context.config : request.routeOptions.config;
}

function findContextKey(request: FastifyRequest): symbol | null {
  const config = request.routeOptions.config;
  for (const key of Object.getOwnPropertySymbols(request)) {
    if (key.description !== 'fastify.context') continue;
    const context = (request as WithContext)[key];
    if (typeof context === 'object' && context !== null && context.config === config) return key;
  }
  return null;
}
