/**
 * Which factory runs mode `warn` checks in full. Every provider's first `fullRuns` runs are checked, and every run
 * of a provider once anything was found in it; after that each run is checked with probability `rate`, drawn
 * independently per run. The draws are one countdown shared by all providers with geometric gaps, which gives the
 * same independent per-run probability as a coin per run for the cost of a decrement. @internal
 */
export class CheckBudget {
  readonly fullRuns: number;
  readonly rate: number;
  /** Runs checked so far per provider (`trail.id`), up to `fullRuns`; {@link ALWAYS} once something was found. */
  readonly #runs = new WeakMap<object, number>();
  #countdown: number;
  /** Runs a sample let through unchecked. */
  skipped = 0;

  constructor(fullRuns: number, rate: number) {
    this.fullRuns = fullRuns;
    this.rate = rate;
    this.#countdown = this.#gap();
  }

  /** Whether to check this run of the provider `id` in full. */
  check(id: object): boolean {
    const n = this.#runs.get(id);
    if (n === this.fullRuns) {
      if (--this.#countdown > 0) {
        this.skipped++;
        return false;
      }
      this.#countdown = this.#gap();
      return true;
    }
    if (n === undefined) this.#runs.set(id, 1);
    else if (n !== ALWAYS) this.#runs.set(id, n + 1);
    return true;
  }

  /** Something was found in a run of `id`: check all its runs from now on. */
  found(id: object): void {
    this.#runs.set(id, ALWAYS);
  }

  /** Runs until the next sampled one: geometric with parameter `rate` (1 for a rate of 1). */
  #gap(): number {
    if (this.rate >= 1) return 1;
    if (this.rate <= 0) return Infinity;
    return Math.max(1, Math.ceil(Math.log(1 - Math.random()) / Math.log(1 - this.rate)));
  }
}

const ALWAYS = -1;
