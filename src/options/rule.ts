/**
 * The one mechanism for options: every options object loopsafe accepts is described by a {@link Schema} and checked
 * once, at its entry point, by `validateOptions()` (validate.ts). The rules (rules.ts) are the only definitions of
 * "a number of milliseconds", "a whole number", and so on, so two entry points cannot drift apart.
 *
 * To declare a new option:
 * 1. Add the field to the options interface, with JSDoc prose and `@default` (the interface is the documentation).
 * 2. Add one entry to that interface's schema (`satisfies Schema<TheOptions>` makes a missing entry a compile
 *    error): `timeout: duration({ off: true })`, `mode: oneOf(['off', 'warn'])`, `shutdown: shape(shutdownSchema)`.
 *    Pick the rule that says what the value means; bounds go in its arguments. Durations are whole milliseconds
 *    up to 2^31-1 (a Node timer's limit) unless `whole: false` is given; say in the JSDoc when `0` means "off".
 * 3. Apply the default where the value is read (`options.timeout ?? 10_000`), at the top of the entry point.
 * Unknown keys, wrong types and bounds are then refused with `LOOPSAFE_ERR_OPTION_INVALID`, naming the option by
 * its dotted path and, for a misspelling, the closest valid name. No other code checks an option's name, type or
 * bounds; only what needs the value itself stays beside its user (metrics.ts recognises a prom-client Registry,
 * the cluster loads the `app` module, the boot check sees how a provider's options combine).
 *
 * Where the schemas are: container/options.ts (createContainer, provider declarations), fastify/options.ts
 * (createApp/checkApp, loopsafePlugin, shutdown, @Controller), threads/options.ts, cache/options.ts,
 * cluster/options.ts (and defineClusterApp in cluster/app.ts), testing/options.ts.
 */

/** Where a value sits: the entry point and the option's dotted path (`shutdown.timeout`, `signals[1]`). */
export interface OptionAt {
  readonly where: string;
  readonly option: string;
}

/** What one option accepts. */
export interface Rule {
  /** What the option must be, completing "must be ...": `a whole number of milliseconds from 1 to 2147483647`. */
  readonly expected: string;
  /** The option must be given (not `undefined`). */
  readonly required?: boolean;
  /**
   * True when `value` (never `undefined`) is acceptable. A rule for a nested object or list checks its children
   * and throws for the first bad one itself, so the error names the child's path.
   */
  accepts(value: unknown, at: OptionAt): boolean;
  /**
   * For an object passed on to another library: that library's name (`fastify`). An unknown option beside it may be
   * one of that library's, so its error says where such options go.
   */
  readonly passesTo?: string;
}

/**
 * One rule per option of `T`: every key of the interface must be described, and nothing else. Options are read by
 * their string names (`Object.keys`), so symbol-keyed members (type-only carriers such as a registration's graph
 * facts) need no rule.
 */
export type Schema<T> = { readonly [K in keyof T as K extends symbol ? never : K]-?: Rule };
