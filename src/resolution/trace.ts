import type { TracingChannel } from 'node:diagnostics_channel';
import { isThenable } from './thenable.js';

/**
 * Run `fn` inside a trace of `channel` with `ctx`: `start`, then `end` when it returns, then `asyncStart` and
 * `asyncEnd` when its promise settles (with `error` before them on failure). A sync result ends the trace at `end`.
 * Callers check `channel.hasSubscribers` first, so an unobserved call never gets here. @internal
 */
export function traced<C extends { error?: unknown; result?: unknown; async?: boolean }, R>(
  channel: TracingChannel<unknown, C>, ctx: C, fn: () => R,
): R {
  return channel.start.runStores(ctx, () => {
    let result: R;
    try {
      result = fn();
    } catch (error) {
      ctx.error = error;
      channel.error.publish(ctx);
      channel.end.publish(ctx);
      throw error;
    }
    if (!isThenable(result)) {
      ctx.result = result;
      channel.end.publish(ctx);
      return result;
    }
    if ('async' in ctx) ctx.async = true;
    channel.end.publish(ctx);
    return Promise.resolve(result).then(
      (value) => {
        ctx.result = value;
        channel.asyncStart.publish(ctx);
        channel.asyncEnd.publish(ctx);
        return value;
      },
      (error: unknown) => {
        ctx.error = error;
        channel.error.publish(ctx);
        channel.asyncStart.publish(ctx);
        channel.asyncEnd.publish(ctx);
        throw error;
      },
    ) as R;
  });
}
