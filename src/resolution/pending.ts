/**
 * The argument list of a construction or a route while some of its dependencies are still being built: waited
 * for together, or let go without an unhandled rejection when a sibling fails first. Shared by resolve.ts and the
 * fastify route handlers.
 */

const ignore = (): void => {};

/** `args` once the constructions at `pendingAt` have settled, each replaced by its instance. */
export function awaitPending(args: unknown[], pendingAt: readonly number[]): Promise<unknown[]> {
  if (pendingAt.length === 1) {
    const at = pendingAt[0]!;
    return (args[at] as Promise<unknown>).then((value) => {
      args[at] = value;
      return args;
    });
  }
  return Promise.all(pendingAt.map((at) => args[at])).then((values) => {
    for (let k = 0; k < pendingAt.length; k++) args[pendingAt[k]!] = values[k];
    return args;
  });
}

/** Dependencies already started before one failed synchronously must not turn into unhandled rejections. */
export function abandon(args: unknown[], pendingAt: readonly number[] | undefined): void {
  if (pendingAt === undefined) return;
  for (const at of pendingAt) (args[at] as Promise<unknown>).catch(ignore);
}
