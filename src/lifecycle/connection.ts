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
  /** Responses in progress, each with its request (described as `METHOD url` only when reported). */
  readonly responses: Map<ServerResponse, IncomingMessage>;
  /** Responses finished on it. */
  served: number;
  /** Bytes read from `http` when its last response finished: more means a next request is partly here. */
  readAtRest: number;
  grace: NodeJS.Timeout | undefined;
}

/** A socket's client as `address:port`. @internal */
export function peerOf(socket: Socket): string {
  return `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
}

/** What a connection is doing now, for a forced shutdown's report. @internal */
export function describe(conn: Conn): OpenConnection {
  const requests = [...conn.responses.values()].map((req) => `${req.method ?? '?'} ${req.url ?? '?'}`);
  return { remote: conn.remote, state: stateOf(conn, requests.length), requests };
}

function stateOf(conn: Conn, inProgress: number): OpenConnection['state'] {
  if (inProgress > 0) return 'active';
  if (conn.http === undefined) return 'handshake';
  if (conn.http.bytesRead > conn.readAtRest) return 'partial';
  return conn.served > 0 ? 'idle' : 'silent';
}
