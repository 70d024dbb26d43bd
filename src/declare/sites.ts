// Where a provider was registered: captured unformatted on every registration, formatted only for a BootError.
import { pickSite } from '../threads/site.js';

/** A stack captured but not yet formatted: V8 formats `stack` on first read, so an unread capture costs the walk only. @internal */
export interface CallStack {
  stack?: string;
}

/**
 * Capture the innermost `frames` frames of the current stack, this function's and loopsafe's own included (siteOf()
 * skips those by file; asking V8 to cut the stack at a given function instead costs more than the frames it saves).
 * A handful is enough: the user's frame is a few below the entry point (register, createContainer). Each capture
 * costs one or two microseconds, nearly all of it fixed; formatting, the dearer part, waits for a failure.
 * @internal
 */
export function captureCall(frames: number): CallStack {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = frames;
  const holder: CallStack = {};
  Error.captureStackTrace(holder);
  Error.stackTraceLimit = limit;
  return holder;
}

/**
 * `file:line:column` of the first frame outside Node, loopsafe and `node_modules` (the `.ts` position when source
 * maps are on, since that is what the stack shows); `undefined` when there is none, as for the providers
 * loopsafe registers itself from inside Fastify's plugin loader (naming that library's frame would mislead).
 * @internal
 */
export function siteOf(captured: CallStack | undefined): string | undefined {
  return captured === undefined ? undefined : pickSite(captured.stack ?? '').user;
}

/** Where `provide()` left its call's stack on the registration it returns (when it captured one). @internal */
export const registeredAt: unique symbol = Symbol('loopsafe.registeredAt');
