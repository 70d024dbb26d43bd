/**
 * Subscribe do-nothing handlers to every loopsafe tracing channel, so a bench peer pays what tracing costs loopsafe
 * itself (context objects, publishes, the observer path), apart from whatever a real subscriber would do.
 */
import { subscribe, tracingChannel } from 'node:diagnostics_channel';
import { loopsafeChannels } from '../src/index.js';

const noop = (): void => {};

/** Turn tracing on for the rest of this process. */
export function traceEverything(): void {
  for (const name of [loopsafeChannels.boot, loopsafeChannels.resolve, loopsafeChannels.scopeDispose, loopsafeChannels.containerDispose]) {
    tracingChannel(name).subscribe({ start: noop, end: noop, asyncStart: noop, asyncEnd: noop, error: noop });
  }
  subscribe(loopsafeChannels.scopeOpen, noop);
  subscribe(loopsafeChannels.cache, noop);
}
