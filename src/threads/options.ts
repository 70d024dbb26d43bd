import { satisfies, anyObject, count, duration, either, flag, list, oneOf, shape, text } from '../options/rules.js';
import type { Schema } from '../options/rule.js';
import type { AllowRule, ThreadMonitorOptions } from './monitor-types.js';
import type { WorkKind } from '../findings/types.js';

const kinds: readonly WorkKind[] = ['fs', 'dns', 'crypto', 'zlib', 'worker', 'native'];
const kind = oneOf(kinds);

const allowRuleSchema = {
  provider: text({ nonEmpty: true, expected: "a provider's name" }),
  kind: either(kind, list(kind)),
  when: oneOf(['boot']),
} satisfies Schema<AllowRule>;

/** `createThreadMonitor()`'s options. */
export const monitorSchema = {
  mode: oneOf(['off', 'warn', 'throw']),
  // A threshold compared with measured time, not a timer: fractions of a millisecond are meaningful.
  loopBlockBudgetMs: duration({ whole: false }),
  sampleIntervalMs: duration({ off: true }),
  captureStacks: flag(),
  // metrics.ts recognises a prom-client Registry (it needs the package loaded); here only its type is checked.
  metrics: anyObject('a prom-client Registry'),
  allow: list(shape(allowRuleSchema, 'a rule { provider?, kind?, when? }'), 'an array of rules { provider?, kind?, when? }'),
  routes: flag(),
  fullRuns: count(0),
  sampleRate: satisfies('a probability from 0 to 1', (v) => typeof v === 'number' && v >= 0 && v <= 1),
} satisfies Schema<ThreadMonitorOptions>;
