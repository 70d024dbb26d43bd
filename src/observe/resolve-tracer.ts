import { trailPath, type ResolutionObserver, type ResolutionTrail } from '../resolution/observer.js';
import { resolveChannel, type ResolveContext } from './channels.js';
import { traced } from './trace.js';
import { watchSubscribers } from './watch.js';

/**
 * The observer that publishes factory runs on `loopsafe:resolve`. Every container has it; while nobody
 * subscribes it is inactive, so the container builds no trail and calls nothing. @internal
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
