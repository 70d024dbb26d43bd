import { LateOffloadError } from '../errors/threads.js';
import type { OffloadFinding } from '../findings/types.js';
import type { ResolutionTrail } from '../resolution/observer.js';

/**
 * Mode throw's record of late work: found after its factory run had settled, so it could not fail that run. It
 * fails the provider's next run and `monitor.assertClean()` instead (`LOOPSAFE_ERR_THREAD_LATE_OFFLOAD`). @internal
 */
export class LateWork {
  /** Since the last `assertNone()`, capped: a factory that leaks on every run must not grow memory for ever. */
  #all: OffloadFinding[] = [];
  readonly #byProvider = new WeakMap<object, OffloadFinding[]>();

  /** Keep a late finding of the provider `id` (`trail.id`). */
  add(id: object | undefined, finding: OffloadFinding): void {
    if (this.#all.length < 1000) this.#all.push(finding);
    if (id === undefined) return;
    const list = this.#byProvider.get(id);
    if (list === undefined) this.#byProvider.set(id, [finding]);
    else if (list.length < 100) list.push(finding);
  }

  /** The provider's previous runs left work that ran late: fail this run with it, before its factory starts. */
  failRun(trail: ResolutionTrail, id: object): void {
    const late = this.#byProvider.get(id);
    if (late === undefined) return;
    this.#byProvider.delete(id);
    throw new LateOffloadError(late[0]?.path ?? [trail.name], late);
  }

  /** Throw what was found late since the last call, and start a new list. */
  assertNone(): void {
    if (this.#all.length === 0) return;
    const late = this.#all;
    this.#all = [];
    throw new LateOffloadError(late[0]!.path, late);
  }
}
