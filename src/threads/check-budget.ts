import { ProviderId, type ResolutionObserver, type SkipTally } from '../resolution/observer.js';

/**
 * Which factory runs mode `warn` checks in full. Every provider's first `fullRuns` runs are checked, and every run
 * of a provider once anything was found in it; after that each run is checked with probability `rate`, drawn
 * independently per run: after each checked run the provider gets a geometric gap (the runs until the next one
 * drawn), the same distribution as a coin per run.
 *
 * The gap is written into the provider's `ProviderId.skip`, which the resolver reads before it calls the monitor at
 * all: a run the sample leaves out costs a field read and a counter, not a call with a closure (measured: that call
 * was most of what mode `warn` cost on a request-scope resolution). Runs that still reach {@link check} with a gap
 * left (an id another monitor holds, a composed observer, a trail not built by the resolver) are counted down here
 * instead, with the same result. @internal
 */
export class CheckBudget {
  readonly fullRuns: number;
  readonly rate: number;
  /** The resolver counts here the runs it skipped without calling the monitor. */
  readonly tally: SkipTally = { skipped: 0 };
  readonly #owner: ResolutionObserver;
  /** State for ids this budget cannot hold (held by another observer, or not the resolver's). */
  readonly #foreign = new WeakMap<object, ProviderId>();
  /** Runs left out that reached {@link check} anyway. */
  #skippedHere = 0;
  /** `1 / ln(1 - rate)`, once: each gap then costs one logarithm. */
  readonly #perLog: number;

  constructor(owner: ResolutionObserver, fullRuns: number, rate: number) {
    this.#owner = owner;
    this.fullRuns = fullRuns;
    this.rate = rate;
    this.#perLog = 1 / Math.log(1 - rate);
  }

  /** Runs the sample left unchecked, wherever they were counted. */
  get skipped(): number {
    return this.tally.skipped + this.#skippedHere;
  }

  /** Whether to check this run of the provider `id` (`trail.id`) in full. */
  check(id: object): boolean {
    const slot = this.#slot(id);
    if (slot.skip > 0) {
      slot.skip--;
      this.#skippedHere++;
      return false;
    }
    const n = slot.runs;
    if (n === ALWAYS) return true;
    if (n < this.fullRuns) {
      slot.runs = n + 1;
      if (n + 1 < this.fullRuns) return true;
    }
    // Checked: one of the first runs (the last of them draws the first gap), or a run the sample drew.
    slot.skip = this.#gap() - 1;
    return true;
  }

  /** Something was found in a run of `id`: check all its runs from now on. */
  found(id: object): void {
    const slot = this.#slot(id);
    slot.runs = ALWAYS;
    slot.skip = 0;
  }

  /** The state of `id` for this budget: the id itself when this budget may hold it, else a private one. */
  #slot(id: object): ProviderId {
    if (id instanceof ProviderId) {
      if (id.holder === this.#owner) return id;
      if (id.holder === undefined) {
        id.holder = this.#owner;
        id.tally = this.tally;
        return this.#start(id);
      }
    }
    let slot = this.#foreign.get(id);
    if (slot === undefined) this.#foreign.set(id, (slot = this.#start(new ProviderId())));
    return slot;
  }

  /** A provider seen for the first time: with no first runs to check in full, its first run is drawn too. */
  #start(slot: ProviderId): ProviderId {
    if (this.fullRuns === 0) slot.skip = this.#gap() - 1;
    return slot;
  }

  /** Runs until the next sampled one: geometric with parameter `rate` (1 for a rate of 1, Infinity for 0). */
  #gap(): number {
    if (this.rate >= 1) return 1;
    if (this.rate <= 0) return Infinity;
    return Math.max(1, Math.ceil(Math.log(1 - Math.random()) * this.#perLog));
  }
}

const ALWAYS = -1;
