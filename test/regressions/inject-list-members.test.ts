import 'reflect-metadata';
import test from 'ava';
import { inject, injectable, optional, postConstruct, preDestroy } from 'inversify';
import { createContainer, LoopsafeError, token, type BootError } from '../../src/index.js';
import '../../src/inversify/index.js';

// An explicit `inject` list gives the constructor's arguments; it used to drop the rest of the class's inversify
// metadata too: @inject() properties were left unset, @postConstruct() and @preDestroy() never ran, with no error.
// Origin: inversify features/property_injection.int.spec.ts, "Should be able to inject a property combined with
// constructor injection", with the constructor's dependencies given as loopsafe's `inject` list.
const W = token<string>('W');

test("an explicit inject list keeps the class's property injection and lifecycle hooks", async (t) => {
  const log: string[] = [];
  @injectable()
  class S {
    @inject(W) w!: string;
    inited = false;
    constructor(readonly a: string) {}
    @postConstruct() init() {
      this.inited = true;
    }
    @preDestroy() close() {
      log.push('preDestroy');
    }
  }
  const c = createContainer().register(W, { useValue: 'weapon' }).register(S, { inject: [W] });
  const s = await c.resolve(S);
  t.deepEqual([s.a, s.w, s.inited], ['weapon', 'weapon', true]);
  await c.dispose();
  t.deepEqual(log, ['preDestroy']);
});

test("an inject list with the class's @injectable() scope: the scope still applies unless a lifetime is given", async (t) => {
  const A = token<string>('A');
  @injectable('Transient')
  class T {
    constructor(readonly a: string) {}
  }
  const c = createContainer().register(A, { useValue: 'a' }).register(T, { inject: [A] });
  t.not(await c.resolve(T), await c.resolve(T));
  const d = createContainer().register(A, { useValue: 'a' }).register(T, { inject: [A], lifetime: 'singleton' });
  t.is(await d.resolve(T), await d.resolve(T));
});

test('without @injectable(), the property decorators still apply beside the inject list', async (t) => {
  class Half {
    @inject(W) w!: string;
    constructor(readonly a: string) {}
  }
  const c = createContainer().register(W, { useValue: 'weapon' }).register(Half, { inject: [W] });
  const half = await c.resolve(Half);
  t.deepEqual([half.a, half.w], ['weapon', 'weapon']);
});

test('a property decorator inversify cannot complete (@optional() without @inject()) is refused at boot, not dropped', (t) => {
  class Incomplete {
    @optional() w?: string;
    constructor(readonly a: string) {}
  }
  const c = createContainer().register(W, { useValue: 'weapon' }).register(Incomplete, { inject: [W] });
  const error = t.throws(() => c.check()) as unknown as BootError;
  t.true(LoopsafeError.is(error, 'LOOPSAFE_ERR_BOOT'));
  t.deepEqual(error.problems.map((p) => p.code), ['LOOPSAFE_ERR_PROVIDER_INVALID']);
  t.regex(error.problems[0]!.message, /Incomplete/);
});

test('a plain class with an inject list (no decorators at all) is built with it, as before', async (t) => {
  class Plain {
    constructor(readonly a: string) {}
  }
  const c = createContainer().register(W, { useValue: 'weapon' }).register(Plain, { inject: [W] });
  t.is((await c.resolve(Plain)).a, 'weapon');
});
