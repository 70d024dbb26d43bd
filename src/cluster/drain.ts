import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** A connection the primary handed over: its open responses, and whether it has served anything yet. */
interface Conn {
  readonly responses: Set<ServerResponse>;
  served: number;
  grace: NodeJS.Timeout | undefined;
}

interface CountedServer {
  _connections: number;
}

/**
 * The connections of one worker's HTTP server, and their graceful end. The server never listens itself (the
 * primary owns the port), so Node's own idle-connection tracking does not run; this does the same job:
 * on drain, responses carry `Connection: close`; sockets still answering end after their response; an idle
 * keep-alive socket gets `idleGrace` ms, because its client may have sent the next request already (it is served,
 * with `Connection: close`); a fresh socket whose first request has not arrived yet gets `freshGrace` ms.
 * @internal
 */
export class ConnectionTracker {
  readonly #server: Server;
  readonly #idleGrace: number;
  readonly #freshGrace: number;
  readonly #conns = new Map<Socket, Conn>();
  #inFlight = 0;
  #draining = false;
  #drained: (() => void) | undefined;

  constructor(server: Server, idleGrace: number, freshGrace: number) {
    this.#server = server;
    this.#idleGrace = idleGrace;
    this.#freshGrace = freshGrace;
    // Before the app's own listener, so the header is set before any handler can write the response.
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => this.#onRequest(req, res));
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get connections(): number {
    return this.#conns.size;
  }

  /** Serve a connection the primary accepted. */
  adopt(socket: Socket): void {
    // What net.Server does for connections it accepts itself, so that server.close() (and app.close()) waits for it.
    const server = this.#server as Server & CountedServer;
    server._connections++;
    (socket as Socket & { server: Server; _server: Server }).server = server;
    (socket as Socket & { _server: Server })._server = server;
    // The socket options net.Server applies to the connections it accepts (http.Server turns noDelay on).
    const options = server as Server & { noDelay?: boolean; keepAlive?: boolean; keepAliveInitialDelay?: number };
    if (options.noDelay !== false) socket.setNoDelay(true);
    if (options.keepAlive === true) socket.setKeepAlive(true, options.keepAliveInitialDelay ?? 0);
    const conn: Conn = { responses: new Set(), served: 0, grace: undefined };
    this.#conns.set(socket, conn);
    socket.once('close', () => {
      if (conn.grace !== undefined) clearTimeout(conn.grace);
      this.#conns.delete(socket);
      if (this.#draining && this.#conns.size === 0) this.#drained?.();
    });
    server.emit('connection', socket);
    if (this.#draining) this.#settle(socket, conn);
  }

  /** Finish every open request and close every connection; resolves when none is left. */
  drain(): Promise<void> {
    this.#draining = true;
    const done = new Promise<void>((resolve) => (this.#drained = resolve));
    for (const [socket, conn] of this.#conns) {
      for (const res of conn.responses) if (!res.headersSent) res.setHeader('connection', 'close');
      this.#settle(socket, conn);
    }
    if (this.#conns.size === 0) this.#drained!();
    return done;
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    const socket = req.socket;
    const conn = this.#conns.get(socket);
    if (conn === undefined) return;
    if (conn.grace !== undefined) {
      clearTimeout(conn.grace);
      conn.grace = undefined;
    }
    conn.responses.add(res);
    this.#inFlight++;
    if (this.#draining) res.setHeader('connection', 'close');
    res.once('close', () => {
      conn.responses.delete(res);
      conn.served++;
      this.#inFlight--;
      if (this.#draining) this.#settle(socket, conn);
    });
  }

  /** During a drain: give an idle connection a moment for a request already on the wire, then end it. */
  #settle(socket: Socket, conn: Conn): void {
    if (conn.responses.size > 0) return;
    const grace = conn.served > 0 ? this.#idleGrace : this.#freshGrace;
    conn.grace ??= setTimeout(() => close(socket, this.#freshGrace), grace);
  }
}

/** End a socket politely (FIN after what was written); destroy it if the peer does not close its side in time. */
function close(socket: Socket, grace: number): void {
  socket.end();
  socket.setTimeout(grace, () => socket.destroy());
}
