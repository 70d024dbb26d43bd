/**
 * A request scope's instances live in an array sized, when the scope opens, to the slots numbered so far (at most
 * 64). Scopes opened before anything was numbered, scopes past the bound and scopes that use few of many slots must
 * all keep one instance per provider, their own, disposed once each, newest first.
 */
import test from 'ava';
import { createContainer, provide, token, type Key } from '../../src/index.js';

interface Link {
  readonly n: number;
  readonly scope: number;
  readonly prev: Link | undefined;
}

/** A chain of `length` request-scoped providers, each injecting the one before; disposals logged per scope. */
function chain(length: number) {
  const ScopeId = token<number>('ScopeId');
  const links = Array.from({ length }, (_, n) => token<Link>(`Link${n}`));
  const disposed: string[] = [];
  const container = createContainer({
    providers: [
      provide(ScopeId, { supplied: true }),
      ...links.map((key, n) =>
        provide(key, {
          lifetime: 'request',
          inject: n === 0 ? [ScopeId] : [ScopeId, links[n - 1]!],
          useFactory: (scope: number, prev?: Link): Link => ({ n, scope, prev }),
          dispose: (link: Link) => void disposed.push(`${link.scope}:${link.n}`),
        }),
      ),
    ],
  });
  return { container, ScopeId, links, disposed };
}

async function resolveIn(c: ReturnType<typeof chain>, scopeId: number, key: Key<Link>) {
  const scope = c.container.createScope().supply(c.ScopeId, scopeId);
  const link = (await scope.resolve(key)) as Link;
  return { scope, link };
}

function walk(link: Link | undefined): Link[] {
  const all: Link[] = [];
  for (let l = link; l !== undefined; l = l.prev) all.push(l);
  return all;
}

test('a chain of 200 request-scoped providers, past the 64 slots a scope starts with: each scope builds its own, disposed once, newest first', async (t) => {
  const c = chain(200);
  // The first scope opens before any slot is numbered (it starts empty); the second starts at the bound.
  const first = await resolveIn(c, 1, c.links[199]!);
  const second = await resolveIn(c, 2, c.links[199]!);
  for (const [id, { link }] of [[1, first], [2, second]] as const) {
    const all = walk(link);
    t.is(all.length, 200);
    t.true(all.every((l, i) => l.scope === id && l.n === 199 - i), `scope ${id} sees only its own links, in order`);
  }
  t.is((await second.scope.resolve(c.links[3]!)) as Link, walk(second.link)[196]!, 'a resolve later in the scope returns the instance it built');
  await first.scope.dispose();
  await second.scope.dispose();
  const expected = (id: number) => Array.from({ length: 200 }, (_, i) => `${id}:${199 - i}`);
  t.deepEqual(c.disposed, [...expected(1), ...expected(2)]);
});

test('a scope that uses two of 200 numbered slots, both far past the bound: its own instances, nothing else built', async (t) => {
  const c = chain(200);
  await (await resolveIn(c, 1, c.links[199]!)).scope.dispose();
  c.disposed.length = 0;
  // Slots are numbered on the way down the first chain, so Link1 and Link0 hold the last two, past 64.
  const { scope, link } = await resolveIn(c, 2, c.links[1]!);
  t.deepEqual(walk(link).map((l) => `${l.scope}:${l.n}`), ['2:1', '2:0']);
  await scope.dispose();
  t.deepEqual(c.disposed, ['2:1', '2:0']);
});

