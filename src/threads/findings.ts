import type { SourceSite } from './site.js';
import type { WorkKind } from './work.js';

/** Work a provider's factory put on the libuv thread pool, or a Worker thread it started. */
export interface OffloadFinding {
  /** What kind of work: `fs`, `dns`, `crypto`, `zlib`, `worker` or `native` (a native addon's async work). */
  readonly kind: WorkKind;
  /** The `async_hooks` resource type, for example `FSREQPROMISE` or `GETADDRINFOREQWRAP`; `Worker` for threads. */
  readonly type: string;
  /** The provider path, from the one asked for down to the factory that started the work. */
  readonly path: readonly string[];
  /** Where the work was started; `undefined` when stacks are not captured. */
  readonly site: SourceSite | undefined;
  /**
   * `during`: started while the factory ran (its sync part or anything it awaited). `after`: started later in the
   * factory's async context (a timer or server it left behind); reported, never thrown.
   */
  readonly phase: 'during' | 'after';
  /**
   * `true` when the factory run was started by `container.boot()` (an eager singleton or what it depends on), so an
   * allow rule `{ when: 'boot' }` can tell connecting at boot from doing the same work for a request.
   */
  readonly boot?: boolean;
  /**
   * For `after`: what did the work, a resource the factory created (directly or not) that keeps its async context:
   * `Timeout` for an interval, `HTTPParser` or `Socket` for a server's requests, `a callback` when unknown.
   */
  readonly by: string | undefined;
  /**
   * OS threads this work started: `0` when it used the warm pool, the pool's size when it started the pool (its
   * first job in the process), `1` for a Worker. `undefined` where it is not known (threads not countable, or
   * `fs.watchFile`, which is counted when it starts).
   */
  readonly newThreads: number | undefined;
}

/** A factory whose synchronous part held the event loop longer than the budget. */
export interface LoopBlockFinding {
  /** The provider path. */
  readonly path: readonly string[];
  /** How long the synchronous part took, in milliseconds of wall-clock time. */
  readonly ms: number;
  /**
   * `ms` minus the time the thread waited for a CPU: what the factory itself held (CPU and sync I/O waits).
   * `undefined` where the OS does not report run-queue waits, and wall-clock time alone decided.
   */
  readonly ownMs: number | undefined;
  /** The budget it exceeded, in milliseconds. */
  readonly budgetMs: number;
}

/** One reading of the OS thread count by the sampler. */
export interface ThreadSample {
  /** Threads now. */
  readonly count: number;
  /** Threads at the previous sample (the first sample repeats itself). */
  readonly previous: number;
  /** The highest count seen before this sample. */
  readonly max: number;
}
