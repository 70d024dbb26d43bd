import test from 'ava';
import { createContainer, lazy, token, type BootError, type Token } from '../../src/index.js';

// check()'s captive walk ran once per singleton over the transients below it: 10,000 singletons sharing 1,000
// transients cost 10,000 walks of the same subgraph. It is now one walk of the graph (timing is measured outside
// the tests, see the CHANGELOG); these tests pin what it must still report at that size and in the awkward shapes.
const paths = (error: unknown): string[][] =>
  (error as BootError).problems.map((p) => [p.code, ...(p as unknown as { path: string[] }).path]);

test('10,000 singletons over a shared tree of 1,000 transients with a request-scoped leaf: 10,000 captives, each with its path', (t) => {
  const transients = Array.from({ length: 1000 }, (_, i) => token<number>(`T${i}`));
  const Req = token<number>('Req');
  const c = createContainer().register(Req, { lifetime: 'request', useFactory: () => 1 });
  transients.forEach((k, i) => {
    const deps: Token<number>[] = [transients[2 * i + 1], transients[2 * i + 2]].filter((d) => d !== undefined);
    if (i === 999) deps.push(Req);
    c.register(k, { lifetime: 'transient', inject: deps, useFactory: () => 1 });
  });
  for (let h = 0; h < 10_000; h++) c.register(token<number>(`S${h}`), { inject: [transients[0]!], useFactory: () => 1 });
  const found = paths(t.throws(() => c.check()));
  t.is(found.length, 10_000);
  const below = ['T0', 'T2', 'T6', 'T14', 'T30', 'T61', 'T124', 'T249', 'T499', 'T999', 'Req'];
  t.true(found.every((p, h) => p.join(' ') === ['LOOPSAFE_ERR_CAPTIVE_DEPENDENCY', `S${h}`, ...below].join(' ')), found[0]?.join(' -> '));
});

test('a singleton reaching two request-scoped providers through one transient gets two problems, each path its own', (t) => {
  const [A, B] = [token<number>('A'), token<number>('B')];
  const Mid = token<number>('Mid');
  const Leaf = token<number>('Leaf');
  const c = createContainer()
    .register(A, { lifetime: 'request', useFactory: () => 1 })
    .register(B, { lifetime: 'request', useFactory: () => 1 })
    .register(Leaf, { lifetime: 'transient', inject: [B], useFactory: () => 1 })
    .register(Mid, { lifetime: 'transient', inject: [A, Leaf], useFactory: () => 1 })
    .register(token<number>('S'), { inject: [Mid, A], useFactory: () => 1 });
  t.deepEqual(paths(t.throws(() => c.check())).sort(), [
    ['LOOPSAFE_ERR_CAPTIVE_DEPENDENCY', 'S', 'Mid', 'A'],
    ['LOOPSAFE_ERR_CAPTIVE_DEPENDENCY', 'S', 'Mid', 'Leaf', 'B'],
  ]);
});

test('transients that need each other lazily still lead a singleton to the request-scoped provider behind them', (t) => {
  const [X, Y] = [token<number>('X'), token<number>('Y')];
  const Req = token<number>('Req');
  const c = createContainer()
    .register(Req, { lifetime: 'request', useFactory: () => 1 })
    .register(X, { lifetime: 'transient', inject: [lazy(Y)], useFactory: () => 1 })
    .register(Y, { lifetime: 'transient', inject: [X, Req], useFactory: () => 1 })
    .register(token<number>('S'), { inject: [X], useFactory: () => 1 });
  t.deepEqual(paths(t.throws(() => c.check())), [['LOOPSAFE_ERR_CAPTIVE_DEPENDENCY', 'S', 'X', 'lazy(Y)', 'Y', 'Req']]);
});
