import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Worker } from 'node:cluster';
import type { ToWorker } from './messages.js';

const CONN: ToWorker = { loopsafe: 'conn' };

/**
 * The primary's listening socket, and the round-robin hand-off of each accepted connection to a ready worker.
 * The primary owns the port (as node:cluster's own scheduler does), which lets shutdown close it first: from that
 * moment new connections are refused by the kernel, while workers still finish what they hold.
 * @internal
 */
export class Dispatcher {
  readonly #server: Server;
  readonly #ready: Worker[] = [];
  readonly #waiting: Socket[] = [];
  #next = 0;
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
    for (const socket of this.#waiting.splice(0)) this.#dispatch(socket);
  }

  /** A worker is draining or gone: it gets no more connections. */
  remove(worker: Worker): void {
    const i = this.#ready.indexOf(worker);
    if (i !== -1) this.#ready.splice(i, 1);
  }

  /**
   * Stop accepting: the listening socket closes now, so further connection attempts are refused. Connections
   * still waiting for a worker go to `fallback` if there is one, or are closed. (Connections the kernel completed
   * but nobody accepted yet, in the listen backlog at this instant, are reset by the kernel: a race every server
   * that closes its port has; load balancers avoid it by draining an instance before stopping it.)
   */
  close(fallback: Worker | undefined): void {
    if (this.#server.listening) this.#server.close();
    for (const socket of this.#waiting.splice(0)) {
      if (fallback === undefined) socket.destroy();
      else fallback.send(CONN, socket as never);
    }
  }

  #dispatch(socket: Socket): void {
    const ready = this.#ready;
    if (ready.length === 0) {
      // Every worker is being replaced: hold the connection (unread) until one is ready.
      this.#waiting.push(socket);
      return;
    }
    const worker = ready[this.#next++ % ready.length]!;
    worker.send(CONN, socket as never, (error: Error | null) => {
      if (error === null) return;
      // The worker died between being picked and receiving it; if the socket is still ours, pick another.
      this.remove(worker);
      if (!socket.destroyed) this.#dispatch(socket);
    });
  }
}
