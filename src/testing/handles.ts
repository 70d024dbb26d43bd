import { createHook, executionAsyncId } from 'node:async_hooks';
import { currentRun } from '../threads/context.js';
import { captureStack, pickSite } from '../threads/site.js';
import type { HandleFinding } from '../findings/types.js';

// Workers are reported from the worker_threads channel; their message ports would only repeat them.
const TRACKED = new Set([
  'Timeout', 'TCPWRAP', 'TCPSERVERWRAP', 'PIPEWRAP', 'PIPESERVERWRAP', 'UDPWRAP', 'PROCESSWRAP', 'SIGNALWRAP',
  'FSEVENTWRAP', 'STATWATCHER', 'FILEHANDLE', 'TTYWRAP', 'HTTP2SESSION', 'QUIC_ENDPOINT',
]);

interface Entry {
  readonly type: string;
  readonly resource: { hasRef?: () => boolean; _destroyed?: boolean; fd?: number };
  readonly path: readonly string[] | undefined;
  readonly stack: { stack?: string };
  readonly tick: { stack?: string } | undefined;
}

/**
 * Records the handles opened while it listens, and tells which are still open later. Closing is read from the
 * `destroy` hook and the handle itself (`hasRef()`, a Timeout's `_destroyed`), so no handle is kept open by us;
 * the entries hold the resource objects only until the check ends. @internal
 */
export class HandleTracker {
  readonly #entries = new Map<number, Entry>();
  // Stacks of nextTick callbacks queued in the block: `server.listen(port, host)` opens its handle from one.
  readonly #ticks = new Map<number, { stack?: string }>();
  #listening = false;
  /** The block's epoch: handles opened by the activity of a run that started before it are not the block's. */
  #epoch = Infinity;
  readonly #hook = createHook({
    trackPromises: false,
    init: (asyncId, type, _trigger, resource) => {
      if (!this.#listening) return;
      if (type === 'TickObject') {
        this.#ticks.set(asyncId, captureStack()); // unformatted until a handle needs it
        return;
      }
      if (!TRACKED.has(type)) return;
      const run = currentRun();
      if (run !== undefined && run.epoch < this.#epoch) return; // a singleton's server or interval, built before
      const path = run?.path;
      const tick = this.#ticks.get(executionAsyncId());
      this.#entries.set(asyncId, { type, resource: resource as Entry['resource'], path, stack: captureStack(), tick });
    },
    destroy: (asyncId) => {
      this.#entries.delete(asyncId);
      this.#ticks.delete(asyncId);
    },
  });

  start(epoch: number): void {
    this.#epoch = epoch;
    this.#listening = true;
    this.#hook.enable();
  }

  /** Stop recording new handles; keep hearing about the recorded ones closing. */
  stopRecording(): void {
    this.#listening = false;
  }

  /** Handles still open, split by whether they keep the process alive. */
  open(): { refed: HandleFinding[]; unrefed: HandleFinding[] } {
    const refed: HandleFinding[] = [];
    const unrefed: HandleFinding[] = [];
    for (const [id, entry] of this.#entries) {
      const { resource } = entry;
      // A fired or cleared Timeout, or a closed FileHandle, gets its destroy hook late (or at GC): read its state.
      if ((entry.type === 'Timeout' && resource._destroyed === true) || (entry.type === 'FILEHANDLE' && (resource.fd ?? 0) < 0)) {
        this.#entries.delete(id);
        continue;
      }
      let site = pickSite(entry.stack.stack ?? '');
      if (site.user === undefined && entry.tick !== undefined) site = pickSite(entry.tick.stack ?? '');
      const finding: HandleFinding = { type: entry.type, path: entry.path, site };
      const hasRef = typeof resource.hasRef === 'function' ? resource.hasRef() : true;
      (hasRef === false ? unrefed : refed).push(finding);
    }
    return { refed, unrefed };
  }

  stop(): void {
    this.#listening = false;
    this.#hook.disable();
    this.#entries.clear();
    this.#ticks.clear();
  }
}
