/**
 * Which providers' factory runs need an async context, learned by mode `warn`: a provider whose factory returned a
 * plain value and created no async resource runs without one (two context frames less per run); one that ever did
 * otherwise (returned a promise, left a timer or socket behind, had work found after it settled) keeps its context
 * for good. Keyed by `trail.id`. @internal
 */
export class ContextNeeds {
  readonly #quiet = new WeakSet<object>();
  readonly #noisy = new WeakSet<object>();

  /** The provider's runs need no async context. */
  quiet(id: object): boolean {
    return this.#quiet.has(id);
  }

  /** Record what one run showed: `quietNow` when it returned a plain value and created nothing. */
  learn(id: object, quiet: boolean, quietNow: boolean): void {
    if (quietNow === quiet) return;
    if (quietNow) {
      if (!this.#noisy.has(id)) this.#quiet.add(id);
    } else {
      this.#quiet.delete(id);
      this.#noisy.add(id);
    }
  }
}
