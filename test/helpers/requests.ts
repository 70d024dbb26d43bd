import { request, type Agent } from 'node:http';

/** The outcome of one HTTP request, never a rejection. */
export type Outcome = (
  | { readonly kind: 'response'; readonly status: number; readonly body: string; readonly connection: string | undefined }
  | { readonly kind: 'error'; readonly code: string; readonly reusedSocket: boolean }
) & {
  /** This request opened a new TCP connection and the handshake completed. */
  readonly connected: boolean;
};

/** GET a path on 127.0.0.1; errors become outcomes, so load loops can count them. */
export function get(port: number, path: string, agent: Agent | false, timeout = 10_000): Promise<Outcome> {
  return new Promise((resolve) => {
    let connected = false;
    const req = request({ host: '127.0.0.1', port, path, agent, timeout }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ kind: 'response', status: res.statusCode ?? 0, body, connection: res.headers.connection, connected }));
      res.on('error', (error: NodeJS.ErrnoException) => resolve({ kind: 'error', code: error.code ?? error.message, reusedSocket: req.reusedSocket, connected }));
    });
    req.on('socket', (socket) => {
      if (!req.reusedSocket) socket.once('connect', () => (connected = true));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('request hung'), { code: 'HUNG' })));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ kind: 'error', code: error.code ?? error.message, reusedSocket: req.reusedSocket, connected }));
    req.end();
  });
}

/**
 * GET, retrying once on a fresh connection when a kept-alive socket was closed by the server just as the request
 * went out: the race every HTTP/1.1 client must handle (RFC 9112 section 9.3.1), and what Node's docs recommend.
 * The request was never received, so it was not accepted and not lost.
 */
export async function getRetryingStaleSocket(port: number, path: string, agent: Agent | false): Promise<{ outcome: Outcome; retried: boolean }> {
  const first = await get(port, path, agent);
  if (first.kind === 'error' && first.reusedSocket && (first.code === 'ECONNRESET' || first.code === 'EPIPE')) {
    return { outcome: await get(port, path, false), retried: true };
  }
  return { outcome: first, retried: false };
}
