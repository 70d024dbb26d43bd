import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Worker } from 'node:cluster';
import { acceptQueued, type AcceptWindow } from '../lifecycle/accept-queue.js';

/**
 * The primary's listening socket, and the round-robin hand-off of each accepted connection to a ready worker.
 * The primary owns the port (as node:cluster's own scheduler does), which lets shutdown close it first: from that
 * moment new connections are refused by the kernel, while workers still finish what they hold.
 *
 * Like node:cluster's scheduler, the primary keeps its copy of a connection until the worker confirms it adopted
 * it. A worker that dies first gives its unconfirmed connections back, and they go to another worker: Node's own
 * handle queue would otherwise keep them open in the primary forever, and their clients would hang.
 * @internal
 */
export class Dispatcher {
  readonly #server: Server;
  readonly #ready: Worker[] = [];
  readonly #waiting: Socket[] = [];
  readonly #unconfirmed = new Map<Worker, Map<number, Socket>>();
  #next = 0;
  #serial = 0;
  #accepted = 0;

  constructor() {
    // Paused: the primary never reads a byte; the worker that gets the socket reads the request.
    this.#server = createServer({ pauseOnConnect: true }, (socket) => {
      this.#accepted++;
      this.#dispatch(socket);
    });
  }

  /** Connections accepted so far. */
  get accepted(): number {
    return this.#accepted;
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen({ port, host }, () => {
        this.#server.off('error', reject);
        resolve(this.#server.address() as AddressInfo);
      });
    });
  }

  /** A worker is ready: it takes its share from now on, starting with connections that waited for one. */
  add(worker: Worker): void {
    this.#ready.push(worker);
    this.#unconfirmed.set(worker, new Map());
    for (const socket of this.#waiting.splice(0)) this.#dispatch(socket);
  }

  /** A worker is draining: it gets no more connections. */
  remove(worker: Worker): void {
    const i = this.#ready.indexOf(worker);
    if (i !== -1) this.#ready.splice(i, 1);
  }

  /** A worker confirmed it adopted connection `id`: the primary closes its own copy (not the connection). */
  confirmed(worker: Worker, id: number): void {
    const pending = this.#unconfirmed.get(worker);
    const socket = pending?.get(id);
    if (socket === undefined) return;
    pending!.delete(id);
    socket.destroy();
  }

  /** A worker is gone: connections it never confirmed go to another worker. */
  gone(worker: Worker): void {
    this.remove(worker);
    const pending = this.#unconfirmed.get(worker);
    this.#unconfirmed.delete(worker);
    for (const socket of pending?.values() ?? []) this.#dispatch(socket);
  }

  /**
   * Resolves once the connections the kernel holds for the port have been accepted and handed to workers (see
   * {@link acceptQueued}): closing the listener afterwards resets none of those waiting when shutdown began.
   */
  acceptQueued(window: AcceptWindow): Promise<void> {
    return acceptQueued(this.#server, window);
  }

  /**
   * Stop accepting: the listening socket closes now, so further connection attempts are refused. Connections
   * that were waiting for a worker go to a ready one. (A connection whose handshake completes in the instant
   * between the last accept and this close is reset by the kernel; `acceptQueued()` first makes that instant
   * one where the queue was just seen empty.)
   */
  close(): void {
    if (this.#server.listening) this.#server.close();
    for (const socket of this.#waiting.splice(0)) this.#dispatch(socket);
  }

  #dispatch(socket: Socket): void {
    const ready = this.#ready;
    if (ready.length === 0) {
      // Every worker is being replaced: hold the connection (unread) until one is ready. Once the port is closed
      // no worker will come, so close it instead of leaving the client waiting.
      if (this.#server.listening) this.#waiting.push(socket);
      else socket.destroy();
      return;
    }
    const worker = ready[this.#next++ % ready.length]!;
    const id = ++this.#serial;
    this.#unconfirmed.get(worker)!.set(id, socket);
    // keepOpen: the worker gets a duplicate; the primary's copy closes when the worker confirms.
    worker.send({ loopsafe: 'conn', id }, socket as never, { keepOpen: true }, (error: Error | null) => {
      if (error !== null) this.gone(worker);
    });
  }
}
