import { ResolutionPathError } from '../errors/base.js';
import { DisposedError, ScopeRequiredError, SuppliedValueMissingError } from '../errors/container.js';
import * as skips from './skip.js';
import { newStretch, type ResolutionTrail } from './observer.js';
import * as tracing from './tracer.js';
import * as planCodes from './plan.js';
import type { Plan } from './plan.js';
import * as slotCodes from './slots.js';
import { slotOf, stored } from './slots.js';
import * as construction from './construct.js';
import { abandon, awaitPending } from './pending.js';
import type { RootSite, Site } from './site.js';

/**
 * The codes the resolver compares against on every resolve, as this module's own constants. V8 reads an imported
 * binding through its module cell on each use (a load and a hole check that optimised code keeps), while a
 * module's own `const` is folded into the code: cachegrind counted 549 -> 460 instructions per M2 resolve
 * (`bench/README.md`, "Counting instructions"). Hot modules take their constants this way.
 */
const { EMPTY, KIND_CONSTRUCTED, KIND_SIGNAL, KIND_SUPPLIED, REQUEST, SINGLETON } = planCodes;
const { UNDEFINED } = slotCodes;
// The same for the functions of construct.ts it calls on every build: V8 still inlines a constant function.
const { construct, constructDirect, ownerOf } = construction;
const { resolveTracer } = tracing;
const { giveBack, skippable, stillSkipped, takeSkip } = skips;

/** An in-flight construction in a request slot, so racing callers share it. */
class Pending {
  constructor(readonly promise: Promise<unknown>) {}
}

const noArgs: unknown[] = [];
const ignore = (): void => {};

/**
 * The instance for `plan` at `site`, or a promise of it when something on the way is async.
 * Plain values are returned as they are, so a graph of sync factories resolves with no await at all.
 */
export function get(plan: Plan, site: Site, trail: ResolutionTrail | undefined): unknown {
  if (plan.lt === SINGLETON) {
    const value = plan.value;
    if (value !== EMPTY) return value;
    return plan.pending ?? memoSingleton(plan, site.root, trail);
  }
  if (plan.lt === REQUEST) {
    const slots = site.slots;
    if (slots === null) throw new ScopeRequiredError([plan.name]);
    // A slot not numbered yet (-1) reads as absent too.
    const value = slots[plan.slot];
    if (value === undefined) return memoRequest(plan, site, slots, trail);
    if (value === UNDEFINED) return undefined;
    return value instanceof Pending ? value.promise : value;
  }
  return plan.pends ? build(plan, site, trail) : special(plan, site);
}

/**
 * True while `container.boot()` starts its eager singletons. Only the synchronous start is flagged: each trail
 * records it when it is created (synchronously, before any await), and dependencies inherit it from their parent.
 */
let booting = false;

/** {@link get} for an eager singleton that `container.boot()` builds: its trails say `boot: true`. */
export function getAtBoot(plan: Plan, site: Site): unknown {
  booting = true;
  try {
    return get(plan, site, undefined);
  } finally {
    booting = false;
  }
}

/** A built-in transient that is not constructed: the site's abort signal, or a lazy dependency's resolver. */
function special(plan: Plan, site: Site): unknown {
  if (plan.kind === KIND_SIGNAL) return site.stack.signal;
  return lazyResolver(plan.deps[0]!, site);
}

/** What `lazy(key)` injects: resolve the key on use, in the scope (or container) the holder was built in. */
function lazyResolver(target: Plan, site: Site): () => Promise<unknown> {
  return () => {
    try {
      if (site.stack.closed) throw new DisposedError(site.slots === null ? 'container' : 'scope', `resolve ${target.name}`);
      const value = get(target, site, undefined);
      return target.pends && value instanceof Promise ? value : Promise.resolve(value);
    } catch (error) {
      return Promise.reject(error as Error);
    }
  };
}

