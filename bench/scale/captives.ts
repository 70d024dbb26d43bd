/**
 * The captive check at scale, in its own process: `node dist/bench/scale/captives.js`. Singletons that each inject
 * the root of one shared binary tree of transients, without and with a request-scoped provider under the tree's
 * last leaf (then every singleton is a captive problem); prints the milliseconds `check()` took and the problems.
 */
import { createContainer, token, type BootError, type Token } from '../../src/index.js';

function checkMs(singletons: number, transients: number, captive: boolean): string {
  const tree = Array.from({ length: transients }, (_, i) => token<number>(`T${i}`));
  const Req = token<number>('Req');
  const c = createContainer();
  if (captive) c.register(Req, { lifetime: 'request', useFactory: () => 1 });
  tree.forEach((key, i) => {
    const deps: Token<number>[] = [tree[2 * i + 1], tree[2 * i + 2]].filter((d) => d !== undefined);
    if (captive && i === transients - 1) deps.push(Req);
    c.register(key, { lifetime: 'transient', inject: deps, useFactory: () => 1 });
  });
  for (let h = 0; h < singletons; h++) c.register(token<number>(`S${h}`), { inject: [tree[0]!], useFactory: () => 1 });
  const start = performance.now();
  let problems = 0;
  try {
    c.check();
  } catch (error) {
    problems = (error as BootError).problems.length;
  }
  return `${(performance.now() - start).toFixed(0)} ms, ${problems} problems`;
}

for (const captive of [false, true]) {
  for (const [singletons, transients] of [[1000, 100], [1000, 1000], [4000, 1000], [10_000, 1000]] as const) {
    process.stdout.write(`${captive ? 'request-scoped leaf' : 'no captive'}\t${singletons} singletons\t${transients} transients\t${checkMs(singletons, transients, captive)}\n`);
  }
}
