import { existsSync } from 'node:fs';

/**
 * Block this process's event loop, as a long synchronous handler or a GC pause would: for at least `minMs`, and
 * until the file `release` exists (a test creates it once its clients are connected, so a slow machine cannot end
 * the block before they are queued), at most 10 s. Prints `{ type: 'blocking' }` first, synchronously.
 */
export function blockLoop(minMs: number, release: string | undefined): void {
  process.stdout.write(`${JSON.stringify({ type: 'blocking', msg: 'blocking', at: Date.now() })}\n`);
  const start = Date.now();
  for (;;) {
    const now = Date.now();
    if (now - start >= 10_000) return;
    if (now - start >= minMs && (release === undefined || existsSync(release))) return;
  }
}
