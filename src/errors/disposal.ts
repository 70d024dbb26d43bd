// Failures of disposal: using what was disposed, and disposers that throw.
import { LoopsafeError } from './base.js';
import { causeText } from './describe.js';

/** A scope or container was used after `dispose()` began. */
export class DisposedError extends LoopsafeError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_DISPOSED';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = DisposedError.code;
  override name = 'DisposedError' as const;

  constructor(what: 'scope' | 'container', action: string) {
    super(`Cannot ${action}: this ${what} has been disposed. Create a new ${what === 'scope' ? 'scope with container.createScope()' : 'container'}.`);
  }
}

/**
 * One or more disposers threw. Every disposer still ran; each failure is in `errors` (and in the `AggregateError`
 * cause), and its message in this error's message.
 */
export class DisposalError extends LoopsafeError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_DISPOSAL_FAILED';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = DisposalError.code;
  override name = 'DisposalError' as const;
  /**
   * What each failed disposer threw, in the order they ran. Like `AggregateError.errors` it is not enumerable, and
   * for the same reason: pino prints it once, with each failure's message and stack (`aggregateErrors`).
   */
  declare readonly errors: readonly unknown[];

  constructor(what: string, failures: readonly { name: string; error: unknown }[]) {
    const names = failures.map((f) => f.name).join(', ');
    // A log line that names only the provider says nothing about what went wrong: each failure's own message too.
    const each = failures.map((f) => `${f.name} (${causeText(f.error)})`).join(', ');
    super(
      `${failures.length} disposer(s) of the ${what} failed: ${each}. Every other disposer still ran; see errors for each failure.`,
      { cause: new AggregateError(failures.map((f) => f.error), `disposers failed: ${names}`) },
    );
    Object.defineProperty(this, 'errors', { value: failures.map((f) => f.error), configurable: true });
  }
}
