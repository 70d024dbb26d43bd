import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { OpenConnection } from '../errors/fastify.js';

/** One connection a drain tracks. @internal */
export interface Conn {
  /** The TCP socket the server accepted. */
  readonly raw: Socket;
  /** The client, `address:port`, read once: a destroyed socket forgets it. */
  readonly remote: string;
  readonly acceptedAt: number;
  readonly tls: boolean;
  /** The socket requests arrive on: the TCP socket, or for HTTPS the TLS socket once the handshake is done. */
  http: Socket | undefined;
  /**
   * Responses in arrival order, each with its request as `res.req` (described as `METHOD url` only when reported).
   * Until the drain starts, finished ones are dropped only when looked at (see `ConnectionDrain`): a response costs
   * no listener of its own while the server is not shutting down.
   */
  readonly responses: ServerResponse[];
  /** Responses finished on it (counted once dropped from `responses`). */
  served: number;
  /** Bytes read from `http` when its last response finished: more means a next request is partly here. */
  readAtRest: number;
  /** Bytes read from `http` when its latest request arrived (its headers were in by then). */
  readAtLatest: number;
  grace: NodeJS.Timeout | undefined;
}

/** A socket's client as `address:port`. @internal */
export function peerOf(socket: Socket): string {
  return `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
}

/** What a connection is doing now, for a forced shutdown's report. @internal */
export function describe(conn: Conn): OpenConnection {
  const requests = conn.responses.map(({ req }) => `${req.method ?? '?'} ${req.url ?? '?'}`);
  return { remote: conn.remote, state: stateOf(conn, requests.length), requests };
}

function stateOf(conn: Conn, inProgress: number): OpenConnection['state'] {
  if (inProgress > 0) return 'active';
  if (conn.http === undefined) return 'handshake';
  if (conn.http.bytesRead > conn.readAtRest) return 'partial';
  return conn.served > 0 ? 'idle' : 'silent';
}

/**
 * Drop the responses at the front of `conn.responses` that have finished, counting them as served. `resting`: the
 * connection may stay at rest after this (no request is arriving), so when the last one goes, `readAtRest` is set to
 * what the connection had read once it finished: its request's headers (read when it arrived) and the body it
 * declared. A body of unknown length (chunked) is taken as everything read by now. @internal
 */
export function dropFinished(conn: Conn, resting: boolean): void {
  const list = conn.responses;
  let n = 0;
  while (n < list.length && list[n]!.writableFinished) n++;
  if (n === 0) return;
  conn.served += n;
  if (n < list.length) {
    list.splice(0, n);
    return;
  }
  if (resting) conn.readAtRest = readWhenDone(conn, list[n - 1]!.req);
  list.length = 0;
}

function readWhenDone(conn: Conn, req: IncomingMessage): number {
  const read = conn.http?.bytesRead ?? 0;
  if (req.headers['transfer-encoding'] !== undefined) return read;
  const length = Number(req.headers['content-length'] ?? 0);
  return Number.isSafeInteger(length) && length >= 0 ? Math.min(read, conn.readAtLatest + length) : read;
}

/**
 * How long, from being accepted, a connection may take to start its first request once a drain has begun: a
 * client that connected a moment before the signal (or was still in the accept queue) has its request on the wire.
 * @internal
 */
export const FRESH_GRACE = 1000;

/**
 * End a connection politely (FIN after what was written); destroy it if the client does not close its side in time.
 * @internal
 */
export function end(conn: Conn): void {
  if (conn.http === undefined) {
    conn.raw.destroy(); // a TLS handshake never finished: there is no session to close politely
    return;
  }
  conn.http.end();
  conn.raw.setTimeout(FRESH_GRACE, () => conn.raw.destroy());
}
