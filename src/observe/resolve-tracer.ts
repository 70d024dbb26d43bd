import { trailPath, type ResolutionObserver, type ResolutionTrail } from '../resolution/observer.js';
import { resolveChannel, type ResolveContext } from './channels.js';
import { traced } from './trace.js';

/**
 * The observer that publishes factory runs on `loopsafe:resolve`. Every container has it; while nobody
 * subscribes it is inactive, so the container builds no trail and calls nothing. @internal
 */
export const resolveTracer: ResolutionObserver = {
  get active(): boolean {
    return resolveChannel.hasSubscribers;
  },
  runFactory<R>(trail: ResolutionTrail, invoke: () => R): R {
    if (!resolveChannel.hasSubscribers) return invoke();
    const ctx: ResolveContext = { provider: trail.name, path: trailPath(trail), async: false };
    return traced(resolveChannel, ctx, invoke);
  },
};