function memoSingleton(plan: Plan, root: RootSite, trail: ResolutionTrail | undefined): unknown {
  const result = build(plan, root, trail);
  if (!(result instanceof Promise)) {
    plan.value = result;
    return result;
  }
  const pending = result.then(
    (value) => {
      plan.value = value;
      plan.pending = undefined;
      return value;
    },
    (error: unknown) => {
      plan.pending = undefined; // not cached: the next resolve tries again
      throw error;
    },
  );
  pending.catch(ignore); // the callers see the rejection; nobody else should
  plan.pending = pending;
  return pending;
}

function memoRequest(plan: Plan, site: Site, slots: unknown[], trail: ResolutionTrail | undefined): unknown {
  if (plan.kind === KIND_SUPPLIED) throw new SuppliedValueMissingError([plan.name]);
  const slot = slotOf(plan, site.root);
  const result = build(plan, site, trail);
  if (!(result instanceof Promise)) {
    slots[slot] = stored(result);
    return result;
  }
  const pending = result.then(
    (value) => {
      slots[slot] = stored(value);
      return value;
    },
    (error: unknown) => {
      slots[slot] = undefined;
      throw error;
    },
  );
  pending.catch(ignore);
  slots[slot] = new Pending(pending);
  return pending;
}

/** Build a new instance: resolve the dependencies (concurrently when any is async), then construct. */
function build(plan: Plan, site: Site, trail: ResolutionTrail | undefined): unknown {
  const observer = site.root.observer;
  // An observer that is installed but inactive costs one property read: no trail, and construct() skips it.
  const watched = (observer !== undefined && observer.active !== false) || resolveTracer.active;
  // A run the observer's sample leaves out (see ProviderId) is built as an unobserved one, and needs a trail only
  // for the paths of dependencies built on its behalf: none when its dependencies are values, else one reused
  // across its runs (skipTrailOf). A build that waits for its dependencies asks again before its factory runs: a
  // leak check may have begun meanwhile.
  const skipping = watched && skippable(plan, observer);
  if (skipping) takeSkip(plan);
  const here = !watched ? undefined : !skipping ? trailOf(plan, trail) : plan.nests ? skipTrailOf(plan, trail) : undefined;
  // Entered from outside the resolver (a caller, a microtask): whatever ran before was not the resolver's own code.
  if (here !== undefined && chain.depth === 0) newStretch();
  if (plan.direct && (skipping || !watched)) {
    if (skipping) newStretch(); // an unwatched factory runs: the next timed run may not start from the last one's end
    const made = constructDirect(plan, site);
    if (made !== EMPTY) return made;
  }
  const deps = plan.deps;
  const n = deps.length;
  let args = noArgs;
  let pendingAt: number[] | undefined;
  let timer: AbortController | undefined;
  if (n !== 0) {
    args = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const dep = deps[i];
      if (dep === undefined) {
        args[i] = undefined;
        continue;
      }
      // The common dependency is a singleton a factory or class already built. It is stored only once settled, so
      // it is never a promise: take it as it is, without a call to get() or an instanceof walk. (Only singletons
      // have a value; a useValue may be a promise, so it takes the general path.)
      let value = dep.value;
      if (value === EMPTY || dep.kind !== KIND_CONSTRUCTED) {
        if (dep.lt === REQUEST && site.slots !== null && (value = site.slots[dep.slot]) !== undefined && value !== UNDEFINED && !(value instanceof Pending)) {
          // The next most common: a value this scope already holds (supplied, or built for an earlier dependent).
          // Settled, so never a promise; taken as get() would return it, without the call.
        } else if (dep.kind === KIND_SIGNAL) {
          // This construction's own signal: it aborts on its timeout and when its owner is disposed.
          const owner = ownerOf(plan, site).signal;
          if (plan.timeout > 0) {
            timer ??= new AbortController();
            value = AbortSignal.any([timer.signal, owner]);
          } else {
            value = owner;
          }
        } else {
          try {
            if (!dep.pends) {
              // A value, a supplied value or a lazy resolver: nothing is built, so the chain goes no deeper.
              value = get(dep, site, here);
            } else if (chain.depth < MAX_SYNC_DEPTH) {
              chain.depth++;
              try {
                value = get(dep, site, here);
              } finally {
                chain.depth--;
              }
              // Only a construction loopsafe runs is awaited; a value (a useValue, a supplied reply) is injected as
              // it is, even when it is a promise or a thenable.
              if (value instanceof Promise) (pendingAt ??= []).push(i);
            } else {
              value = resume(dep, site, here);
              (pendingAt ??= []).push(i);
            }
          } catch (error) {
            abandon(args, pendingAt);
            if (skipping) giveBack(plan); // its factory never runs
            throw unwind(plan, error);
          }
        }
      }
      args[i] = value;
    }
  }
  if (pendingAt !== undefined) {
    const waiting = awaitPending(args, pendingAt).then(
      (values) => {
        // Its dependencies finished after its owner began disposing: do not start what nobody will keep.
        if (ownerOf(plan, site).closed) {
          if (skipping) giveBack(plan);
          throw new DisposedError(site.slots === null ? 'container' : 'scope', `build ${plan.name}`);
        }
        if (watched) newStretch(); // resumed after an await: other code ran meanwhile
        return construct(plan, site, values, !skipping ? here : stillSkipped(plan) ? undefined : trailOf(plan, trail), timer);
      },
      (error: unknown) => {
        if (skipping) giveBack(plan);
        throw unwind(plan, error);
      },
    );
    // A dependency owned by a longer-lived stack (a singleton a request-scoped provider waits for) does not stop
    // when this owner is disposed: let this construction's waiters go at once all the same.
    const owner = ownerOf(plan, site);
    return owner === site.root.stack ? waiting : owner.guard(waiting);
  }
  // Here, where it runs, not where its build began: its dependencies' timed runs came in between.
  if (skipping) newStretch();
  return construct(plan, site, args, skipping ? undefined : here, timer);
}

