/**
 * awilix's own test suite (jeffijoe/awilix, src/__tests__/), its semantics ported to loopsafe: lifetimes,
 * disposal and strict mode. Each case names the file and title it comes from. Where loopsafe differs on purpose
 * the case asserts loopsafe's behaviour and says so; README "Differences from awilix, NestJS, inversify and
 * FastAPI" lists each one.
 */
import test from 'ava';
import { createContainer, LoopsafeError, token, type BootError } from '../../src/index.js';
import { onlyBootProblem } from '../helpers/boot.js';

function bootProblems(t: { fail(m: string): void }, run: () => void): [string, readonly string[]][] {
  try {
    run();
  } catch (error) {
    if (!LoopsafeError.is(error, 'LOOPSAFE_ERR_BOOT')) throw error;
    return (error as BootError).problems.map((p) => [p.code, (p as unknown as { path: readonly string[] }).path]);
  }
  t.fail('expected a BootError');
  return [];
}

// awilix src/__tests__/container.test.ts, "supports transient lifetime"
test('transient: a new instance for every resolve', async (t) => {
  let counter = 1;
  const Hehe = token<number>('hehe');
  const c = createContainer().register(Hehe, { lifetime: 'transient', useFactory: () => counter++ });
  t.is(await c.resolve(Hehe), 1);
  t.is(await c.resolve(Hehe), 2);
});

// awilix src/__tests__/container.test.ts, "supports singleton lifetime"
test('singleton: one instance for every resolve', async (t) => {
  let counter = 1;
  const Hehe = token<number>('hehe');
  const c = createContainer().register(Hehe, { lifetime: 'singleton', useFactory: () => counter++ });
  t.is(await c.resolve(Hehe), 1);
  t.is(await c.resolve(Hehe), 1);
});

// awilix src/__tests__/container.test.ts, "supports scoped lifetime"
test('request: one instance per scope, another in the next scope', async (t) => {
  let counter = 1;
  const Scoped = token<number>('scoped');
  const c = createContainer().register(Scoped, { lifetime: 'request', useFactory: () => counter++ });
  const scope1 = c.createScope();
  t.is(await scope1.resolve(Scoped), 1);
  t.is(await scope1.resolve(Scoped), 1);
  const scope2 = c.createScope();
  t.is(await scope2.resolve(Scoped), 2);
  t.is(await scope2.resolve(Scoped), 2);
});

// awilix src/__tests__/container.test.ts, "caches singletons regardless of scope"
test('a singleton resolved from two scopes is one instance', async (t) => {
  let counter = 1;
  const Single = token<number>('singleton');
  const c = createContainer().register(Single, { useFactory: () => counter++ });
  const [scope1, scope2] = [c.createScope(), c.createScope()];
  t.deepEqual([await scope1.resolve(Single), await scope1.resolve(Single), await scope2.resolve(Single), await scope2.resolve(Single)], [1, 1, 1, 1]);
});

// awilix src/__tests__/container.test.ts, "resolves transients regardless of scope"
test('a transient resolved from scopes is new every time', async (t) => {
  let counter = 1;
  const Transient = token<number>('transient');
  const c = createContainer().register(Transient, { lifetime: 'transient', useFactory: () => counter++ });
  const [scope1, scope2] = [c.createScope(), c.createScope()];
  t.deepEqual([await scope1.resolve(Transient), await scope1.resolve(Transient), await scope2.resolve(Transient), await scope2.resolve(Transient)], [1, 2, 3, 4]);
});

// awilix src/__tests__/container.test.ts, "does not use parents cache when scoped"
// Difference: awilix resolves a scoped registration from the root container (and caches it there). loopsafe
// refuses: a request-scoped provider outside a scope is LOOPSAFE_ERR_SCOPE_REQUIRED. Scopes do not nest.
test('a request-scoped provider resolved from the container is refused, not cached at the root', async (t) => {
  let counter = 1;
  const Scoped = token<number>('scoped');
  const c = createContainer().register(Scoped, { lifetime: 'request', useFactory: () => counter++ });
  const error = await t.throwsAsync(c.resolve(Scoped));
  t.true(LoopsafeError.is(error, 'LOOPSAFE_ERR_SCOPE_REQUIRED'));
  t.is(await c.createScope().resolve(Scoped), 1, 'the failed resolve built nothing');
});

// awilix src/__tests__/container.test.ts, "resolves dependencies in scope"
test('a request-scoped provider gets the scope\'s own supplied value', async (t) => {
  const RequestId = token<number>('requestId');
  const Greeter = token<string>('greeter');
  const c = createContainer()
    .register(RequestId, { supplied: true })
    .register(Greeter, { lifetime: 'request', inject: [RequestId], useFactory: (id) => `hello ${id}` });
  t.is(await c.createScope().supply(RequestId, 1).resolve(Greeter), 'hello 1');
  t.is(await c.createScope().supply(RequestId, 2).resolve(Greeter), 'hello 2');
});

