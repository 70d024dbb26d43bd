import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Serve a connection the primary accepted, as if the worker's own server had accepted it: the socket options
 * http.Server gives its connections, then its `connection` event, which starts HTTP parsing and the drain's
 * tracking. The server never listens, so the drain (not `server.close()`) is what waits for these connections.
 * @internal
 */
export function adopt(server: Server, socket: Socket): void {
  const options = server as Server & { noDelay?: boolean; keepAlive?: boolean; keepAliveInitialDelay?: number };
  if (options.noDelay !== false) socket.setNoDelay(true);
  // net.Server keeps keepAliveInitialDelay in seconds (for its handle); socket.setKeepAlive() takes milliseconds.
  if (options.keepAlive === true) socket.setKeepAlive(true, (options.keepAliveInitialDelay ?? 0) * 1000);
  server.emit('connection', socket);
}