function trailOf(plan: Plan, parent: ResolutionTrail | undefined): ResolutionTrail {
  return { name: plan.name, parent, boot: parent === undefined ? booting : parent.boot === true, id: plan.id };
}

/**
 * The trail of an unobserved run, given only to its dependencies (for their paths, should one of theirs be
 * observed): the same object as the plan's previous one when the parent is the same. Trails are values (nothing
 * keys on a parent's identity), and an observer never sees this one as a run's own: a run observed after all gets
 * a fresh one from trailOf().
 */
function skipTrailOf(plan: Plan, parent: ResolutionTrail | undefined): ResolutionTrail {
  const last = plan.skipTrail;
  if (last !== undefined && last.parent === parent && (parent !== undefined || last.boot === booting)) return last;
  return (plan.skipTrail = trailOf(plan, parent));
}

/**
 * How many dependencies deep one synchronous resolution goes before it continues on a fresh stack. Each level is
 * a few frames of get() and build(); past this depth the rest of the chain resolves from a microtask, so a chain
 * 100,000 providers deep resolves (as a promise) instead of overflowing the call stack.
 */
const MAX_SYNC_DEPTH = 500;

/**
 * The depth of the synchronous resolution running now (`chain.depth`). It counts frames of one synchronous call
 * chain only and is back to 0 whenever that chain returns or throws, so no resolution ever sees another's count
 * across an await. A field of a module constant rather than a module `let`: V8 checks a `let` for its temporal dead
 * zone on every use, and this is read and written for every dependency (cachegrind, one request scope resolving
 * M3's graph: 7,974 -> 7,646 instructions).
 */
const chain = { depth: 0 };

/** Resolve `plan` from a microtask, on an empty stack. */
function resume(plan: Plan, site: Site, trail: ResolutionTrail | undefined): Promise<unknown> {
  return Promise.resolve().then(() => get(plan, site, trail));
}

/** A dependency's failure seen from `plan`: the same error, its path one provider longer. */
function unwind(plan: Plan, error: unknown): unknown {
  return error instanceof ResolutionPathError ? error.withParent(plan.name) : error;
}
