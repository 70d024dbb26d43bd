import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AdapterToken } from '../declare/graph-types.js';
import { token } from '../tokens.js';

/**
 * The current Fastify request, supplied to every request scope. Inject it into request-scoped providers
 * (a per-request logger, the caller's identity); a singleton that asks for it fails the boot as a captive dependency.
 */
export const FastifyRequestToken = token<FastifyRequest, 'FastifyRequest'>('FastifyRequest') as AdapterToken<FastifyRequest, 'FastifyRequest'>;

/**
 * The current Fastify reply, supplied to every request scope alongside {@link FastifyRequestToken}. Inject it, or
 * take it with `request.di.resolveSync(FastifyReplyToken)`: fastify's reply is thenable, so `await`ing a promise of
 * it waits until the response is sent.
 */
export const FastifyReplyToken = token<FastifyReply, 'FastifyReply'>('FastifyReply') as AdapterToken<FastifyReply, 'FastifyReply'>;
