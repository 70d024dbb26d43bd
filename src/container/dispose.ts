import { DisposalError, DisposedError } from '../errors/container.js';
import type { DisposalStack } from '../lifecycle/disposal.js';
import type { RequestScope } from '../scopes/scope.js';

/**
 * Dispose a container: stop its singletons still building (their waiters reject with LOOPSAFE_ERR_DISPOSED now,
 * not after the scopes are gone), dispose its open request scopes, then its own instances, newest first. Every
 * failure comes back in one DisposalError.
 */
export async function disposeContainer(stack: DisposalStack, open: readonly RequestScope[]): Promise<void> {
  const failures: { name: string; error: unknown }[] = [];
  // An instance that still arrives before the disposers run is kept and disposed with the rest.
  stack.stop(new DisposedError('container', 'keep building'));
  // In-flight request scopes go first: their instances may use singletons that are about to close.
  const results = await Promise.allSettled(open.map((scope) => scope.dispose()));
  for (const r of results) if (r.status === 'rejected') failures.push({ name: 'request scope', error: r.reason });
  try {
    await stack.dispose();
  } catch (error) {
    if (error instanceof DisposalError && failures.length === 0) throw error;
    failures.push({ name: 'container', error });
  }
  if (failures.length > 0) throw new DisposalError('container and its open scopes', failures);
}
