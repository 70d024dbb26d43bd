import type { DisposalStack } from '../lifecycle/disposal.js';
import type { ResolutionObserver } from './observer.js';
import type { SlotCounter } from './slots.js';

/** Where a resolution happens: the container itself, or a request scope. */
export interface Site {
  /** Request-scoped instances by plan slot (see slots.ts); `null` at the container. */
  readonly slots: unknown[] | null;
  /** What this site disposes. */
  readonly stack: DisposalStack;
  /** The container's own site, which holds singletons. */
  readonly root: RootSite;
}

/** The container's site. */
export interface RootSite extends Site, SlotCounter {
  readonly observer: ResolutionObserver | undefined;
}
