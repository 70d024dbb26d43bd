import { connect, type Socket } from 'node:net';

/** A raw TCP client: what it received, and whether the server closed it. */
export interface RawClient {
  readonly socket: Socket;
  /** The client's own port: the server reports the connection as `127.0.0.1:<localPort>`. */
  readonly localPort: number;
  /** Everything received so far. */
  received(): string;
  /** Resolves when the connection is closed (by the server, for these tests). */
  readonly closed: Promise<void>;
}

/** Connect to 127.0.0.1:port and write `payload` (nothing for a silent client); resolves once the bytes are sent. */
export function rawClient(port: number, payload = ''): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => {}); // a reset is seen as 'close'
      const client = { socket, localPort: socket.localPort!, received: () => data, closed };
      if (payload === '') resolve(client);
      else socket.write(payload, () => resolve(client));
    });
  });
}

/** The status code of the first HTTP response in `text`, or undefined. */
export function statusOf(text: string): number | undefined {
  const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
  return match === null ? undefined : Number(match[1]);
}
