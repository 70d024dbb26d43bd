import { duration, flag, text } from '../options/rules.js';
import type { Schema } from '../options/rule.js';
import type { LeakCheckOptions } from './check.js';

/** The leak check's options (`checkThreadLeaks`, `assertNoThreadLeaks`, `noThreadLeaks`). */
export const leakCheckSchema = {
  title: text(),
  settleMs: duration(),
  failOnUnrefHandles: flag(),
} satisfies Schema<LeakCheckOptions>;
