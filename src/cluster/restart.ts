/** When to replace a dead worker, and when to stop. */
export interface RestartOptions {
  /**
   * Unexpected worker deaths tolerated within `window`; one more stops the cluster with
   * `LOOPSAFE_ERR_CLUSTER_CRASH_LOOP`.
   * @default 5
   */
  maxRestarts?: number;
  /**
   * The sliding window, in milliseconds, over which deaths are counted.
   * @default 60_000
   */
  window?: number;
  /**
   * Delay before the first replacement; each further death in the window doubles it.
   * @default 100
   */
  initialDelay?: number;
  /**
   * The longest delay between a death and its replacement.
   * @default 5_000
   */
  maxDelay?: number;
}

/** Counts deaths across the whole cluster: a bug that kills every worker should stop soon, not N times later. @internal */
export class RestartBudget {
  readonly #max: number;
  readonly #window: number;
  readonly #initial: number;
  readonly #maxDelay: number;
  #deaths: number[] = [];

  constructor(options: Required<RestartOptions>) {
    this.#max = options.maxRestarts;
    this.#window = options.window;
    this.#initial = options.initialDelay;
    this.#maxDelay = options.maxDelay;
  }

  /** Record a death at `now`: the delay before replacing it, or `undefined` when the budget is spent. */
  next(now: number): number | undefined {
    this.#deaths = this.#deaths.filter((t) => t > now - this.#window);
    this.#deaths.push(now);
    const n = this.#deaths.length;
    if (n > this.#max) return undefined;
    return Math.min(this.#initial * 2 ** (n - 1), this.#maxDelay);
  }
}
