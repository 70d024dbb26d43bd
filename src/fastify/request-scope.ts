import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { Container } from '../container/container.js';
import { internalsOf, type ContainerInternals } from '../container/seam.js';
import { slotOf } from '../resolution/slots.js';
import type { RequestScope } from '../scopes/scope.js';
import { DisposedError } from '../errors/container.js';
import { settled } from '../lifecycle/disposal.js';
import type { ConnectionDrain } from '../lifecycle/connection-drain.js';
import { routeConfigOf } from './route-config.js';
import { FastifyReplyToken, FastifyRequestToken } from './tokens.js';

/**
 * One request's claim on its scope: disposed once the response is over (its last onResponse hook settled, or the
 * client went away and the request's lifecycle reached its end) and no compiled handler still runs in it.
 */
export class Lease {
  /** The response is over: the route's onResponse hooks have all run, or the client closed the connection. */
  closed = false;
  /**
   * The response emitted 'finish', so fastify runs the route's onResponse hooks (a client abort emits none). Set by
   * a 'finish' listener where the response has listeners of its own; a response the drain reports has none, and
   * its writableFinished says the same.
   */
  finished = false;
  /**
   * The request's lifecycle reached its end: the route's last onSend hook ran, so no hook or handler of it can still
   * resolve from the scope (set only on routes that end with {@link RequestScopes.sentHook}).
   */
  sent = false;
  held = 0;
  done = false;
  // The app's live leases, a list threaded through them, so app.close() can end the ones a hook never let go.
  prev: Lease | undefined = undefined;
  next: Lease | undefined = undefined;
  constructor(readonly scope: RequestScope, readonly request: FastifyRequest, readonly reply: FastifyReply) {}
}

/**
 * A request's link to its scope, one field (fastify sets each request decorator per request): `null` until the
 * plugin's onRequest hook ({@link linkReply}) stores the reply, which a request does not reference in fastify, then
 * the reply until something touches `request.di`, then the lease.
 */
export const kLease = Symbol('loopsafe.lease');
/** Set on the config of every route whose onResponse hooks end with {@link RequestScopes.endHook}. */
const kEndsScope = Symbol('loopsafe.endsScope');
const kResponseLease = Symbol('loopsafe.responseLease');

type Leased = FastifyRequest & { [kLease]: Lease | FastifyReply | null };
type LeasedResponse = ServerResponse & { [kResponseLease]?: Lease | undefined };
type EndHook = (request: FastifyRequest, reply: FastifyReply, done: () => void) => void;
type SendHook = (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void) => void;

/** The plugin's first onRequest hook: lets `request.di` find the reply. */
export function linkReply(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  if ((request as Leased)[kLease] === null) (request as Leased)[kLease] = reply;
  done();
}

/**
 * The request scopes of one app: created on first use, disposed exactly once after the last hook of the request
 * (or, when the client aborts, after the handler), counted so shutdown can wait for the last one before closing
 * the container.
 */
export class RequestScopes {
  readonly #container: ContainerInternals;
  readonly #requestSlot: number;
  readonly #replySlot: number;
  readonly #onResponseClose: (this: LeasedResponse) => void;
  readonly #onResponseFinish: (this: LeasedResponse) => void;
  /** The onResponse hook every route gets last: the request's hooks are all done, its scope can go. */
  readonly endHook: EndHook;
  /**
   * The onSend hook every route gets last. Its lifecycle has reached the end (what is left is writing the payload
   * and, if the client is still there, the onResponse hooks), so a request whose client left can now let its scope
   * go. Until then an abort leaves the scope open: the handler, and the hooks fastify still runs after an abort
   * (preHandler, onError, onSend, of the route or the app), may resolve from it.
   */
  readonly sentHook: SendHook;
  #live = 0;
  #first: Lease | undefined;
  #idle: (() => void) | undefined;
  readonly #drain: ConnectionDrain;

