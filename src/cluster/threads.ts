import { readdirSync } from 'node:fs';

/**
 * The number of OS threads of this process: the entries of /proc/self/task (Linux). A synchronous directory read
 * on the main thread, so counting never touches the libuv pool it is there to watch. -1 where /proc is missing.
 * @internal
 */
export function countThreads(): number {
  try {
    return readdirSync('/proc/self/task').length;
  } catch {
    return -1;
  }
}
