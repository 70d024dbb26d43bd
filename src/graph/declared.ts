import { captureStack } from '../threads/site.js';
import { siteOf, type CallStack } from '../declare/sites.js';

// Keyed by the provider's key (tokens are unregistered symbols, classes are functions), weakly. The stack is
// captured unformatted (V8 formats it on first read), so provide() pays for a frame walk only.
const declared = new WeakMap<WeakKey, CallStack>();

function weak(key: unknown): key is WeakKey {
  return typeof key === 'function' || (typeof key === 'object' && key !== null) || (typeof key === 'symbol' && Symbol.keyFor(key) === undefined);
}

/**
 * Remember where `provide()` was first called for this key: where the key is declared (a test's override of it is
 * not). Only the first call pays for the stack capture (a few µs), so code that declares the same key again, such
 * as a container built per test or per benchmark operation, pays for it once. Returns the stack it captured (the
 * first call's), so that registration can say where it was made; `undefined` on later calls. @internal
 */
export function recordDeclaration(key: unknown): CallStack | undefined {
  if (!weak(key) || declared.has(key)) return undefined;
  const stack = captureStack();
  declared.set(key, stack);
  return stack;
}

/** `file:line:column` of the user's latest `provide()` call for this key, when one was recorded. @internal */
export function declarationOf(key: unknown): string | undefined {
  return weak(key) ? siteOf(declared.get(key)) : undefined;
}
