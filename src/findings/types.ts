/**
 * The shapes of what the thread monitor and the leak check find, as plain data. They sit at the ground, beside
 * the errors: errors/ carries them (a ThreadOffloadError's work, a ThreadLeakError's report), threads/ and
 * testing/ fill them in, and none of those has to import another to name them.
 */

/**
 * What kind of off-loop work an async resource stands for. `native`: an async resource of a type Node does not
 * define (a native addon's N-API async work, such as `bcrypt:CompareAsyncWorker` or `argon2:HashWorker`), whose
 * callback came back: addons run such work on the libuv pool.
 */
export type WorkKind = 'fs' | 'dns' | 'crypto' | 'zlib' | 'worker' | 'native';

/** Where a piece of work was started: the user's frame, and the library's frame when a dependency started it. */
export interface SourceSite {
  /** The first frame outside Node internals, loopsafe and `node_modules`: `/app/src/db.ts:12:9`. */
  readonly user: string | undefined;
  /** The first frame inside `node_modules`, when it comes before the user's frame. */
  readonly library: string | undefined;
}

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

/** A handle a block opened: a timer, socket, server, child process, watcher. */
export interface HandleFinding {
  /** The `async_hooks` type: `Timeout`, `TCPSERVERWRAP`, `TCPWRAP`, `PIPEWRAP`, `FSEVENTWRAP`, ... */
  readonly type: string;
  /** The provider path when a factory opened it. */
  readonly path: readonly string[] | undefined;
  /** Where it was opened. */
  readonly site: SourceSite;
}

/** A Worker thread started during a block. */
export interface WorkerFinding {
  /** The Worker's thread id. */
  readonly threadId: number;
  /** The provider path when a factory started it; `undefined` for test code. */
  readonly path: readonly string[] | undefined;
  /** Where it was started. */
  readonly site: SourceSite;
  /** True when it had exited by the time the check ended. */
  readonly exited: boolean;
}

/** What a thread-leak check saw. `ok` is the verdict; the rest says why, as data tests can assert on. */
export interface LeakReport {
  /** The test's title, when the ava sugar or the `title` option gave one. */
  readonly title: string | undefined;
  /** True when nothing leaked. */
  readonly ok: boolean;
  /** OS threads before and after the block (after settling), or `undefined` where they cannot be counted. */
  readonly threads: ThreadCounts | undefined;
  /** Thread-pool work and Workers attributed to a provider's factory. Any entry fails the check. */
  readonly offloads: readonly OffloadFinding[];
  /**
   * Work done during the block by resources that factories created before it (a singleton's server answering a
   * request, an interval): they carry their factory's async context, but did not start in the block. Listed only.
   */
  readonly earlierOffloads: readonly OffloadFinding[];
  /** Every Worker started in the block. One still running, or started by a factory, fails the check. */
  readonly workers: readonly WorkerFinding[];
  /** Handles the block opened that are still open and keep the process alive. Any entry fails the check. */
  readonly handles: readonly HandleFinding[];
  /** Handles the block opened that are still open but unref'd (keep-alive sockets, unref'd timers). Listed only. */
  readonly unrefHandles: readonly HandleFinding[];
  /** Factories over a monitor's loop-block budget. Listed only. */
  readonly loopBlocks: readonly LoopBlockFinding[];
  /**
   * Containers created before the block without a thread monitor, still alive at its end: whatever they resolved
   * during the block was not checked (the ava sugar logs it on a pass).
   */
  readonly unmonitoredContainers: number;
  /** What the check could not see, so that silence is never ambiguous. */
  readonly notChecked: readonly string[];
  /** How long the check waited after the block for threads and handles to finish closing, in ms. */
  readonly settledMs: number;
  /** Facts that change the verdict. */
  readonly environment: LeakEnvironment;
}

/** OS threads around a leak-check block. */
export interface ThreadCounts {
  /** Threads before the block (after starting the pool). */
  readonly before: number;
  /** Threads after the block, once settled. */
  readonly after: number;
  /** Names of the threads that were not there before (data only: Node 20 names every thread `node`). */
  readonly added: readonly string[] | undefined;
}

/** Facts about the process that change what a leak check can see. */
export interface LeakEnvironment {
  /** `process.version`. */
  readonly node: string;
  /** `process.platform`. */
  readonly platform: string;
  /** Whether thread names could be read. */
  readonly threadNames: boolean;
}
