import { ThreadCountUnsupportedError } from '../errors/threads.js';
import { growthChannel, sampleChannel } from './channels.js';
import { readThreadCount } from './count.js';
import type { ThreadSample } from '../findings/types.js';

/** An interval reader of the OS thread count. @internal */
export interface Sampler {
  readonly latest: ThreadSample | undefined;
  readonly max: number | undefined;
  /** Take a sample now (the interval calls this too). */
  sample(): ThreadSample;
  stop(): void;
}

/** Start sampling every `intervalMs` on an unref'd timer, so the sampler never keeps a process alive. @internal */
export function startSampler(intervalMs: number): Sampler {
  const first = readThreadCount();
  if (first === undefined) throw new ThreadCountUnsupportedError(process.platform, '/proc/self/task');
  let latest: ThreadSample | undefined;
  let max = first;
  let previous = first;
  const sampler: Sampler = {
    get latest() {
      return latest;
    },
    get max() {
      return max;
    },
    sample() {
      // A count that cannot be read any more (the process lost /proc) repeats nothing: it stops the sampler.
      const count = readThreadCount();
      if (count === undefined) {
        sampler.stop();
        throw new ThreadCountUnsupportedError(process.platform, '/proc/self/task');
      }
      const reading: ThreadSample = { count, previous, max };
      latest = reading;
      previous = count;
      if (sampleChannel.hasSubscribers) sampleChannel.publish(reading);
      if (count > max) {
        max = count;
        if (growthChannel.hasSubscribers) growthChannel.publish(reading);
      }
      return reading;
    },
    stop() {
      clearInterval(timer);
    },
  };
  const timer = setInterval(() => {
    try {
      sampler.sample();
    } catch {
      // stopped above; the next stats() shows the last good sample
    }
  }, intervalMs);
  timer.unref();
  return sampler;
}
