import { anyObject, duration, flag, oneOf } from '../options/rules.js';
import type { Schema } from '../options/rule.js';
import type { ThreadMonitorOptions } from './monitor.js';

/** `createThreadMonitor()`'s options. */
export const monitorSchema = {
  mode: oneOf(['off', 'warn', 'throw']),
  // A threshold compared with measured time, not a timer: fractions of a millisecond are meaningful.
  loopBlockBudgetMs: duration({ whole: false }),
  sampleIntervalMs: duration({ off: true }),
  captureStacks: flag(),
  // metrics.ts recognises a prom-client Registry (it needs the package loaded); here only its type is checked.
  metrics: anyObject('a prom-client Registry'),
} satisfies Schema<ThreadMonitorOptions>;