// awilix src/__tests__/container.test.ts, "supports overwriting values in a scope"
// Difference: awilix lets a scope register (and overwrite) anything. loopsafe scopes take values only for keys
// declared { supplied: true }, once each: a second supply() is LOOPSAFE_ERR_SUPPLY_INVALID.
test('a scope cannot register providers; it supplies declared values, once', (t) => {
  const Value = token<string>('value');
  const Fixed = token<string>('fixed');
  const c = createContainer().register(Value, { supplied: true }).register(Fixed, { useValue: 'root' });
  const scope = c.createScope().supply(Value, 'first');
  t.true(LoopsafeError.is(t.throws(() => scope.supply(Value, 'second')), 'LOOPSAFE_ERR_SUPPLY_INVALID'));
  t.true(LoopsafeError.is(t.throws(() => scope.supply(Fixed, 'other')), 'LOOPSAFE_ERR_SUPPLY_INVALID'));
  t.is(scope.resolveSync(Value), 'first');
});

// awilix src/__tests__/container.test.ts, "throws an AwilixResolutionError when there are cyclic dependencies"
// Difference: awilix finds the cycle on the first resolve, with the entry point in the path
// (first -> second -> third -> second). loopsafe finds it at check(), before anything is constructed, and
// names the cycle itself.
test('a cycle is a boot problem naming the cycle, found before anything is constructed', (t) => {
  let built = 0;
  const [First, Second, Third] = [token('first'), token('second'), token('third')];
  const c = createContainer()
    .register(First, { inject: [Second], useFactory: () => ++built })
    .register(Second, { inject: [Third], useFactory: () => ++built })
    .register(Third, { inject: [Second], useFactory: () => ++built });
  t.deepEqual(bootProblems(t, () => c.check()), [['LOOPSAFE_ERR_CYCLE', ['second', 'third', 'second']]]);
  t.is(built, 0);
});

// awilix src/__tests__/container.test.ts, "cycle detection edge cases" / "detects a self-referencing dependency (A -> A)"
test('a provider that depends on itself is a cycle of one', (t) => {
  const SelfRef = token('selfRef');
  const c = createContainer().register(SelfRef, { inject: [SelfRef], useFactory: () => 1 });
  t.deepEqual(bootProblems(t, () => c.check()), [['LOOPSAFE_ERR_CYCLE', ['selfRef', 'selfRef']]]);
});

// awilix src/__tests__/container.test.ts, "cycle detection edge cases" / "detects a cycle with Symbol keys"
test('a cycle between plain symbol keys names both symbols', (t) => {
  const SA = Symbol('symA');
  const SB = Symbol('symB');
  const c = createContainer().register(SA, { inject: [SB], useFactory: () => 1 }).register(SB, { inject: [SA], useFactory: () => 2 });
  const error = t.throws(() => c.check()) as BootError;
  t.regex(error.message, /symA/);
  t.regex(error.message, /symB/);
});

// awilix src/__tests__/container.test.ts, "resolution stack integrity" / "successful resolve then failing resolve in same factory has correct stack"
test('the path of a missing provider names only the failing chain, not a sibling that resolved', (t) => {
  const [Good, Faulty, Missing] = [token('good'), token('faulty'), token('missing')];
  const c = createContainer().register(Good, { useValue: 'ok' }).register(Faulty, { inject: [Good, Missing], useFactory: () => 1 });
  t.deepEqual(bootProblems(t, () => c.check()), [['LOOPSAFE_ERR_PROVIDER_MISSING', ['faulty', 'missing']]]);
});

// awilix src/__tests__/container.test.ts, "throws an AwilixResolutionError when the lifetime is unknown"
// Difference: awilix throws when it resolves; loopsafe reports the declaration at boot, before anything is built,
// naming the option (with every other problem of the graph). The key stays declared, so nothing that injects it
// is also reported missing.
test('an unknown lifetime is reported at boot, before anything resolves', async (t) => {
  const First = token('first');
  const c = createContainer();
  c.register(First, { lifetime: 'lol' as 'singleton', useFactory: () => 1 });
  const error = (await onlyBootProblem(t, () => c.boot())) as unknown as { code: string; option: string };
  t.is(error.code, 'LOOPSAFE_ERR_OPTION_INVALID');
  t.is(error.option, 'lifetime');
  t.true(c.has(First));
});

