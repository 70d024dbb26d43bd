/** Whether a factory's result is pending: native promises and other thenables alike. Observers use it too. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}
