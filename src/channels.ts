// The names of loopsafe's diagnostics channels: data at the ground, so every layer that publishes on one can name it.
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
  /** `tracingChannel`: `container.boot()`, from its start to its eager singletons built. Context: `BootContext`. */
  boot: 'loopsafe:boot',
  /** `tracingChannel`: one factory or constructor run. Context: `ResolveContext`. */
  resolve: 'loopsafe:resolve',
  /** `channel`: a request scope was opened. Message: `ScopeContext`. */
  scopeOpen: 'loopsafe:scope:open',
  /** `tracingChannel`: a request scope's disposal. Context: `ScopeContext`. */
  scopeDispose: 'loopsafe:scope:dispose',
  /** `tracingChannel`: the container's disposal (open scopes, then singletons). Context: `BootContext`. */
  containerDispose: 'loopsafe:container:dispose',
  /** `channel`: a shared cache's hit, miss, load or error. Message: a `CacheEvent`. */
  cache: 'loopsafe:cache',
} as const;
