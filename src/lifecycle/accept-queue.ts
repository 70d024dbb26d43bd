import type { Server } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';

const MAX_TURNS = 8;

/**
 * Resolves once the connections already waiting in the kernel's accept queue have been accepted, so closing the
 * listener afterwards resets none of them. When the listening socket polls readable, libuv accepts every pending
 * connection at once; after a full event loop turn with no new `connection` event, the queue is empty. A process
 * that was busy when the signal came (the signal and the queued connections wake the same loop turn) thus still
 * serves everyone who connected before the signal. @internal
 */
export async function acceptQueued(server: Server): Promise<void> {
  if (!server.listening) return;
  let accepted = 0;
  const count = (): void => void accepted++;
  server.on('connection', count);
  try {
    // Two turns at least: the signal may be handled in the same poll phase as the listener, or before it. A bounded
    // number: under steady load new clients keep arriving, and those came after the signal.
    for (let seen = -1, turns = 0; seen !== accepted && turns < MAX_TURNS; turns++) {
      seen = accepted;
      await nextTurn();
      await nextTurn();
    }
  } finally {
    server.off('connection', count);
  }
}