// awilix src/__tests__/container.test.ts, "strict mode" / "allows longer lifetime modules to depend on shorter lifetime dependencies by default"
// Difference: awilix (strict) calls a scoped -> transient edge a lifetime mismatch. loopsafe is always strict, but a
// transient takes the lifetime of whatever holds it, so request -> transient (and singleton -> transient) is allowed.
test('a request-scoped provider may depend on a transient', async (t) => {
  const [First, Second] = [token<string>('first'), token<string>('second')];
  const c = createContainer()
    .register(First, { lifetime: 'request', inject: [Second], useFactory: (s) => s })
    .register(Second, { lifetime: 'transient', useFactory: () => 'hah' });
  t.is(await c.createScope().resolve(First), 'hah');
});

// awilix src/__tests__/container.test.ts, "strict mode" / "throws an AwilixResolutionError when longer lifetime modules depend on shorter lifetime dependencies and strict is set"
// Difference: loopsafe has no non-strict mode; the captive check runs at every boot, not on resolve.
test('a singleton depending on a request-scoped provider fails the boot with its path', (t) => {
  const [First, Second] = [token('first'), token('second')];
  const c = createContainer()
    .register(First, { inject: [Second], useFactory: (s) => s })
    .register(Second, { lifetime: 'request', useFactory: () => 'hah' });
  t.deepEqual(bootProblems(t, () => c.check()), [['LOOPSAFE_ERR_CAPTIVE_DEPENDENCY', ['first', 'second']]]);
});

// awilix src/__tests__/container.test.ts, "strict mode" / "allows for asValue() to be used when strict is set"
test('a singleton and a request-scoped provider may both depend on a useValue', async (t) => {
  const [Value, Single, PerRequest] = [token<string>('value'), token<string>('single'), token<string>('perRequest')];
  const c = createContainer()
    .register(Value, { useValue: 'v' })
    .register(Single, { inject: [Value], useFactory: (v) => `s${v}` })
    .register(PerRequest, { lifetime: 'request', inject: [Value], useFactory: (v) => `r${v}` });
  c.check();
  t.is(await c.resolve(Single), 'sv');
  t.is(await c.createScope().resolve(PerRequest), 'rv');
});

// awilix src/__tests__/container.test.ts, "strict mode deep chains" / "detects lifetime violation on cached scoped value resolved through a longer-lived ancestor"
test('the captive check does not depend on what is cached: it runs at boot, before anything is built', (t) => {
  const [SingletonDep, ScopedVal] = [token('singletonDep'), token('scopedVal')];
  const c = createContainer()
    .register(SingletonDep, { inject: [ScopedVal], useFactory: (v) => v })
    .register(ScopedVal, { lifetime: 'request', useFactory: () => 'scoped-result' });
  t.deepEqual(bootProblems(t, () => c.check()), [['LOOPSAFE_ERR_CAPTIVE_DEPENDENCY', ['singletonDep', 'scopedVal']]]);
});

// awilix src/__tests__/container.test.ts, "strict mode deep chains" / "resolves a 5-level deep all-SCOPED chain without error"
test('a five-deep chain of request-scoped providers resolves', async (t) => {
  const keys = [1, 2, 3, 4, 5].map((i) => token<string>(`s${i}`));
  const c = createContainer();
  keys.forEach((key, i) => {
    const next = keys[i + 1];
    if (next === undefined) c.register(key, { lifetime: 'request', useFactory: () => 'deep-scoped-value' });
    else c.register(key, { lifetime: 'request', inject: [next], useFactory: (v) => v });
  });
  t.is(await c.createScope().resolve(keys[0]!), 'deep-scoped-value');
});

// awilix src/__tests__/container.test.ts, "singleton resolution using only root container" / "resolves singletons using root container only, even if called from scope"
test('a singleton first resolved in a scope belongs to the container: the scope does not dispose it', async (t) => {
  const disposed: string[] = [];
  const Single = token<{ n: number }>('single');
  const c = createContainer().register(Single, { useFactory: () => ({ n: 1 }), dispose: () => void disposed.push('single') });
  const scope = c.createScope();
  const fromScope = await scope.resolve(Single);
  await scope.dispose();
  t.deepEqual(disposed, []);
  t.is(await c.resolve(Single), fromScope);
  await c.dispose();
  t.deepEqual(disposed, ['single']);
});

// awilix src/__tests__/container.disposing.test.ts, "disposing container" / "calls the disposers in the correct order"
test('container.dispose() disposes open scopes\' instances before the singletons', async (t) => {
  const order: number[] = [];
  const [FuncDisposer, ClassDisposer] = [token<object>('funcDisposer'), token<object>('classDisposer')];
  const c = createContainer()
    .register(FuncDisposer, { useFactory: () => ({}), dispose: () => void order.push(2) })
    .register(ClassDisposer, { lifetime: 'request', useFactory: () => ({}), dispose: () => void order.push(1) });
  const scope = c.createScope();
  await scope.resolve(FuncDisposer);
  await scope.resolve(ClassDisposer);
  await c.dispose();
  t.deepEqual(order, [1, 2]);
});

