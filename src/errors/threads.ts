import type { LoopBlockFinding, OffloadFinding } from '../findings/types.js';
import { LoopsafeError, OBSERVER_VERDICT, ResolutionPathError } from './base.js';
import { FIX_HINT, libraryHint, packageOf } from './hints.js';

/**
 * A provider's factory put work on the libuv thread pool (fs, `dns.lookup`, async crypto or zlib) or started a
 * Worker thread, and the thread monitor runs in mode `throw`. `work` lists what it did and where.
 */
export class ThreadOffloadError extends ResolutionPathError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_THREAD_OFFLOAD';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = ThreadOffloadError.code;
  override name = 'ThreadOffloadError' as const;
  /** The offending work, each with its kind, resource type and source site. */
  readonly work: readonly OffloadFinding[];
  /** @internal */
  readonly [OBSERVER_VERDICT] = true;

  constructor(path: readonly string[], work: readonly OffloadFinding[], options?: ErrorOptions) {
    const name = path[path.length - 1] ?? '?';
    const first = work[0];
    const kinds = [...new Set(work.map((w) => w.kind))];
    // No file paths in the message: it may reach an HTTP client. The source lines are in `work[].site`.
    const counts = new Map<string, number>();
    for (const w of work) counts.set(describe(w), (counts.get(describe(w)) ?? 0) + 1);
    const detail = [...counts].map(([line, n]) => (n > 1 ? `${line} x${n}` : line)).join('; ');
    const pkg = packageOf(first?.site?.library);
    const fix = first === undefined ? '' : pkg !== undefined ? libraryHint(pkg) : FIX_HINT[first.kind];
    const then = options?.cause === undefined ? '' : ', then it failed or timed out (see the cause)';
    super(
      path,
      `The factory of ${name} put work off the event loop: ${detail}${then}`,
      `Resolution must stay on the main event loop: ${fix}` +
        `${kinds.length > 1 ? ' (and likewise for the other kinds)' : ''}. The source lines are in the error's \`work\`; ` +
        "use the monitor's mode 'warn' to report without failing.",
      options,
    );
    this.work = work;
  }
}

/** One piece of work for a message: kind, type, what it cost in threads, and the package it came from. */
function describe(w: OffloadFinding): string {
  const pkg = packageOf(w.site?.library);
  const threads = w.kind === 'worker' ? 'a new Worker thread' : w.newThreads === undefined ? undefined
    : w.newThreads > 0 ? `started the pool: ${w.newThreads} new OS threads` : 'on the warm pool';
  return `${w.kind} (${w.type}${threads === undefined ? '' : `, ${threads}`})${pkg === undefined ? '' : ` inside the package ${pkg}`}`;
}

/**
 * In mode `throw`, work a factory started was found after its run had settled (a promise it did not await, a timer,
 * a native call left running), so it could not fail that resolution. The provider's next run fails with this error
 * instead, and `monitor.assertClean()` throws it. `work` lists what was found.
 */
export class LateOffloadError extends ResolutionPathError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_THREAD_LATE_OFFLOAD';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = LateOffloadError.code;
  override name = 'LateOffloadError' as const;
  /** The late work, each with its kind, resource type and source site. */
  readonly work: readonly OffloadFinding[];
  /** @internal */
  readonly [OBSERVER_VERDICT] = true;

  constructor(path: readonly string[], work: readonly OffloadFinding[]) {
    const name = path[path.length - 1] ?? '?';
    const detail = [...new Set(work.map(describe))].join('; ');
    super(
      path,
      `Work the factory of ${name} started ran off the event loop after the factory had settled: ${detail}`,
      'Await the work inside the factory (so it fails the resolution it belongs to), or start it outside resolution; ' +
        "the source lines are in the error's `work`.",
    );
    this.work = work;
  }
}

/** A factory's synchronous part held the event loop longer than the monitor's `loopBlockBudgetMs`, in mode `throw`. */
export class LoopBlockedError extends ResolutionPathError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_THREAD_LOOP_BLOCKED';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = LoopBlockedError.code;
  override name = 'LoopBlockedError' as const;
  /** How long the synchronous part took, and the budget. */
  readonly finding: LoopBlockFinding;
  /** @internal */
  readonly [OBSERVER_VERDICT] = true;

  constructor(path: readonly string[], finding: LoopBlockFinding, options?: ErrorOptions) {
    const name = path[path.length - 1] ?? '?';
    super(
      path,
      `The factory of ${name} held the event loop for ${finding.ms.toFixed(1)} ms (budget ${finding.budgetMs} ms)`,
      'Move the heavy synchronous work before boot (an eager singleton built once), split it with awaits, or raise loopBlockBudgetMs.',
      options,
    );
    this.finding = finding;
  }
}

/** The OS thread count was asked for on a platform that has no source for it (it needs Linux `/proc/self/task`). */
export class ThreadCountUnsupportedError extends LoopsafeError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_THREAD_COUNT_UNSUPPORTED';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = ThreadCountUnsupportedError.code;
  override name = 'ThreadCountUnsupportedError' as const;

  constructor(platform: string, source: string) {
    super(
      `Cannot count OS threads on ${platform}: ${source} does not exist here, and loopsafe will not guess. ` +
        'Attribution of thread-pool work still works; run thread-count checks and the sampler on Linux.',
    );
  }
}