  /**
   * `drain`, the server's connection drain, reports responses whose connection closed under them: a request over
   * a connection it tracks needs no listener of its own on a route that ends with {@link RequestScopes.endHook}.
   */
  constructor(container: Container, drain: ConnectionDrain) {
    this.#drain = drain;
    const inside = internalsOf(container, 'loopsafePlugin');
    this.#container = inside;
    this.#requestSlot = slotOf(inside.planOf(FastifyRequestToken), inside.root);
    this.#replySlot = slotOf(inside.planOf(FastifyReplyToken), inside.root);
    const scopes = this;
    // One listener for every response; `this` is the response, so no closure is made per request.
    this.#onResponseClose = function onResponseClose(this: LeasedResponse): void {
      const lease = this[kResponseLease];
      if (lease === undefined || lease.closed) return;
      // Fastify runs onResponse on 'finish' and 'close' follows a tick later, while an async onResponse hook may
      // still be running: on a route that ends with endHook, that hook ends the scope, not the socket.
      // (Our own 'finish' flag, not writableFinished: light-my-request's socket never drains, so under inject()
      // writableFinished stays false.)
      if (!lease.finished) scopes.#responseOver(lease, true);
      else if (!endsWithHook(lease.request)) scopes.#responseOver(lease, false);
    };
    this.#onResponseFinish = function onResponseFinish(this: LeasedResponse): void {
      const lease = this[kResponseLease];
      if (lease !== undefined) lease.finished = true;
    };
    drain.onAbandoned(function loopsafeResponseAbandoned(res: LeasedResponse): void {
      const lease = res[kResponseLease];
      if (lease !== undefined && !lease.closed) scopes.#responseOver(lease, true);
    });
    this.endHook = function loopsafeEndRequestScope(request, _reply, done): void {
      const lease = (request as Leased)[kLease];
      if (lease instanceof Lease && !lease.closed) scopes.#responseOver(lease, false);
      done();
    };
    this.sentHook = function loopsafeRequestSent(request, _reply, payload, done): void {
      const lease = (request as Leased)[kLease];
      if (lease instanceof Lease) {
        lease.sent = true;
        if (lease.closed && lease.held === 0) scopes.release(lease);
      }
      done(null, payload);
    };
  }

  /** Scopes created and not yet fully disposed. */
  get live(): number {
    return this.#live;
  }

  /**
   * Make {@link endHook} the route's last onResponse hook (fastify's `onRoute`). A route's own hooks run after every
   * hook of its context and its ancestors, added before or after the plugin, so appending here puts it last.
   */
  endLast(route: RouteOptions): void {
    const own = route.onResponse as EndHook | EndHook[] | undefined;
    const hooks = own === undefined ? [] : Array.isArray(own) ? own : [own];
    if (hooks.includes(this.endHook)) return; // the HEAD twin of a GET route comes through here again
    (route as { onResponse: EndHook[] }).onResponse = [...hooks, this.endHook];
    const sends = route.onSend as unknown as SendHook | SendHook[] | undefined;
    (route as unknown as { onSend: SendHook[] }).onSend = [...(sends === undefined ? [] : Array.isArray(sends) ? sends : [sends]), this.sentHook];
    route.config = { ...route.config, [kEndsScope]: true };
  }

  /** The request's lease, created on first use. */
  leaseOf(request: FastifyRequest, reply: FastifyReply): Lease {
    const existing = (request as Leased)[kLease];
    return existing instanceof Lease ? existing : this.#open(request, reply);
  }

  #open(request: FastifyRequest, reply: FastifyReply): Lease {
    const scope = this.#container.createScope();
    // Direct slot writes: the two values every scope gets, without supply()'s per-call lookups.
    scope.slots[this.#requestSlot] = request;
    scope.slots[this.#replySlot] = reply;
    const lease = new Lease(scope, request, reply);
    (request as Leased)[kLease] = lease;
    this.#live++;
    const first = this.#first;
    if (first !== undefined) first.prev = lease;
    lease.next = first;
    this.#first = lease;
    const res = reply.raw as LeasedResponse;
    if (res.closed) {
      // First touched after the socket closed (by an async onResponse hook, say): on a route that ends with
      // endHook the scope lives until that hook; otherwise only while a compiled handler holds it.
      // A client that left before the response ended: kept until the route's lifecycle reaches sentHook.
      if (!res.writableEnded || !endsWithHook(request)) lease.closed = true;
    } else {
      res[kResponseLease] = lease;
      // The common case, a real socket and a route that ends with endHook: endHook ends the scope, and the drain
      // tells of a client that left first (loopsafeResponseAbandoned). 'finish' is then read from writableFinished.
      if (this.#drain.reports(res) && endsWithHook(request)) return lease;
      // on(), not once(): once() wraps the listener in a new closure per call, and a response closes only once.
      res.on('close', this.#onResponseClose);
      if (res.writableFinished) lease.finished = true;
      else res.on('finish', this.#onResponseFinish);
    }
    return lease;
  }

  /**
   * The scope `request.di` returns, or `null` before the plugin's onRequest hook has linked the request to its
   * reply. Touched once the response is over, it is disposed at once.
   */
  scopeOf(request: FastifyRequest): RequestScope | null {
    const link = (request as Leased)[kLease];
    if (link === null) return null;
    const lease = link instanceof Lease ? link : this.#open(request, link);
    if (lease.closed && free(lease)) this.release(lease);
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
    // Only an abort closes a lease under a handler; fastify still sends what the handler returned (its onSend
    // and onError hooks run on the dead socket), so the scope goes after what this turn of the loop started.
    if (--lease.held === 0 && lease.closed && free(lease)) setImmediate(() => this.release(lease));
  }

  /** Dispose the lease's scope, once. */
  release(lease: Lease): void {
    if (lease.done) return;
    lease.done = true;
    // The response may outlive the request (a keep-alive connection's drain holds its last one until the next
    // request): drop its link, so it does not keep the request, the scope and what the scope built.
    const res = lease.reply.raw as LeasedResponse;
    if (res[kResponseLease] === lease) res[kResponseLease] = undefined;
    if (lease.prev === undefined) this.#first = lease.next;
    else lease.prev.next = lease.next;
    if (lease.next !== undefined) lease.next.prev = lease.prev;
    lease.prev = lease.next = undefined;
    this.#dispose(lease);
  }

  /**
   * Dispose every scope still live: the app is closing, its connections are gone, and what is left is held by a
   * hook or handler that did not settle within the shutdown timeout.
   */
  releaseAll(): void {
    while (this.#first !== undefined) this.release(this.#first);
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

  #responseOver(lease: Lease, aborted: boolean): void {
    lease.closed = true;
    // After an abort, a route that ends with sentHook keeps its scope until its lifecycle reaches that hook.
    if (aborted ? free(lease) : lease.held === 0) this.release(lease);
    // The client went away mid-handler: factories still building for this request are told to stop.
    else if (aborted) lease.scope.stack.abort(new DisposedError('scope', 'finish a request whose client closed the connection'));
  }

  /**
   * Dispose the lease's scope and count it gone once its disposers have finished. Not an async function: a scope
   * whose disposers are all sync (or that built nothing to dispose) returns the `settled` promise, and is counted
   * at once without an await and the promises it costs per request.
   */
  #dispose(lease: Lease): void {
    let done: Promise<void>;
    try {
      done = lease.scope.dispose();
    } catch (error) {
      this.#failed(lease, error);
      return;
    }
    if (done === settled) this.#gone();
    else done.then(() => this.#gone(), (error: unknown) => this.#failed(lease, error));
  }

  /** A disposer failed: logged, since it must not crash the process or touch a response that is already sent. */
  #failed(lease: Lease, error: unknown): void {
    lease.request.log.error({ err: error }, 'loopsafe: disposing the request scope failed');
    this.#gone();
  }

  /** One scope fewer still disposing. */
  #gone(): void {
    if (--this.#live === 0 && this.#idle !== undefined) {
      const idle = this.#idle;
      this.#idle = undefined;
      idle();
    }
  }
}

/**
 * True when nothing of the request can still resolve from its closed lease's scope: no compiled handler holds it,
 * and the response finished, or the lifecycle reached sentHook, or the reply was hijacked (fastify runs no onSend
 * hook for it: a compiled handler holds it to the end, a plain one is not followed), or the route has no such hooks.
 */
function free(lease: Lease): boolean {
  return lease.held === 0 && (lease.finished || lease.sent || lease.reply.sent || lease.reply.raw.writableFinished || !endsWithHook(lease.request));
}

/** True when the request's route ends its onResponse hooks with endHook (the 404 handler, for one, does not). */
function endsWithHook(request: FastifyRequest): boolean {
  return (routeConfigOf(request) as Record<symbol, unknown> | undefined)?.[kEndsScope] === true;
}