// awilix src/__tests__/container.disposing.test.ts, "disposing container" / "when the scope is disposed directly, disposes scoped instances but does not dispose the root singletons"
test('scope.dispose() disposes the scope\'s instances only, newest first', async (t) => {
  const order: string[] = [];
  const [NotDisposer, Scoped, Single, ClassDisposer] = [token('notDisposer'), token('scoped'), token('single'), token('classDisposer')];
  const c = createContainer()
    .register(NotDisposer, { lifetime: 'request', useFactory: () => ({}) })
    .register(Scoped, { lifetime: 'request', useFactory: () => ({}), dispose: () => void order.push('scoped') })
    .register(Single, { useFactory: () => ({}), dispose: () => void order.push('single') })
    .register(ClassDisposer, { lifetime: 'request', useFactory: () => ({}), dispose: () => void order.push('class') });
  const scope = c.createScope();
  await scope.resolve(Single);
  await scope.resolve(ClassDisposer);
  await scope.resolve(Scoped);
  await scope.resolve(NotDisposer);
  await scope.dispose();
  t.deepEqual(order, ['scoped', 'class']);
});

// awilix README "Disposing": only SCOPED and SINGLETON registrations are disposed (awilix caches nothing else).
// Difference: loopsafe also disposes transients, with the scope (or container) that resolved them.
test('a transient with a disposer is disposed with the scope that resolved it', async (t) => {
  const disposed: number[] = [];
  let n = 0;
  const Conn = token<number>('conn');
  const c = createContainer().register(Conn, { lifetime: 'transient', useFactory: () => ++n, dispose: (i) => void disposed.push(i) });
  const scope = c.createScope();
  await scope.resolve(Conn);
  await scope.resolve(Conn);
  await scope.dispose();
  t.deepEqual(disposed, [2, 1]);
});

// awilix src/__tests__/container.test.ts, "throws an AwilixResolutionError with a resolution path when resolving an unregistered dependency"
// and "does not screw up the resolution stack when called twice"
test('a missing provider deep in the graph is reported with the whole path, for every entry point', (t) => {
  const [First, OtherFirst, Second, Third] = [token('first'), token('otherFirst'), token('second'), token('third')];
  const c = createContainer()
    .register(First, { inject: [Second], useFactory: () => 1 })
    .register(OtherFirst, { inject: [Second], useFactory: () => 1 })
    .register(Second, { inject: [Third], useFactory: () => 1 });
  const found = bootProblems(t, () => c.check());
  t.is(found.length, 1, 'the missing provider is reported once, by the first path that reaches it');
  t.is(found[0]![0], 'LOOPSAFE_ERR_PROVIDER_MISSING');
  t.deepEqual(found[0]![1].slice(-2), ['second', 'third']);
});

// awilix src/__tests__/lifetime.test.ts, "isLifetimeLonger" / "correctly compares lifetimes"
// Difference: awilix (strict) rejects every edge from a longer lifetime to a shorter one, transients included.
// loopsafe rejects only singleton -> request: a transient lives as long as whatever holds it.
test('the captive rule over every pair of lifetimes: only a singleton holding a request-scoped provider fails', (t) => {
  const lifetimes = ['transient', 'request', 'singleton'] as const;
  const refused: string[] = [];
  for (const holder of lifetimes) {
    for (const dependency of lifetimes) {
      const [Holder, Dependency] = [token(`${holder}Holder`), token(`${dependency}Dependency`)];
      const c = createContainer()
        .register(Holder, { lifetime: holder, inject: [Dependency], useFactory: () => ({}) })
        .register(Dependency, { lifetime: dependency, useFactory: () => ({}) });
      try {
        c.check();
      } catch (error) {
        if (!LoopsafeError.is(error, 'LOOPSAFE_ERR_BOOT')) throw error;
        refused.push(`${holder} -> ${dependency}`);
      }
    }
  }
  t.deepEqual(refused, ['singleton -> request']);
});

// awilix src/__tests__/container.test.ts, "behaves properly when the cradle is returned from an async function"
test('a scope or the container returned from an async function is not mistaken for a promise', async (t) => {
  const c = createContainer().register(token('x'), { useValue: 1 });
  const scope = c.createScope();
  t.is(await (async () => scope)(), scope);
  t.is(await (async () => c)(), c);
});
