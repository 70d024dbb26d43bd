import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Worker } from 'node:worker_threads';
import { currentRun } from '../threads/context.js';
import { captureSite } from '../threads/site.js';
import type { SourceSite, WorkerFinding } from '../findings/types.js';

interface Entry {
  threadId: number;
  path: readonly string[] | undefined;
  site: SourceSite;
  exited: boolean;
}

/**
 * Hears every Worker started while it listens, from the `worker_threads` diagnostics channel: a running Worker is
 * invisible to handle lists, and one that starts and exits inside the block leaves the thread count unchanged. @internal
 */
export class WorkerTracker {
  readonly #entries: Entry[] = [];
  #listening = false;
  readonly #onWorker = (message: unknown): void => {
    if (!this.#listening) return;
    const worker = (message as { worker: Worker }).worker;
    const entry: Entry = { threadId: worker.threadId, path: currentRun()?.path, site: captureSite(), exited: false };
    worker.once('exit', () => {
      entry.exited = true;
    });
    this.#entries.push(entry);
  };

  start(): void {
    this.#listening = true;
    subscribe('worker_threads', this.#onWorker);
  }

  stopRecording(): void {
    this.#listening = false;
  }

  running(): number {
    return this.#entries.filter((e) => !e.exited).length;
  }

  findings(): WorkerFinding[] {
    return this.#entries.map((e) => ({ ...e }));
  }

  stop(): void {
    this.#listening = false;
    unsubscribe('worker_threads', this.#onWorker);
  }
}
