import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Server as TlsServer } from 'node:tls';
import { ShutdownForcedError, type OpenConnection } from '../errors/fastify.js';
import { describe, dropFinished, end, FRESH_GRACE, peerOf, type Conn } from './connection.js';

/** Where a response keeps its connection's record while it is in progress. */
const kConn = Symbol('loopsafe.drainConnection');
/** Set on the response this drain gave `Connection: close`. */
const kMarked = Symbol('loopsafe.drainMarked');
type Tracked = ServerResponse & { [kConn]?: Conn; [kMarked]?: boolean };
/**
 * Where a TCP socket this drain tracks keeps its record while it is open: each request reads it here, where a map
 * from socket to record cost two lookups per request (`npm run bench:instructions:http`). The drain's own set is
 * for walking every connection.
 */
const kSocketConn = Symbol('loopsafe.drainSocket');
type TrackedSocket = Socket & { [kSocketConn]?: Conn | undefined };

/**
 * Give a connection's latest response `Connection: close`, unless its headers are written already. Only the latest:
 * Node ends the connection after a response that says so, and responses pipelined behind it (their handlers have
 * run) would never be written.
 */
function markLast(res: ServerResponse): void {
  if (res.headersSent) return;
  res.setHeader('connection', 'close');
  (res as Tracked)[kMarked] = true;
}

/** How a drain treats the connections it finds. */
export interface DrainPolicy {
  /** Milliseconds a connection with no request in progress stays open once draining, for a request already on the wire. */
  readonly idleGrace: number;
  /** Milliseconds from `start()` before every remaining connection is cut. */
  readonly timeout: number;
  /** Told once when the drain had to cut connections. */
  readonly onForced?: (error: ShutdownForcedError) => void;
}

const drains = new WeakMap<Server, ConnectionDrain>();

/**
 * The one drain of a server. The Fastify plugin and the cluster worker both ask for it, so a worker's server is
 * tracked once, by one policy. @internal
 */
export function drainOf(server: Server): ConnectionDrain {
  let drain = drains.get(server);
  if (drain === undefined) drains.set(server, (drain = new ConnectionDrain(server)));
  return drain;
}

/**
 * The connections of one HTTP(S) server and their graceful end. Each connection is tracked from its `connection`
 * event with the responses it is writing (seen from the server's `request` event, never from Node's private
 * fields). Once draining: a connection's latest response carries `Connection: close` if it has not started; a connection closes when its last
 * response is done and no next request starts within `idleGrace`; one that never sent a complete request closes
 * after `idleGrace` (or `FRESH_GRACE` from its accept, if later). After `timeout` everything left is cut.
 *
 * Until the drain starts, a request costs a list entry and nothing else: which responses are done is read from
 * `writableFinished` when someone asks (the next request on the connection, `inFlight`, `start()`). Only from
 * `start()` on does each response get a `close` listener, since the drain then acts the moment one is done.
 * (A listener per response was the largest cost loopsafe added to a request: measured, see docs/performance.md.)
 * So a kept-alive connection holds its last response until its next request: Node's response and request objects,
 * nothing of the app's (the request scope drops its link to the response when it is disposed; tested).
 * @internal
 */
export class ConnectionDrain {
  readonly #server: Server;
  readonly #conns = new Set<Conn>();
  /** TLS connections by client address: the request's socket is the TLS socket, not the TCP one tracked. */
  readonly #peers = new Map<string, Conn>();
  #policy: DrainPolicy = { idleGrace: 100, timeout: Infinity };
  readonly #abandoned: ((res: ServerResponse) => void)[] = [];
  #inFlight = 0;
  #draining = false;
  #closing = false;
  #forced: ShutdownForcedError | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly #closed: Promise<void>;
  #resolveClosed!: () => void;

