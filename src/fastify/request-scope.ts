import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Container } from '../container/container.js';
import type { Plan } from '../resolution/plan.js';
import { slotOf, type SlotCounter } from '../resolution/slots.js';
import type { RequestScope } from '../scopes/scope.js';
import type { Key } from '../tokens.js';
import { DisposedError } from '../errors/container.js';
import { FastifyReplyToken, FastifyRequestToken } from './tokens.js';

/** The container's internal plan lookup, which adapters inside src/ may use. */
interface PlanSource {
  planOf(key: Key): Plan;
}

/** One request's claim on its scope: disposed once the response is closed and no compiled handler still runs. */
export class Lease {
  closed = false;
  held = 0;
  done = false;
  constructor(readonly scope: RequestScope, readonly request: FastifyRequest) {}
}

/** Where a request keeps its lease; `null` until something touches `request.di`. */
export const kLease = Symbol('loopsafe.lease');
const kResponseLease = Symbol('loopsafe.responseLease');

type Leased = FastifyRequest & { [kLease]: Lease | null };
type LeasedResponse = ServerResponse & { [kResponseLease]?: Lease };

/**
 * The request scopes of one app: created on first use, disposed exactly once when the response closes
 * (sent, aborted or failed), counted so shutdown can wait for the last one before closing the container.
 */
export class RequestScopes {
  readonly #container: Container;
  readonly #requestSlot: number;
  readonly #replySlot: number;
  readonly #onResponseClose: (this: LeasedResponse) => void;
  #live = 0;
  #idle: (() => void) | undefined;

  constructor(container: Container) {
    this.#container = container;
    const plans = container as unknown as PlanSource;
    const root = (container as unknown as { root: SlotCounter }).root;
    this.#requestSlot = slotOf(plans.planOf(FastifyRequestToken), root);
    this.#replySlot = slotOf(plans.planOf(FastifyReplyToken), root);
    const scopes = this;
    // One listener for every response; `this` is the response, so no closure is made per request.
    this.#onResponseClose = function onResponseClose(this: LeasedResponse): void {
      const lease = this[kResponseLease];
      if (lease === undefined) return;
      lease.closed = true;
      if (lease.held === 0) scopes.release(lease);
      // The client went away mid-handler: factories still building for this request are told to stop.
      else if (!this.writableFinished) lease.scope.stack.abort(new DisposedError('scope', 'finish a request whose client closed the connection'));
    };
  }

  /** Scopes created and not yet fully disposed. */
  get live(): number {
    return this.#live;
  }

  /** The request's lease, created on first use. */
  leaseOf(request: FastifyRequest, reply: FastifyReply): Lease {
    const existing = (request as Leased)[kLease];
    if (existing !== null) return existing;
    const scope = this.#container.createScope() as RequestScope;
    // Direct slot writes: the two values every scope gets, without supply()'s per-call lookups.
    scope.slots[this.#requestSlot] = request;
    scope.slots[this.#replySlot] = reply;
    const lease = new Lease(scope, request);
    (request as Leased)[kLease] = lease;
    this.#live++;
    const res = reply.raw as LeasedResponse;
    if (res.closed) {
      // The response is already gone: the scope lives only while a compiled handler holds it.
      lease.closed = true;
    } else {
      res[kResponseLease] = lease;
      // on(), not once(): once() wraps the listener in a new closure per call, and a response closes only once.
      res.on('close', this.#onResponseClose);
    }
    return lease;
  }

  /** The scope `request.di` returns. Touched only after the response closed, it is disposed at once. */
  scopeOf(request: FastifyRequest, reply: FastifyReply): RequestScope {
    const lease = this.leaseOf(request, reply);
    if (lease.closed && lease.held === 0) this.release(lease);
    return lease.scope;
  }

  /** Mark a compiled handler as running in this request's scope, so an abort does not dispose it underneath. */
  hold(request: FastifyRequest, reply: FastifyReply): Lease {
    const lease = this.leaseOf(request, reply);
    lease.held++;
    return lease;
  }

  /** The handler that held the lease is done. */
  unhold(lease: Lease): void {
    if (--lease.held === 0 && lease.closed) this.release(lease);
  }

  /** Dispose the lease's scope, once. */
  release(lease: Lease): void {
    if (lease.done) return;
    lease.done = true;
    void this.#dispose(lease);
  }

  /** Resolves once every scope created so far is disposed. */
  whenIdle(): Promise<void> {
    if (this.#live === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const previous = this.#idle;
      this.#idle = () => {
        previous?.();
        resolve();
      };
    });
  }

  async #dispose(lease: Lease): Promise<void> {
    try {
      await lease.scope.dispose();
    } catch (error) {
      // A disposer's failure must not crash the process or touch a response that is already sent.
      lease.request.log.error({ err: error }, 'loopsafe: disposing the request scope failed');
    } finally {
      if (--this.#live === 0 && this.#idle !== undefined) {
        const idle = this.#idle;
        this.#idle = undefined;
        idle();
      }
    }
  }
}
