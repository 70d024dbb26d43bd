import { LoopsafeError } from './base.js';
import type { LeakReport } from '../findings/types.js';

/** `assertNoThreadLeaks()` found threads, thread-pool work or handles the block left behind. `report` has the data. */
export class ThreadLeakError extends LoopsafeError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_THREAD_LEAK';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = ThreadLeakError.code;
  override name = 'ThreadLeakError' as const;
  /** The full report, as data: what leaked, where it came from, what was not checked. */
  readonly report: LeakReport;

  constructor(report: LeakReport, text: string) {
    super(text);
    this.report = report;
  }
}

/**
 * The leak check ran where it cannot give a true answer: inside a worker thread (ava's default runs every test file
 * as a worker thread of one process, so threads and the pool are shared with other files).
 */
export class SharedProcessError extends LoopsafeError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_TESTING_SHARED_PROCESS';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = SharedProcessError.code;
  override name = 'SharedProcessError' as const;

  constructor(threadId: number) {
    super(
      `The thread-leak check cannot run in worker thread ${threadId}: OS threads and the libuv pool belong to the ` +
        'whole process, which other test files share, so any verdict would be luck. Run each test file in its own ' +
        'process. ava: add `"workerThreads": false` to the "ava" section of package.json (or pass --no-worker-threads). ' +
        "vitest: pool: 'forks'. node --test: keep the default process isolation.",
    );
  }
}

/** Two leak-check blocks overlapped in one process (concurrent tests): neither could tell its leaks from the other's. */
export class OverlappingCheckError extends LoopsafeError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_TESTING_OVERLAP';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = OverlappingCheckError.code;
  override name = 'OverlappingCheckError' as const;

  constructor(running: string | undefined) {
    super(
      `A thread-leak check started while another one${running === undefined ? '' : ` ("${running}")`} was still running. ` +
        'Threads and handles are process-wide, so overlapping checks cannot tell their leaks apart. Run these tests ' +
        'one at a time: test.serial(...) in ava, or describe blocks without concurrency in other runners.',
    );
  }
}
