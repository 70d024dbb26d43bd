import { InvalidOptionError } from '../errors/container.js';
import type { Plan } from '../resolution/plan.js';
import type { RootSite } from '../resolution/site.js';
import type { RequestScope } from '../scopes/scope.js';
import type { Key } from '../tokens.js';
import type { ResolutionObserver } from '../resolution/observer.js';

/**
 * What adapters inside src/ (the Fastify plugin) may use of a container beyond its public interface: its compiled
 * plans, its own site, and scopes as their concrete class. One typed seam instead of casts at each use. @internal
 */
export interface ContainerInternals {
  /** The compiled plan of a key (checks the graph first if it has not been). */
  planOf(key: Key): Plan;
  /** The container's site: singletons, its disposal stack, the slot counter. */
  readonly root: RootSite;
  /** Open a request scope. */
  createScope(): RequestScope;
  /**
   * Give a container created without an observer one, before it boots (the Fastify plugin's default thread
   * monitor). False, and nothing changed, when it has one (its own or a testing block's), has booted or is disposed.
   */
  adoptObserver(observer: ResolutionObserver): boolean;
}

/** Where a container keeps its internals: a symbol the package never exports, so users do not reach them. */
const kInternals = Symbol('loopsafe.internals');

interface Exposed {
  [kInternals]?: ContainerInternals;
}

/** Called once by each container as it is created. @internal */
export function exposeInternals(container: object, inside: ContainerInternals): void {
  // A property, not a WeakMap: apps (and tests) create many short-lived containers, and weak entries cost the GC.
  // A plain assignment, not defineProperty: the symbol is never exported, and defining a property with attributes
  // moved every container to a slower object shape (a tenth of createContainer's time).
  (container as Exposed)[kInternals] = inside;
}

/** The internals of a container made by `createContainer()`. `where` names the adapter, for the error. @internal */
export function internalsOf(container: object, where: string): ContainerInternals {
  const inside = (container as Exposed)[kInternals];
  if (inside === undefined) throw new InvalidOptionError(where, 'container', 'a container made by createContainer()', container);
  return inside;
}
