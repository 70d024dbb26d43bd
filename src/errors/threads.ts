import { OBSERVER_VERDICT } from '../resolution/observer.js';
import type { LoopBlockFinding, OffloadFinding } from '../threads/findings.js';
import { formatSite } from '../threads/site.js';
import { FIX_HINT } from '../threads/work.js';
import { LoopsafeError, ResolutionPathError } from './base.js';

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

  constructor(path: readonly string[], work: readonly OffloadFinding[]) {
    const name = path[path.length - 1] ?? '?';
    const first = work[0];
    const kinds = [...new Set(work.map((w) => w.kind))];
    const counts = new Map<string, number>();
    for (const w of work) {
      const line = `${w.kind} (${w.type}) ${formatSite(w.site)}`;
      counts.set(line, (counts.get(line) ?? 0) + 1);
    }
    const detail = [...counts].map(([line, n]) => (n > 1 ? `${line} x${n}` : line)).join('; ');
    super(
      path,
      `The factory of ${name} put work off the event loop: ${detail}`,
      `Resolution must stay on the main event loop: ${first === undefined ? '' : FIX_HINT[first.kind]}` +
        `${kinds.length > 1 ? ' (and likewise for the other kinds)' : ''}. Use the monitor's mode 'warn' to report without failing.`,
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

  constructor(path: readonly string[], finding: LoopBlockFinding) {
    const name = path[path.length - 1] ?? '?';
    super(
      path,
      `The factory of ${name} held the event loop for ${finding.ms.toFixed(1)} ms (budget ${finding.budgetMs} ms)`,
      'Move the heavy synchronous work before boot (an eager singleton built once), split it with awaits, or raise loopBlockBudgetMs.',
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
