import { channel, tracingChannel, type TracingChannel } from 'node:diagnostics_channel';
import type { Container } from '../container/container.js';
import type { Scope } from '../scopes/scope.js';
import { watchSubscribers } from './watch.js';

/**
 * Names of the `node:diagnostics_channel` channels loopsafe traces on. Each `tracingChannel` publishes `start`,
 * `end`, `asyncStart`, `asyncEnd` and `error` with one context object per operation (Node's convention: `error`
 * and `result` are set on it). Nothing is built or sent while a channel has no subscriber; whether a trace runs is
 * decided by its `start` channel alone (the cheapest test on a hot path), so subscribe to `start` too, as
 * `tracingChannel(name).subscribe({ start, end, asyncStart, asyncEnd, error })` does.
 *
 * ```ts
 * import { tracingChannel } from 'node:diagnostics_channel';
 * tracingChannel(loopsafeChannels.resolve).subscribe({
 *   start(ctx) { ctx.began = performance.now(); },
 *   asyncEnd(ctx) { log.debug({ provider: ctx.provider, ms: performance.now() - ctx.began }); },
 *   end(ctx) { ... }, asyncStart() {}, error() {},
 * });
 * ```
 */
export const loopsafeChannels = {
  /** `tracingChannel`: `container.boot()`, from its start to its eager singletons built. Context: {@link BootContext}. */
  boot: 'loopsafe:boot',
  /** `tracingChannel`: one factory or constructor run. Context: {@link ResolveContext}. */
  resolve: 'loopsafe:resolve',
  /** `channel`: a request scope was opened. Message: {@link ScopeContext}. */
  scopeOpen: 'loopsafe:scope:open',
  /** `tracingChannel`: a request scope's disposal. Context: {@link ScopeContext}. */
  scopeDispose: 'loopsafe:scope:dispose',
  /** `tracingChannel`: the container's disposal (open scopes, then singletons). Context: {@link BootContext}. */
  containerDispose: 'loopsafe:container:dispose',
  /** `channel`: a shared cache's hit, miss, load or error. Message: a `CacheEvent`. */
  cache: 'loopsafe:cache',
} as const;

/** The context of a `boot` or `containerDispose` trace. */
export interface BootContext {
  /** The container. */
  readonly container: Container;
  /** Set when the operation failed. */
  error?: unknown;
}

/** The context of a `resolve` trace: one factory run. */
export interface ResolveContext {
  /** The provider whose factory runs. */
  readonly provider: string;
  /** The provider path, from the one asked for down to this one. */
  readonly path: readonly string[];
  /** `true` once the factory returned a promise (then `asyncStart`/`asyncEnd` follow). */
  async: boolean;
  /** Set when the factory threw or its promise rejected. */
  error?: unknown;
  /** The instance, once built. */
  result?: unknown;
}

/** The message of `scopeOpen` and the context of a `scopeDispose` trace: the same object for one scope's open and dispose. */
export interface ScopeContext {
  /** The scope. */
  readonly scope: Scope;
  /** Set when a disposer failed. */
  error?: unknown;
}

/** @internal */
export const bootChannel: TracingChannel<unknown, BootContext> = tracingChannel(loopsafeChannels.boot);
/** @internal */
export const resolveChannel: TracingChannel<unknown, ResolveContext> = tracingChannel(loopsafeChannels.resolve);
/** @internal */
export const scopeOpenChannel = channel(loopsafeChannels.scopeOpen);
/** @internal */
export const scopeDisposeChannel: TracingChannel<unknown, ScopeContext> = tracingChannel(loopsafeChannels.scopeDispose);
/** @internal */
export const containerDisposeChannel: TracingChannel<unknown, BootContext> = tracingChannel(loopsafeChannels.containerDispose);

/**
 * Whether each hot-path trace has a subscriber, as plain fields read per construction and per scope (a trace runs
 * when its `start` channel has one). @internal
 */
export const tracing = {
  scopeOpen: watchSubscribers(scopeOpenChannel, { active: false }),
  scopeDispose: watchSubscribers(scopeDisposeChannel.start, { active: false }),
};
