import { duration, flag, text } from '../options/rules.js';
import type { Schema } from '../options/rule.js';

/** Options of `checkThreadLeaks` and `assertNoThreadLeaks`. */
export interface LeakCheckOptions {
  /** A name for the report (the ava sugar passes the test's title). */
  title?: string;
  /**
   * How long to wait after the block for threads to exit and handles to finish closing before judging, in ms.
   * The check returns as soon as everything is closed; the time it waited is in the report.
   * @default 1000
   */
  settleMs?: number;
  /**
   * Fail on unref'd handles the block left open too (keep-alive sockets of the default agent, unref'd timers).
   * @default false
   */
  failOnUnrefHandles?: boolean;
}

/** The leak check's options (`checkThreadLeaks`, `assertNoThreadLeaks`, `noThreadLeaks`). */
export const leakCheckSchema = {
  title: text(),
  settleMs: duration(),
  failOnUnrefHandles: flag(),
} satisfies Schema<LeakCheckOptions>;
