import { channel } from 'node:diagnostics_channel';

/**
 * Names of the `node:diagnostics_channel` channels the thread monitor publishes on. Nothing is built or sent while
 * a channel has no subscriber.
 *
 * ```ts
 * import { subscribe } from 'node:diagnostics_channel';
 * subscribe(threadChannels.offload, (finding) => log.warn(finding, 'resolution offloaded work'));
 * ```
 */
export const threadChannels = {
  /** An {@link OffloadFinding}: a factory put work on the libuv pool or started a Worker. */
  offload: 'loopsafe:threads:offload',
  /** A {@link LoopBlockFinding}: a factory's synchronous part ran over the loop-block budget. */
  loopBlock: 'loopsafe:threads:loop-block',
  /** A {@link ThreadSample} on every sampler tick. */
  sample: 'loopsafe:threads:sample',
  /** A {@link ThreadSample} whenever the thread count rises above every earlier sample. */
  growth: 'loopsafe:threads:growth',
} as const;

/** @internal */
export const offloadChannel = channel(threadChannels.offload);
/** @internal */
export const loopBlockChannel = channel(threadChannels.loopBlock);
/** @internal */
export const sampleChannel = channel(threadChannels.sample);
/** @internal */
export const growthChannel = channel(threadChannels.growth);
