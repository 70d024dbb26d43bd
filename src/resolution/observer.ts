/**
 * The chain of providers being resolved, from the one that was asked for down to the current one.
 * It is a value passed down the resolution, never a shared stack, so concurrent resolutions cannot mix paths.
 */
export interface ResolutionTrail {
  /** The provider's display name. */
  readonly name: string;
  /** The provider that depends on this one, or `undefined` at the top. */
  readonly parent: ResolutionTrail | undefined;
}

/**
 * Watches provider factories run. The thread monitor is one; tracing is another. When no observer is
 * installed the container takes a path that allocates no trail and makes no extra call.
 */
export interface ResolutionObserver {
  /**
   * Run one provider's factory (or constructor). Call `invoke` exactly once, synchronously, and return what it
   * returns, which may be a promise for async factories.
   */
  runFactory<R>(trail: ResolutionTrail, invoke: () => R): R;
}

/** The provider names of a trail, from the top (the one asked for) down. */
export function trailPath(trail: ResolutionTrail | undefined): string[] {
  const names: string[] = [];
  for (let t = trail; t !== undefined; t = t.parent) names.push(t.name);
  return names.reverse();
}
