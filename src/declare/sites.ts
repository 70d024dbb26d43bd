// Where a provider was registered: captured unformatted on every registration, formatted only for a BootError.
import { pickSite } from '../threads/site.js';

/** A stack captured but not yet formatted: V8 formats `stack` on first read, so an unread capture costs the walk only. @internal */
export interface CallStack {
  stack?: string;
}

/**
 * Capture the `frames` frames that called `entry` (a public function: register, createContainer), leaving out
 * `entry` and everything it called. A handful of frames is enough, since the caller is the user's code or
 * loopsafe's own entry point one or two frames below it, and each frame walked costs (about a microsecond in all).
 * @internal
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export function captureCall(entry: Function, frames: number): CallStack {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = frames;
  const holder: CallStack = {};
  Error.captureStackTrace(holder, entry);
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
