import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Server as TlsServer } from 'node:tls';
import type { FastifyBaseLogger } from 'fastify';
import { ShutdownForcedError } from '../errors/fastify.js';

/** Node sets `_httpMessage` on a socket to the response it is writing; it has done so since Node 0.x. */
type HttpSocket = Socket & { _httpMessage?: ServerResponse | null };

/** Options of the connection drain. */
export interface DrainOptions {
  /** Milliseconds in-flight requests get before their connections are cut. */
  readonly timeout: number;
  /** Milliseconds a connection idle when the drain starts stays open, so a request already on the wire is served. */
  readonly idleGrace: number;
  readonly log: FastifyBaseLogger;
}

/**
 * Drains one HTTP server's connections on close: the responses still to be written carry `Connection: close`,
 * connections that were idle are closed after a short grace, and after `timeout` every remaining connection is cut.
 * Connections are tracked per connection, never per request.
 */
export class ConnectionDrain {
  readonly #server: Server;
  readonly #options: DrainOptions;
  readonly #sockets = new Set<HttpSocket>();
  #timer: NodeJS.Timeout | undefined;
  #graceTimer: NodeJS.Timeout | undefined;
  #deadline: Promise<void> | undefined;
  #forced: ShutdownForcedError | undefined;

  constructor(server: Server, options: DrainOptions) {
    this.#server = server;
    this.#options = options;
    const sockets = this.#sockets;
    const untrack = function untrackConnection(this: HttpSocket): void {
      sockets.delete(this);
    };
    // An HTTPS server writes responses on the TLS socket, which 'secureConnection' gives.
    server.on(server instanceof TlsServer ? 'secureConnection' : 'connection', function trackConnection(socket: HttpSocket) {
      sockets.add(socket);
      socket.once('close', untrack);
    });
  }

  /** Set when the drain had to cut requests short. */
  get forced(): ShutdownForcedError | undefined {
    return this.#forced;
  }

  /** In-flight requests, as `METHOD url`. */
  running(): string[] {
    const list: string[] = [];
    for (const socket of this.#sockets) {
      const res = socket._httpMessage;
      if (res !== null && res !== undefined && !res.writableFinished) list.push(`${res.req.method ?? '?'} ${res.req.url ?? '?'}`);
    }
    return list;
  }

  /** Begin the drain; call it before `server.close()`. */
  start(): void {
    if (this.#deadline !== undefined) return;
    for (const socket of this.#sockets) {
      const res = socket._httpMessage;
      if (res === null || res === undefined) continue;
      if (!res.headersSent) {
        res.setHeader('connection', 'close');
      } else if (!res.writableFinished) {
        // Headers already went out with keep-alive: end the connection once this response is done.
        res.once('finish', () => socket.end());
      }
    }
    // server.close() closes idle connections at once, but a client may already have sent its next request on
    // one. Give such requests a moment to arrive (they are served, with Connection: close), then close the rest.
    const server = this.#server;
    const closeIdle = server.closeIdleConnections;
    server.closeIdleConnections = function deferIdleClose(this: Server) {
      server.closeIdleConnections = closeIdle;
    };
    this.#graceTimer = setTimeout(() => server.closeIdleConnections(), this.#options.idleGrace);
    this.#deadline = new Promise((resolve) => {
      this.#timer = setTimeout(() => {
        this.force('the shutdown timeout');
        resolve();
      }, this.#options.timeout);
    });
  }

  /** Cut every connection now and log what was still running. */
  force(reason: string): void {
    if (this.#forced !== undefined) return;
    this.#forced = new ShutdownForcedError(reason, this.running());
    this.#options.log.error({ err: this.#forced }, this.#forced.message);
    this.#server.closeAllConnections();
  }

  /** Resolves with `work`, or when the timeout passes, whichever is first. */
  async within(work: Promise<void>): Promise<void> {
    if (this.#deadline === undefined) return work;
    return Promise.race([work, this.#deadline]);
  }

  /** Stop the timers; the drain is over. */
  stop(): void {
    clearTimeout(this.#timer);
    clearTimeout(this.#graceTimer);
  }
}
