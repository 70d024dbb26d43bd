import { AsyncLocalStorage } from 'node:async_hooks';
import type { ResolutionTrail } from '../resolution/observer.js';
import type { LoopBlockFinding, OffloadFinding } from '../findings/types.js';
import { epoch } from './sinks.js';

/** Who hears about one factory run's findings. @internal */
export interface RunOwner {
  offload(run: FactoryRun, finding: OffloadFinding): void;
}

/**
 * One factory run, as the async store of everything it starts. `settled` flips when the factory returns (sync) or
 * its promise settles, so work started later in its context is told apart. @internal
 */
export class FactoryRun {
  settled = false;
  /** An async resource was created while the factory's synchronous part ran (a promise too, while `init` sees them). */
  created = false;
  /** Findings noticed while the factory was running, for throw mode. */
  offloads: OffloadFinding[] | undefined;
  loopBlock: LoopBlockFinding | undefined;
  /** The leak-check block the run started in, so a block counts only what started inside it. */
  readonly epoch = epoch;
  #path: readonly string[] | undefined;

  constructor(
    readonly trail: ResolutionTrail,
    readonly owner: RunOwner,
    readonly captureStacks: boolean,
    /** Runs without an async context of its own (mode warn's quiet path, never inside another run's context). */
    readonly contextless = false,
  ) {}

  /** Started by `container.boot()` (see `ResolutionTrail.boot`). */
  get boot(): boolean {
    return this.trail.boot === true;
  }

  /** The provider path, computed on first need (only when something was found). */
  get path(): readonly string[] {
    if (this.#path === undefined) {
      const names: string[] = [];
      for (let t: ResolutionTrail | undefined = this.trail; t !== undefined; t = t.parent) names.push(t.name);
      this.#path = names.reverse();
    }
    return this.#path;
  }
}

/**
 * The factory run the current code belongs to, across awaits, timers and callbacks: set only for runs that may
 * leave work behind (see `ThreadMonitor.runFactory`), since entering a store costs two context frames. @internal
 */
export const runStorage = new AsyncLocalStorage<FactoryRun>();

/**
 * The run whose factory's synchronous part is executing right now, innermost first. Hooks fire synchronously
 * inside it, so this names the run without any async context. Never read across an await: it is set and restored
 * around one synchronous call.
 */
const now: { running: FactoryRun | undefined } = { running: undefined };
// A field of a module constant, not a module `let`: read and written around every factory run, and V8 checks a `let`
// for its temporal dead zone on each use (see the note in resolution/resolve.ts).

/** The factory run the current code belongs to: the one running synchronously, else the async context's. @internal */
export function currentRun(): FactoryRun | undefined {
  return now.running ?? runStorage.getStore();
}

/** The run executing synchronously now, if any (no async context read). @internal */
export function runningRun(): FactoryRun | undefined {
  return now.running;
}

/** Make `run` the one executing synchronously; returns the one it replaces, for {@link leaveSync}. @internal */
export function enterSync(run: FactoryRun): FactoryRun | undefined {
  const outer = now.running;
  now.running = run;
  return outer;
}

/** Undo {@link enterSync}, whether the factory returned or threw. @internal */
export function leaveSync(outer: FactoryRun | undefined): void {
  now.running = outer;
}
