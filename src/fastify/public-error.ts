import type { FastifyInstance, FastifyReply } from 'fastify';
import { LoopsafeError } from '../errors/base.js';

/**
 * What a client is told in place of a loopsafe error's message. The message names provider paths, routes and the
 * cause's own text (a connection string, a file), which belong in the server's log, not in a response.
 */
export const PUBLIC_MESSAGE = 'The server could not provide what this request needs. Its log has the details.';

/**
 * Keep loopsafe's error messages out of responses, without taking the error handler from the user. The error
 * handler (the user's own, or fastify's default, which logs the whole error) still gets the error as it is; only
 * when it sends that very error (`reply.send(error)`, as fastify's default handler does) does fastify serialize a
 * copy with the same code and {@link PUBLIC_MESSAGE}, the original as its `cause`. A body the user's handler makes
 * up goes out untouched. It costs nothing until a request fails: `onError` hooks run only then.
 */
export function hideErrorDetails(app: FastifyInstance): void {
  app.addHook('onError', function loopsafeHideErrorDetails(_request, reply, error, done) {
    if (LoopsafeError.is(error) && !Object.hasOwn(reply, 'send')) {
      const send = reply.send;
      (reply as { send: (payload?: unknown) => FastifyReply }).send = function sendPublicError(this: FastifyReply, payload?: unknown) {
        return send.call(this, payload === error ? publicError(error) : payload);
      };
    }
    done();
  });
}

/** The error fastify serializes for a client: the code, a short message, nothing else of the original. */
function publicError(error: LoopsafeError): Error {
  const copy = new Error(PUBLIC_MESSAGE, { cause: error }) as Error & { code: string };
  copy.name = error.name;
  copy.code = error.code;
  return copy;
}
