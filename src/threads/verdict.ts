import { LoopBlockedError, ThreadOffloadError } from '../errors/threads.js';
import { REJECTED_INSTANCE } from '../resolution/observer.js';
import type { FactoryRun } from './context.js';

// Mode throw's verdicts on one factory run: the error its findings become.

/**
 * Fail the run if it offloaded or blocked while it ran. The verdict carries the instance the factory built, so the
 * container disposes it (a Worker it started is terminated) instead of dropping it. @internal
 */
export function throwVerdict(run: FactoryRun, instance: unknown): void {
  const name = [run.trail.name];
  let verdict: ThreadOffloadError | LoopBlockedError | undefined;
  if (run.offloads !== undefined) verdict = new ThreadOffloadError(name, run.offloads);
  else if (run.loopBlock !== undefined) verdict = new LoopBlockedError(name, run.loopBlock);
  if (verdict === undefined) return;
  if (instance !== undefined) Object.defineProperty(verdict, REJECTED_INSTANCE, { value: instance, configurable: true });
  throw verdict;
}

/**
 * A run that ends in an error (its own failure, a timeout) after it offloaded: the offload is the verdict and the
 * failure its cause, so the evidence travels with whatever ended the resolution. @internal
 */
export function withEvidence(run: FactoryRun, error: unknown): unknown {
  const name = [run.trail.name];
  if (run.offloads !== undefined) return new ThreadOffloadError(name, run.offloads, { cause: error });
  if (run.loopBlock !== undefined) return new LoopBlockedError(name, run.loopBlock, { cause: error });
  return error;
}