  constructor(server: Server) {
    this.#server = server;
    this.#closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    const tls = server instanceof TlsServer;
    server.on('connection', (socket: Socket) => this.#track(socket, tls));
    if (tls) {
      server.on('secureConnection', (socket: Socket) => {
        const conn = this.#peers.get(peerOf(socket));
        if (conn !== undefined) conn.http = socket;
      });
    }
    // Before the app's own listener, so `Connection: close` is set before any handler can write the response.
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => this.#onRequest(req, res));
  }

  /** Set the policy; the last call before `start()` wins. */
  configure(policy: DrainPolicy): void {
    this.#policy = policy;
  }

  /**
   * Tell `listener` of each response its connection's close left unfinished (the client left, the socket was
   * destroyed): one listener per connection, not per response (`npm run bench:instructions:http`).
   */
  onAbandoned(listener: (res: ServerResponse) => void): void {
    this.#abandoned.push(listener);
  }

  /** True when {@link ConnectionDrain.onAbandoned} will report `res`: it is on a plain TCP connection tracked here. */
  reports(res: ServerResponse): boolean {
    const socket = res.socket as TrackedSocket | null;
    return socket !== null && socket[kSocketConn]?.http === socket;
  }

  /** Requests being answered now. */
  get inFlight(): number {
    if (this.#draining) return this.#inFlight;
    let n = 0;
    for (const conn of this.#conns) {
      dropFinished(conn, true);
      n += conn.responses.length;
    }
    return n;
  }

  /** Connections open now. */
  get connections(): number {
    return this.#conns.size;
  }

  /** True once `announce()` or `start()` has run: shutdown has begun. */
  get closing(): boolean {
    return this.#closing;
  }

  /**
   * Shutdown has begun but connections are still accepted (the accept window, the readiness delay): every
   * response from now on carries `Connection: close`. Nothing is closed yet.
   */
  announce(): void {
    this.#closing = true;
  }

  /** True once `start()` has run. */
  get draining(): boolean {
    return this.#draining;
  }

  /** Set when the drain had to cut connections. */
  get forced(): ShutdownForcedError | undefined {
    return this.#forced;
  }

  /** Every open connection, with its client, state and requests in progress. */
  open(): OpenConnection[] {
    return [...this.#conns].map(describe);
  }

  /** Begin draining (once; later calls do nothing). */
  start(): void {
    if (this.#draining) return;
    this.#draining = true;
    this.#closing = true;
    // http.Server.close() closes idle keep-alive connections at once, racing a request the client may have just
    // sent on one; this drain closes them on its own schedule instead.
    this.#server.closeIdleConnections = function closedByTheDrain() {};
    for (const conn of this.#conns) {
      dropFinished(conn, true);
      for (const res of conn.responses) this.#watch(res, conn);
      const last = conn.responses.at(-1);
      if (last !== undefined) markLast(last);
      this.#settle(conn);
    }
    if (Number.isFinite(this.#policy.timeout)) {
      this.#timer = setTimeout(() => this.force('the shutdown timeout'), this.#policy.timeout);
    }
    this.#checkClosed();
  }

  /** Resolves once draining and every connection is closed. */
  closed(): Promise<void> {
    return this.#closed;
  }

  /** Cut every connection now and report what was still open. */
  force(reason: string): void {
    if (this.#forced !== undefined) return;
    this.#forced = new ShutdownForcedError(reason, this.open());
    this.#policy.onForced?.(this.#forced);
    for (const conn of this.#conns) {
      conn.http?.destroy();
      conn.raw.destroy();
    }
  }

  /** Stop the timeout; the drain is over. */
  stop(): void {
    clearTimeout(this.#timer);
  }

  #track(raw: Socket, tls: boolean): void {
    const conn: Conn = {
      raw, remote: peerOf(raw), acceptedAt: Date.now(), tls, http: tls ? undefined : raw, responses: [], served: 0, readAtRest: 0, readAtLatest: 0, grace: undefined,
    };
    this.#conns.add(conn);
    (raw as TrackedSocket)[kSocketConn] = conn;
    if (tls) this.#peers.set(conn.remote, conn);
    raw.once('close', () => {
      // Before the response's own 'close' (Node's listener on the socket was added after this one).
      for (const res of conn.responses) if (!res.writableFinished) for (const listener of this.#abandoned) listener(res);
      clearTimeout(conn.grace);
      this.#conns.delete(conn);
      (raw as TrackedSocket)[kSocketConn] = undefined; // a closed socket someone keeps does not keep its record
      if (this.#peers.get(conn.remote) === conn) this.#peers.delete(conn.remote);
      this.#checkClosed();
    });
    if (this.#draining) this.#settle(conn);
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    const conn = (req.socket as TrackedSocket)[kSocketConn] ?? this.#peers.get(peerOf(req.socket));
    if (conn === undefined) return;
    conn.http = req.socket;
    // The request itself is kept (as res.req), and described only if a forced shutdown reports it. Draining, the
    // close listeners keep the list (a finished response's listener may have yet to run).
    const list = conn.responses;
    if (!this.#draining && list.length === 1 && list[0]!.writableFinished) {
      // The keep-alive case: the connection's previous response is done and this one takes its place. (Emptying
      // the list and pushing again cost a new backing store per request: measured, most of the drain's cost.)
      conn.served++;
      list[0] = res;
    } else {
      if (!this.#draining && list.length !== 0) dropFinished(conn, false);
      list.push(res);
    }
    conn.readAtLatest = req.socket.bytesRead;
    if (this.#closing) {
      // Pipelined behind a response this drain marked: the mark moves here, unless that one's headers are written.
      const previous = list.length > 1 ? (list[list.length - 2] as Tracked) : undefined;
      if (previous !== undefined && previous[kMarked] === true && !previous.headersSent) {
        previous.removeHeader('connection');
        previous[kMarked] = false;
      }
      markLast(res);
    }
    if (!this.#draining) return;
    clearTimeout(conn.grace);
    conn.grace = undefined;
    this.#watch(res, conn);
  }

  /** Draining: act as soon as `res` is done. */
  #watch(res: ServerResponse, conn: Conn): void {
    this.#inFlight++;
    // One listener shared by every response (`this` is the response): no closure per request, and on(), not once(),
    // which wraps the listener anew each time (a response closes once).
    (res as Tracked)[kConn] = conn;
    res.on('close', this.#onResponseClose);
  }

  readonly #onResponseClose = ((drain: ConnectionDrain) => function onResponseClose(this: ServerResponse): void {
    const conn = (this as Tracked)[kConn];
    const at = conn === undefined ? -1 : conn.responses.indexOf(this);
    if (conn === undefined || at === -1) return;
    conn.responses.splice(at, 1);
    conn.served++;
    conn.readAtRest = this.req.socket.bytesRead;
    drain.#responseDone(conn);
  })(this);

  #responseDone(conn: Conn): void {
    this.#inFlight--;
    if (this.#draining) this.#settle(conn);
  }

  /** While draining: once a connection has nothing in progress, give it a moment for a request on the wire, then end it. */
  #settle(conn: Conn): void {
    if (conn.responses.length > 0 || conn.grace !== undefined) return;
    const { idleGrace } = this.#policy;
    const wait = conn.served > 0 ? idleGrace : Math.max(idleGrace, conn.acceptedAt + FRESH_GRACE - Date.now());
    conn.grace = setTimeout(() => end(conn), wait);
  }

  #checkClosed(): void {
    // The timeout keeps running: work a closed connection left behind (a handler whose client went away) is
    // still bounded by it. Whoever awaits the drain stops it.
    if (this.#draining && this.#conns.size === 0) this.#resolveClosed();
  }
}
