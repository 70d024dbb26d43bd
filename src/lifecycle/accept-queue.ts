import type { Server } from 'node:net';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';

/**
 * How long, beyond its minimum (`quiet`), the accept window may wait for a moment with nothing to accept, however
 * steadily new clients keep arriving. @internal
 */
export const ACCEPT_WINDOW_MAX = 1000;

/** How often the window looks at what was accepted; the loop accepts (and serves) in between. */
const LOOK_EVERY = 10;

/** How the accept window closes. @internal */
export interface AcceptWindow {
  /**
   * Milliseconds the window stays open at least, for clients whose handshake was completing when shutdown began;
   * after that it closes at the first two loop turns in a row with nothing accepted.
   */
  readonly quiet: number;
  /**
   * Milliseconds after which the window closes anyway, even while clients are still arriving (they came after the
   * shutdown began); more than `quiet`, or the queue is never looked at once the minimum is over.
   */
  readonly bound: number;
}

/**
 * Resolves once the kernel's accept queue of `server` has been observed empty (after at least `quiet` ms), or after
 * `bound` ms, so closing the listener afterwards resets none of the connections that were waiting when shutdown
 * began.
 *
 * The listener keeps accepting meanwhile, and one accept pass is not enough: libuv (Node 24 on Linux, measured)
 * accepts one pending connection per loop turn and reads it before the next, so a process whose loop was blocked
 * when the signal came empties its queue over as many turns as connections waited (20 queued connections took 20
 * turns, about 30 ms, on a loaded 2-core machine). The listener is polled every turn and stays readable while the
 * queue holds anything, and the queue is first in, first out: two turns in a row with no `connection` event mean
 * everything queued before the signal has been accepted. Clients arriving later are served too while the window
 * lasts; the ones arriving after it are refused (or, in the instant the listener closes, reset by the kernel: no
 * server can close a port that clients are still connecting to without that race). @internal
 */
export async function acceptQueued(server: Server, window: AcceptWindow): Promise<void> {
  if (!server.listening) return;
  const start = Date.now();
  let accepted = 0;
  const count = (): void => void accepted++;
  server.on('connection', count);
  try {
    for (;;) {
      const seen = accepted;
      // Two turns: the signal may be handled in the same poll phase as the listener, or before it.
      await nextTurn();
      await nextTurn();
      const now = Date.now();
      if (accepted === seen && now - start >= window.quiet) return;
      if (now - start >= window.bound) return;
      if (accepted !== seen) continue; // still emptying the queue: look again at once
      await sleep(Math.min(LOOK_EVERY, Math.max(1, window.quiet)));
    }
  } finally {
    server.off('connection', count);
  }
}
