// How error messages show a path's end, a cause and a value the user passed. @internal

/** The provider a path ends at: the one that failed. */
export function last(path: readonly string[]): string {
  return path[path.length - 1] ?? '?';
}

/** A cause as a message shows it: an error's own message, anything else described. */
export function causeText(cause: unknown): string {
  return cause instanceof Error ? cause.message : describe(cause);
}

/** A value as a message shows it: its kind for objects and arrays, quoted for strings. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  // String() would say "[object Object]"; the kind of value is what tells a wrong option apart.
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'object' && value !== null && !hasOwnToString(value)) {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' && name !== 'Object' ? `a ${name}` : 'an object';
  }
  try {
    return String(value);
  } catch {
    return typeof value;
  }
}

function hasOwnToString(value: object): boolean {
  const toString = (value as { toString?: unknown }).toString;
  return typeof toString === 'function' && toString !== Object.prototype.toString;
}
