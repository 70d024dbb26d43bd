import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/** What one raw client that sent a full GET saw. */
export interface QueuedOutcome {
  /** The status of a complete response (headers and the whole body as Content-Length says), or undefined. */
  readonly status: number | undefined;
  /** The response's Connection header, lower-cased. */
  readonly connection: string | undefined;
  /** The socket error, if the connection failed (ECONNRESET, EPIPE, ...). */
  readonly error: string | undefined;
}

/** A client whose TCP handshake is done and whose request is written (or buffered, for TLS, until the handshake). */
export interface QueuedClient {
  readonly outcome: Promise<QueuedOutcome>;
}

function parse(text: string): { status: number; connection: string | undefined } | undefined {
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const head = text.slice(0, end).split('\r\n');
  const status = /^HTTP\/1\.1 (\d{3})/.exec(head[0] ?? '');
  const header = (name: string): string | undefined =>
    head.find((l) => l.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1).trim().toLowerCase();
  const length = Number(header('content-length') ?? NaN);
  if (status === null || !Number.isInteger(length) || Buffer.byteLength(text.slice(end + 4)) < length) return undefined;
  return { status: Number(status[1]), connection: header('connection') };
}

/**
 * Open a connection to 127.0.0.1:port (TLS if `tls`) and send one full `GET path`. Resolves once the TCP handshake
 * is done: while the server's loop is blocked the kernel completes it and queues the connection.
 */
export function queuedClient(port: number, path: string, tls: boolean): Promise<QueuedClient> {
  return new Promise((resolve, reject) => {
    const socket: Socket = tls
      ? tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false })
      : netConnect({ host: '127.0.0.1', port });
    let data = '';
    let error: string | undefined;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    const outcome = new Promise<QueuedOutcome>((done) => socket.once('close', () => {
      const response = parse(data);
      done({ status: response?.status, connection: response?.connection, error });
    }));
    socket.once('error', reject);
    // 'connect' is the TCP handshake, for a TLS socket too; its request is buffered until the TLS handshake is done.
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', (e: NodeJS.ErrnoException) => (error ??= e.code ?? e.message));
      socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
      resolve({ outcome });
    });
  });
}

/** Try a new TCP connection: 'connected', or the error code (ECONNREFUSED once nothing listens). */
export function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = netConnect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}
