// Issue 9, defect 4: deep graphs overflowed the stack with an uncoded RangeError (check() at 4-5k, resolve() near
// 2k) and built error paths in quadratic time. These assert behaviour only: no RangeError, the right value, the
// right path.
import test from 'ava';

// Serial: each case builds 100,000 providers; one at a time keeps the file's memory flat on a loaded machine.
import { BootError, createContainer, token, type Container, type LoopsafeError, type ResolutionPathError, type Token } from '../../src/index.js';

const DEPTH = 100_000;

/** A chain T0 -> T1 -> ... -> T(n-1): each provider's factory takes the next one's value and adds one. */
function chain(n: number, lifetime: 'singleton' | 'transient', leaf: (c: Container, key: Token<number>) => void): { c: Container; top: Token<number> } {
  const keys = Array.from({ length: n }, (_, i) => token<number>(`T${i}`));
  const c = createContainer();
  for (let i = 0; i < n - 1; i++) c.register(keys[i]!, { lifetime, inject: [keys[i + 1]!], useFactory: (next: number) => next + 1 });
  leaf(c, keys[n - 1]!);
  return { c, top: keys[0]! };
}

test.serial('a chain 100,000 singletons deep checks and resolves', async (t) => {
  const { c, top } = chain(DEPTH, 'singleton', (c, key) => c.register(key, { useFactory: () => 0 }));
  t.notThrows(() => c.check());
  t.is(await c.resolve(top), DEPTH - 1);
  await c.dispose();
});

test.serial('a chain 100,000 transients deep resolves in a scope', async (t) => {
  const { c, top } = chain(DEPTH, 'transient', (c, key) => c.register(key, { lifetime: 'transient', useFactory: () => 0 }));
  t.is(await c.createScope().resolve(top), DEPTH - 1);
  await c.dispose();
});

test.serial('a chain 100,000 deep whose last async factory fails names the whole path', async (t) => {
  const { c, top } = chain(DEPTH, 'singleton', (c, key) => c.register(key, { useFactory: async () => { throw new Error('down'); } }));
  const error = (await t.throwsAsync(c.resolve(top))) as ResolutionPathError;
  t.is(error.code, 'LOOPSAFE_ERR_PROVIDER_FAILED');
  t.is(error.path.length, DEPTH);
  t.is(error.path[0], 'T0');
  t.is(error.path[DEPTH - 1], `T${DEPTH - 1}`);
  t.true(error.message.startsWith('The factory of T99999 failed (down) while resolving T0 -> T1 -> '));
  t.true(error.stack!.includes('T99998 -> T99999'));
  await c.dispose();
});

test.serial('a key missing at the end of a chain 100,000 deep is reported with the whole path, beside a small cycle', (t) => {
  const { c } = chain(DEPTH, 'singleton', (c, key) => c.register(key, { inject: [token('Unregistered')], useFactory: () => 0 }));
  const keys = Array.from({ length: 3 }, (_, i) => token<number>(`C${i}`));
  c.register(keys[0]!, { inject: [keys[1]!], useFactory: (n: number) => n })
    .register(keys[1]!, { inject: [keys[2]!], useFactory: (n: number) => n })
    .register(keys[2]!, { inject: [keys[0]!], useFactory: (n: number) => n });
  const boot = t.throws(() => c.check()) as BootError;
  t.deepEqual(boot.problems.map((p) => p.code).sort(), ['LOOPSAFE_ERR_CYCLE', 'LOOPSAFE_ERR_PROVIDER_MISSING']);
  const missing = boot.problems.find((p) => p.code === 'LOOPSAFE_ERR_PROVIDER_MISSING') as ResolutionPathError;
  t.is(missing.path.length, DEPTH + 1, 'the missing key is reached through the whole chain');
});

test.serial('a cycle through 100,000 providers is found at boot with its whole path', (t) => {
  const keys = Array.from({ length: DEPTH }, (_, i) => token<number>(`K${i}`));
  const c = createContainer();
  for (let i = 0; i < DEPTH; i++) c.register(keys[i]!, { inject: [keys[(i + 1) % DEPTH]!], useFactory: (n: number) => n });
  const boot = t.throws(() => c.check()) as BootError;
  t.is(boot.problems.length, 1);
  const cycle = boot.problems[0] as LoopsafeError & ResolutionPathError;
  t.is(cycle.code, 'LOOPSAFE_ERR_CYCLE');
  t.is(cycle.path.length, DEPTH + 1);
  t.is(cycle.path[0], cycle.path[DEPTH]);
});

test.serial('a singleton holding a request-scoped provider through 100,000 transients is a captive', (t) => {
  const keys = Array.from({ length: DEPTH }, (_, i) => token<number>(`R${i}`));
  const c = createContainer();
  for (let i = 0; i < DEPTH - 1; i++) c.register(keys[i]!, { lifetime: i === 0 ? 'singleton' : 'transient', inject: [keys[i + 1]!], useFactory: (n: number) => n });
  c.register(keys[DEPTH - 1]!, { lifetime: 'request', useFactory: () => 0 });
  const boot = t.throws(() => c.check()) as BootError;
  t.deepEqual(boot.problems.map((p) => p.code), ['LOOPSAFE_ERR_CAPTIVE_DEPENDENCY']);
  const captive = boot.problems[0] as ResolutionPathError;
  t.is(captive.path.length, DEPTH);
  t.is(captive.path[DEPTH - 1], `R${DEPTH - 1}`);
});