// A dependency whose slot the scope already fills is read from the slot directly, without a call to the resolver:
// the value must be exactly what resolve() would give, whatever it is.
test('request-scoped dependencies already in the scope are injected as they are: a supplied promise, a thenable, undefined, a shared instance', async (t) => {
  const later = Promise.resolve(1);
  const neverSettles = { then(): void {} };
  const Later = token<Promise<number>>('Later');
  const Thenable = token<typeof neverSettles>('Thenable');
  const Nothing = token<undefined>('Nothing');
  const Shared = token<{ id: number }>('Shared');
  const First = token<{ shared: { id: number } }>('First');
  const Holder = token<{ later: unknown; thenable: unknown; nothing: unknown; shared: unknown; first: { shared: unknown } }>('Holder');
  let made = 0;
  const container = createContainer({
    providers: [
      provide(Later, { supplied: true }),
      provide(Thenable, { supplied: true }),
      provide(Nothing, { supplied: true }),
      provide(Shared, { lifetime: 'request', useFactory: () => ({ id: ++made }) }),
      provide(First, { lifetime: 'request', inject: [Shared], useFactory: (shared) => ({ shared }) }),
      provide(Holder, {
        lifetime: 'request',
        inject: [First, Later, Thenable, Nothing, Shared],
        useFactory: (first, l, th, nothing, shared) => ({ later: l, thenable: th, nothing, shared, first }),
      }),
    ],
  });
  t.teardown(() => container.dispose());
  for (let round = 1; round <= 3; round++) {
    const scope = container.createScope().supply(Later, later).supply(Thenable, neverSettles).supply(Nothing, undefined);
    const holder = scope.resolveSync(Holder);
    t.is(holder.later, later, 'the supplied promise itself, not awaited');
    t.is(holder.thenable, neverSettles, 'the supplied thenable itself');
    t.is(holder.nothing, undefined);
    t.is(holder.shared, holder.first.shared, 'one instance per scope, built for the first dependent, read by the second');
    t.deepEqual(holder.shared, { id: round });
    await scope.dispose();
  }
});

test('a dependency still building in the scope is awaited, not read from its slot, and shared', async (t) => {
  const Slow = token<{ id: number }>('Slow');
  const Left = token<{ slow: { id: number } }>('Left');
  const Right = token<{ slow: { id: number } }>('Right');
  let made = 0;
  const container = createContainer({
    providers: [
      provide(Slow, { lifetime: 'request', useFactory: async () => { await new Promise((r) => setImmediate(r)); return { id: ++made }; } }),
      provide(Left, { lifetime: 'request', inject: [Slow], useFactory: (slow) => ({ slow }) }),
      provide(Right, { lifetime: 'request', inject: [Slow], useFactory: (slow) => ({ slow }) }),
    ],
  });
  t.teardown(() => container.dispose());
  const scope = container.createScope();
  const [left, right] = await Promise.all([scope.resolve(Left), scope.resolve(Right)]);
  t.is(made, 1);
  t.is(left.slow, right.slow);
  t.deepEqual(left.slow, { id: 1 });
  await scope.dispose();
});

test('a construction that failed in flight leaves its slot empty: both waiters get the error, the next resolve builds anew and is shared', async (t) => {
  const Flaky = token<{ attempt: number }>('Flaky');
  const Holder = token<{ flaky: { attempt: number } }>('Holder');
  let attempts = 0;
  const container = createContainer({
    providers: [
      provide(Flaky, {
        lifetime: 'request',
        useFactory: async () => {
          const attempt = ++attempts;
          await new Promise((r) => setImmediate(r));
          if (attempt === 1) throw new Error('first attempt fails');
          return { attempt };
        },
      }),
      provide(Holder, { lifetime: 'request', inject: [Flaky], useFactory: (flaky) => ({ flaky }) }),
    ],
  });
  t.teardown(() => container.dispose());
  const scope = container.createScope();
  const first = await Promise.allSettled([scope.resolve(Flaky), scope.resolve(Holder)]);
  t.deepEqual(first.map((r) => r.status), ['rejected', 'rejected']);
  t.is(attempts, 1, 'the two waiters shared one construction');
  const [flaky, holder] = await Promise.all([scope.resolve(Flaky), scope.resolve(Holder)]);
  t.is(attempts, 2);
  t.is(holder.flaky, flaky, 'the retry is shared too');
  t.is(scope.resolveSync(Flaky), flaky, 'and kept once settled');
  await scope.dispose();
});
