import { tracingChannel, type TracingChannel } from 'node:diagnostics_channel';
import { loopsafeChannels } from '../channels.js';
import { newStretch, trailPath, type ResolutionObserver, type ResolutionTrail } from './observer.js';
import { traced } from './trace.js';
import { watchSubscribers } from './watch.js';

/** The context of a `resolve` trace: one factory run. */
export interface ResolveContext {
  /** The provider whose factory runs. */
  readonly provider: string;
  /** The provider path, from the one asked for down to this one. */
  readonly path: readonly string[];
  /** `true` once the factory returned a promise (then `asyncStart`/`asyncEnd` follow). */
  async: boolean;
  /** Set when the factory threw or its promise rejected. */
  error?: unknown;
  /** The instance, once built. */
  result?: unknown;
}

/** @internal */
export const resolveChannel: TracingChannel<unknown, ResolveContext> = tracingChannel(loopsafeChannels.resolve);

/**
 * The observer that publishes factory runs on `loopsafe:resolve`, for every container. The resolver reads its
 * `active` beside the container's own observer; while nobody subscribes, that is one data-field load. @internal
 */
export const resolveTracer: ResolutionObserver & { active: boolean } = watchSubscribers(resolveChannel.start, {
  // Read on every construction, so a data field (a getter measured ~15 ns more), kept current by watchSubscribers.
  active: false,
  runFactory<R>(trail: ResolutionTrail, invoke: () => R): R {
    if (!resolveTracer.active) return invoke();
    const ctx: ResolveContext = { provider: trail.name, path: trailPath(trail), async: false };
    return traced(resolveChannel, ctx, invoke);
  },
});

/**
 * Run a factory under the container's observer (when it is active) and the resolve tracer (when someone
 * subscribes), the tracer outermost so its span covers the observer's verdict. @internal
 */
export function runObserved<R>(observer: ResolutionObserver | undefined, trail: ResolutionTrail, invoke: () => R): R {
  // The common case, an observer and no tracer, makes no closure of its own.
  if (!resolveTracer.active) return observer === undefined || observer.active === false ? invoke() : observer.runFactory(trail, invoke);
  newStretch(); // subscribers run around each factory: code that is not the resolver's
  const inner = observer === undefined || observer.active === false ? invoke : () => observer.runFactory(trail, invoke);
  return resolveTracer.runFactory(trail, inner);
}
