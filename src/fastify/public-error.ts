import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LoopsafeError } from '../errors/base.js';

/**
 * What a client is told in place of a loopsafe error's message. The message names provider paths, routes and the
 * cause's own text (a connection string, a file), which belong in the server's log, not in a response.
 */
export const PUBLIC_MESSAGE = 'The server could not provide what this request needs. Its log has the details.';

const kFailure = Symbol('loopsafe.failure');
type Failed = FastifyReply & { [kFailure]: LoopsafeError | null };

/**
 * Keep loopsafe's error messages out of responses, without taking the error handler from the user: the error
 * handler (the user's own, or fastify's default, which logs the whole error) still gets the error as it is. Only
 * when the body that goes out is fastify's serialization of that error, `{ statusCode, code, error, message }`
 * with its code and message, is the message replaced by {@link PUBLIC_MESSAGE}; a body the user's handler made
 * up goes out untouched.
 */
export function hideErrorDetails(app: FastifyInstance): void {
  app.decorateReply(kFailure, null);
  app.addHook('onError', function loopsafeNoteFailure(_request, reply, error, done) {
    if (LoopsafeError.is(error)) (reply as Failed)[kFailure] = error;
    done();
  });
  app.addHook('onSend', function loopsafeHideErrorDetails(_request: FastifyRequest, reply, payload, done) {
    const failure = (reply as Failed)[kFailure];
    done(null, failure === null ? payload : publicBody(payload, failure));
  });
}

/** The payload, with the failure's message replaced when the payload is fastify's JSON of that failure. */
function publicBody(payload: unknown, failure: LoopsafeError): unknown {
  if (typeof payload !== 'string' || !payload.includes(failure.code)) return payload;
  let body: unknown;
  try {
    body = JSON.parse(payload);
  } catch {
    return payload;
  }
  if (typeof body !== 'object' || body === null) return payload;
  const fields = body as Record<string, unknown>;
  if (fields['code'] !== failure.code || fields['message'] !== failure.message) return payload;
  return JSON.stringify({ ...fields, message: PUBLIC_MESSAGE });
}
