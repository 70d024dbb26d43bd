import { InvalidOptionError } from '../errors/container.js';
import { newStretch, type ResolutionObserver, type ResolutionTrail } from './observer.js';

/** Several observers as one: each active one wraps the next, the first outermost. */
class Composite implements ResolutionObserver {
  readonly #observers: readonly ResolutionObserver[];

  constructor(observers: readonly ResolutionObserver[]) {
    this.#observers = observers;
  }

  get active(): boolean {
    for (const o of this.#observers) if (o.active !== false) return true;
    return false;
  }

  runFactory<R>(trail: ResolutionTrail, invoke: () => R): R {
    newStretch(); // each observer's own code runs around the factory: not the resolver's (see `resolverStretch`)
    let run = invoke;
    for (let i = this.#observers.length - 1; i >= 0; i--) {
      const observer = this.#observers[i]!;
      if (observer.active === false) continue;
      const inner = run;
      run = () => observer.runFactory(trail, inner);
    }
    return run();
  }

  runFailed(trail: ResolutionTrail, error: unknown): unknown {
    // Innermost first, as the error unwinds through the observers that wrapped the run.
    let result = error;
    for (let i = this.#observers.length - 1; i >= 0; i--) {
      const observer = this.#observers[i]!;
      if (observer.active !== false && observer.runFailed !== undefined) result = observer.runFailed(trail, result);
    }
    return result;
  }
}

/**
 * Combine observers so they watch the same factory runs: the thread monitor, tracing and metrics together. Each
 * active observer wraps the next (the first is outermost); an inactive one is skipped, and when all are inactive
 * the container takes its unobserved path.
 *
 * ```ts
 * const container = createContainer({ providers, observer: composeObservers(monitor, myTimer) });
 * ```
 */
export function composeObservers(...observers: ResolutionObserver[]): ResolutionObserver {
  observers.forEach((o, i) => {
    if (typeof o?.runFactory !== 'function') {
      throw new InvalidOptionError('composeObservers', `observers[${i}]`, 'an object with a runFactory(trail, invoke) method', o);
    }
  });
  return observers.length === 1 ? observers[0]! : new Composite(observers);
}

/**
 * The observer a container uses: the user's observer (several composed), or the ambient one (a testing block's),
 * or none. The `loopsafe:resolve` tracer is not part of it: the resolver consults it directly. Validates the
 * option. @internal
 */
export function containerObserver(option: unknown, ambient: ResolutionObserver | undefined): ResolutionObserver | undefined {
  const list = option === undefined ? [] : Array.isArray(option) ? (option as unknown[]) : [option];
  list.forEach((o, i) => {
    if (typeof (o as ResolutionObserver | undefined)?.runFactory !== 'function') {
      const name = Array.isArray(option) ? `observer[${i}]` : 'observer';
      throw new InvalidOptionError('createContainer', name, 'an object with a runFactory(trail, invoke) method (or an array of them)', o);
    }
  });
  if (list.length === 0) return ambient;
  return list.length === 1 ? (list[0] as ResolutionObserver) : new Composite(list as ResolutionObserver[]);
}
