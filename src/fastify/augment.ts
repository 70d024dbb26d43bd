import type { Container } from '../container/container.js';
import type { Scope } from '../scopes/scope.js';
import type { ThreadMonitor } from '../threads/monitor.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The loopsafe container of this app (set by the loopsafe plugin). */
    di: Container;
    /**
     * The thread monitor watching this app's resolutions (set by `createApp()`; `undefined` when turned off). Its
     * `stats()` has the offloads, loop blocks and sampled OS thread counts.
     */
    threadMonitor: ThreadMonitor | undefined;
  }
  interface FastifyRequest {
    /**
     * This request's scope (set by the loopsafe plugin). It is created on first use and disposed exactly once
     * when the response is sent, the client aborts, or the handler fails.
     */
    readonly di: Scope;
  }
}

export {};
