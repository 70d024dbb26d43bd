import { checkThreadLeaks } from './check.js';
import type { LeakCheckOptions } from './options.js';
import { formatLeakReport } from './report.js';
import type { LeakReport } from '../findings/types.js';

/** The part of ava's `t` the sugar uses (any runner with the same shape works). */
export interface AssertionContext {
  /** The test's title, put at the top of the report. */
  readonly title: string;
  /** Record a passing assertion. */
  pass(message?: string): void;
  /** Fail the test with a message. */
  fail(message?: string): void;
  /** Log a line under the test (ava's `t.log`): a pass says what it could not check. */
  log?(...values: unknown[]): void;
}

/**
 * ava sugar for {@link checkThreadLeaks}: runs `block`, then passes or fails `t` with the readable report, and
 * returns the report. Use it in `test.serial`, with `"workerThreads": false` in ava's config.
 *
 * ```ts
 * test.serial('booting and closing the app leaks nothing', (t) =>
 *   noThreadLeaks(t, async () => {
 *     const app = await buildApp();
 *     await app.close();
 *   }));
 * ```
 */
export async function noThreadLeaks(t: AssertionContext, block: () => unknown, options: LeakCheckOptions = {}): Promise<LeakReport> {
  const report = await checkThreadLeaks(block, { title: t.title, ...options });
  if (report.ok) {
    // A pass is never silent about what it could not see: containers without a monitor ran unchecked.
    const n = report.unmonitoredContainers;
    if (n > 0) {
      t.log?.(`loopsafe: not checked: ${n} container(s) without a thread monitor were alive during the block; ` +
        'what they resolved ran unmonitored (createContainer({ observer: createThreadMonitor() }) makes it visible)');
    }
    t.pass();
  } else {
    t.fail(formatLeakReport(report));
  }
  return report;
}
