import type { Server } from 'node:net';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';

/** How long the accept window may stay open at most, however steadily new clients keep arriving. @internal */
export const ACCEPT_WINDOW_MAX = 1000;

/** How often the window looks at what was accepted; the loop accepts (and serves) in between. */
const LOOK_EVERY = 10;

/** How the accept window closes. @internal */
export interface AcceptWindow {
  /** Milliseconds with no connection accepted (and at least two loop turns) that count as an empty accept queue. */
  readonly quiet: number;
  /** Milliseconds after which the window closes anyway: clients still arriving then came after the shutdown began. */
  readonly bound: number;
}

/**
 * Resolves once the kernel's accept queue of `server` has been observed empty for `quiet` ms, or after `bound` ms,
 * so closing the listener afterwards resets none of the connections that were waiting when shutdown began.
 *
 * The listener keeps accepting meanwhile, and one accept pass is not enough: libuv (Node 22 and 24 on Linux)
 * accepts one pending connection per loop turn and reads it before the next, so a process whose loop was blocked
 * when the signal came finds its queue emptied over as many turns as connections waited (20 queued connections
 * took 20 turns, about 30 ms, on a loaded 2-core machine). A turn with no `connection` event means the listener
 * polled not readable: the queue was empty. Waiting `quiet` ms more covers a client whose handshake was still
 * completing. @internal
 */
export async function acceptQueued(server: Server, window: AcceptWindow): Promise<void> {
  if (!server.listening) return;
  const start = Date.now();
  let lastAccept = start;
  let accepted = 0;
  const count = (): void => {
    accepted++;
    lastAccept = Date.now();
  };
  server.on('connection', count);
  try {
    for (;;) {
      const seen = accepted;
      // Two turns: the signal may be handled in the same poll phase as the listener, or before it.
      await nextTurn();
      await nextTurn();
      const now = Date.now();
      if (now - start >= window.bound) return;
      if (accepted === seen && now - lastAccept >= window.quiet) return;
      await sleep(Math.min(LOOK_EVERY, Math.max(1, window.quiet)));
    }
  } finally {
    server.off('connection', count);
  }
}
