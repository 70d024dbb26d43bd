/**
 * inversify's own test suite (inversify/monorepo, packages/container/libraries/inversify/src/test/ and the
 * lifecycle docs), its semantics ported to loopsafe: classes decorated with inversify's decorators, registered in
 * a loopsafe container. Each case names the file and title it comes from. Where loopsafe differs on purpose the
 * case asserts loopsafe's behaviour and says so; README "Differences from awilix, NestJS, inversify and FastAPI"
 * lists each one.
 */
import 'reflect-metadata';
import test from 'ava';
import { inject, injectable, injectFromBase, LazyServiceIdentifier, optional, postConstruct, preDestroy, unmanaged } from 'inversify';
import { createContainer, LoopsafeError, token, type BootError } from '../../src/index.js';
import '../../src/inversify/index.js';

interface Weapon {
  name: string;
}

@injectable()
class Katana implements Weapon {
  name = 'Katana';
}

@injectable()
class Shuriken implements Weapon {
  name = 'Shuriken';
}

// annotation/optional.int.spec.ts, "Should allow to flag dependencies as optional"
test('an @optional() constructor dependency is undefined until something provides it', async (t) => {
  @injectable()
  class Ninja {
    constructor(@inject('Katana') readonly katana: Katana, @inject('Shuriken') @optional() readonly shuriken: Shuriken | undefined) {}
  }
  const without = createContainer().register('Katana', { useClass: Katana }).register(Ninja);
  const ninja = await without.resolve(Ninja);
  t.is(ninja.katana.name, 'Katana');
  t.is(ninja.shuriken, undefined);
  // inversify binds Shuriken later on the same container; a booted loopsafe container is closed, so a second one.
  const withIt = createContainer().register('Katana', { useClass: Katana }).register('Shuriken', { useClass: Shuriken }).register(Ninja);
  t.is((await withIt.resolve(Ninja)).shuriken?.name, 'Shuriken');
});

// annotation/optional.int.spec.ts, "Should allow to set a default value for dependencies flagged as optional"
test('an @optional() constructor parameter with a default gets the default when nothing provides it', async (t) => {
  @injectable()
  class Ninja {
    constructor(@inject('Katana') readonly katana: Katana, @inject('Shuriken') @optional() readonly shuriken: Weapon = { name: 'DefaultShuriken' }) {}
  }
  const without = createContainer().register('Katana', { useClass: Katana }).register(Ninja);
  t.is((await without.resolve(Ninja)).shuriken.name, 'DefaultShuriken');
  const withIt = createContainer().register('Katana', { useClass: Katana }).register('Shuriken', { useClass: Shuriken }).register(Ninja);
  t.is((await withIt.resolve(Ninja)).shuriken.name, 'Shuriken');
});

// features/property_injection.int.spec.ts, "Should be able to inject a property"
test('a property decorated with @inject() is set on the instance', async (t) => {
  @injectable()
  class Samurai {
    @inject('Weapon') weapon!: Weapon;
  }
  const c = createContainer().register('Weapon', { useClass: Katana }).register(Samurai);
  t.is((await c.resolve(Samurai)).weapon.name, 'Katana');
});

// features/property_injection.int.spec.ts, "Should be able to inject a property combined with constructor injection"
test('property injection and constructor injection combine', async (t) => {
  @injectable()
  class Samurai {
    @inject('Secondary') secondaryWeapon!: Weapon;
    constructor(@inject('Primary') readonly primaryWeapon: Weapon) {}
  }
  const c = createContainer().register('Primary', { useClass: Katana }).register('Secondary', { useClass: Shuriken }).register(Samurai);
  const samurai = await c.resolve(Samurai);
  t.is(samurai.primaryWeapon.name, 'Katana');
  t.is(samurai.secondaryWeapon.name, 'Shuriken');
});

// features/property_injection.int.spec.ts, "Should be able to inject a property in a base class" (without the
// @tagged constraints, which loopsafe has no equivalent for)
test('a property injected in a base class is set on the derived instance; @unmanaged() base parameters are the derived class\'s business', async (t) => {
  @injectable()
  class BaseWarrior {
    @inject('Primary') primaryWeapon!: Weapon;
    constructor(@unmanaged() readonly name: string) {}
  }
  @injectable()
  @injectFromBase({ extendConstructorArguments: false, extendProperties: true })
  class Samurai extends BaseWarrior {
    @inject('Secondary') secondaryWeapon!: Weapon;
    constructor() {
      super('Samurai');
    }
  }
  const c = createContainer().register('Primary', { useClass: Katana }).register('Secondary', { useClass: Shuriken }).register(Samurai);
  const samurai = await c.resolve(Samurai);
  t.is(samurai.name, 'Samurai');
  t.is(samurai.primaryWeapon.name, 'Katana');
  t.is(samurai.secondaryWeapon.name, 'Shuriken');
});

// features/property_injection.int.spec.ts, "Should be able to flag a property injection as optional"
test('an @optional() property is undefined until something provides it', async (t) => {
  @injectable()
  class Router {
    @inject('Route') @optional() readonly route!: { name: string } | undefined;
  }
  t.is((await createContainer().register(Router).resolve(Router)).route, undefined);
  const c = createContainer().register('Route', { useValue: { name: 'route1' } }).register(Router);
  t.is((await c.resolve(Router)).route?.name, 'route1');
});

// bugs/bugs.int.spec.ts, "Should be able to combine unmanaged and managed injections "
test('@unmanaged() base constructor parameters combine with managed ones in the derived class', async (t) => {
  class Type {
    name = 'Type';
  }
  @injectable()
  class RepoBase<T> {
    readonly model: { instance: T };
    constructor(@unmanaged() entityType: new () => T) {
      this.model = { instance: new entityType() };
    }
  }
  @injectable()
  class TypedRepo extends RepoBase<Type> {
    constructor() {
      super(Type);
    }
  }
  @injectable()
  class TypedBl {
    constructor(readonly repository: TypedRepo) {}
  }
  const c = createContainer().register(TypedRepo).register('TypedBL', { useClass: TypedBl });
  t.is(((await c.resolve('TypedBL')) as TypedBl).repository.model.instance.name, 'Type');
});

// inversify.int.spec.ts, "Should be able to use Symbols as runtime identifiers" and "Should be able to use classes as runtime identifiers"
test('symbols (loopsafe tokens) and classes work as identifiers in @inject()', async (t) => {
  const WeaponId = token<Weapon>('Weapon');
  @injectable()
  class Ninja {
    constructor(@inject(WeaponId) readonly weapon: Weapon, @inject(Shuriken) readonly star: Shuriken) {}
  }
  const c = createContainer().register(WeaponId, { useClass: Katana }).register(Shuriken).register(Ninja);
  const ninja = await c.resolve(Ninja);
  t.deepEqual([ninja.weapon.name, ninja.star.name], ['Katana', 'Shuriken']);
});

// inversify.int.spec.ts, "Should be able to wrap Symbols with LazyServiceIdentifier"
test('a LazyServiceIdentifier is unwrapped to the key it names', async (t) => {
  const WeaponId = Symbol.for('Weapon');
  @injectable()
  class Ninja {
    constructor(@inject(new LazyServiceIdentifier(() => WeaponId)) readonly weapon: Weapon) {}
  }
  const c = createContainer().register(WeaponId, { useClass: Katana }).register(Ninja);
  t.is((await c.resolve(Ninja)).weapon.name, 'Katana');
});

// inversify.int.spec.ts, "Should support control over the scope of the dependencies"
// Difference: inversify's default scope is Transient; loopsafe's default lifetime is singleton. An explicit
// @injectable('Transient') or @injectable('Singleton') is honoured.
test('the default lifetime is singleton; @injectable(scope) and the registration choose another', async (t) => {
  @injectable()
  class Plain {}
  @injectable('Transient')
  class Fresh {}
  @injectable('Singleton')
  class Shared {}
  const c = createContainer().register(Plain).register(Fresh).register(Shared).register('AlsoFresh', { useClass: Plain, lifetime: 'transient' });
  t.is(await c.resolve(Plain), await c.resolve(Plain));
  t.not(await c.resolve(Fresh), await c.resolve(Fresh));
  t.is(await c.resolve(Shared), await c.resolve(Shared));
  t.not(await c.resolve('AlsoFresh'), await c.resolve('AlsoFresh'));
});

// features/request_scope.int.spec.ts, "Should support request scope in basic bindings"
// Difference: inversify's Request scope is one instance per container.get() call tree. loopsafe's request
// lifetime is one instance per scope (an HTTP request), across every resolve in it; outside a scope it is
// LOOPSAFE_ERR_SCOPE_REQUIRED.
test('@injectable(\'Request\') is one instance per scope, shared by every resolve in that scope', async (t) => {
  @injectable('Request')
  class Katana2 {}
  @injectable()
  class Samurai {
    constructor(readonly katana: Katana2, readonly spare: Katana2) {}
  }
  const c = createContainer().register(Katana2).register(Samurai, { lifetime: 'request' });
  const scope = c.createScope();
  const samurai = await scope.resolve(Samurai);
  t.is(samurai.katana, samurai.spare);
  t.is(await scope.resolve(Katana2), samurai.katana, 'the same instance for a later resolve in the same scope');
  t.not(await c.createScope().resolve(Katana2), samurai.katana);
  t.true(LoopsafeError.is(await t.throwsAsync(c.resolve(Katana2)), 'LOOPSAFE_ERR_SCOPE_REQUIRED'));
});

// node/exceptions.int.spec.ts, "Should throw if circular dependencies found"
// Difference: inversify throws on get(); loopsafe reports it at check(), before anything is constructed.
test('circular class dependencies are a boot problem', (t) => {
  @injectable()
  class A {
    constructor(@inject('B') readonly b: unknown) {}
  }
  @injectable()
  class B {
    constructor(@inject('A') readonly a: unknown) {}
  }
  const c = createContainer().register('A', { useClass: A }).register('B', { useClass: B });
  const error = t.throws(() => c.check()) as BootError;
  t.deepEqual(error.problems.map((p) => p.code), ['LOOPSAFE_ERR_CYCLE']);
});

// bugs/issue_543.int.spec.ts, "Should throw correct circular dependency path"
test('the cycle path names the cycle, not the irrelevant siblings', (t) => {
  const TYPE = { Child: Symbol('Child'), Child2: Symbol('Child2'), Circular: Symbol('Circular'), Irrelevant: Symbol('Irrelevant1'), Root: Symbol('Root') };
  @injectable()
  class Irrelevant {}
  @injectable()
  class Child2 {
    constructor(@inject(TYPE.Circular) readonly circ: unknown) {}
  }
  @injectable()
  class Child {
    constructor(@inject(TYPE.Irrelevant) readonly irrelevant: unknown, @inject(TYPE.Child2) readonly child2: unknown) {}
  }
  @injectable()
  class Circular {
    constructor(@inject(TYPE.Irrelevant) readonly irrelevant: unknown, @inject(TYPE.Child) readonly child: unknown) {}
  }
  @injectable()
  class Root {
    constructor(@inject(TYPE.Irrelevant) readonly irrelevant: unknown, @inject(TYPE.Circular) readonly circ: unknown) {}
  }
  const c = createContainer()
    .register(TYPE.Root, { useClass: Root })
    .register(TYPE.Irrelevant, { useClass: Irrelevant })
    .register(TYPE.Circular, { useClass: Circular })
    .register(TYPE.Child, { useClass: Child })
    .register(TYPE.Child2, { useClass: Child2 });
  const error = t.throws(() => c.check()) as BootError;
  t.deepEqual(error.problems.map((p) => [p.code, (p as unknown as { path: string[] }).path]), [
    ['LOOPSAFE_ERR_CYCLE', ['Circular', 'Child', 'Child2', 'Circular']],
  ]);
});

// docs/api/decorator.mdx "postConstruct" (an async @postConstruct is awaited by getAsync; it runs after property injection)
test('@postConstruct runs after constructor and property injection, and an async one is awaited before the instance is handed out', async (t) => {
  const log: string[] = [];
  @injectable()
  class Service {
    @inject('Weapon') weapon!: Weapon;
    ready = false;
    constructor() {
      log.push('constructor');
    }
    @postConstruct()
    async init() {
      log.push(`postConstruct sees ${this.weapon.name}`);
      await new Promise((resolve) => setImmediate(resolve));
      this.ready = true;
    }
  }
  const c = createContainer().register('Weapon', { useClass: Katana }).register(Service);
  const [a, b] = await Promise.all([c.resolve(Service), c.resolve(Service)]);
  t.is(a, b);
  t.true(a.ready);
  t.deepEqual(log, ['constructor', 'postConstruct sees Katana']);
});

// docs/api/decorator.mdx "postConstruct": a throwing @postConstruct fails the resolution
test('a throwing @postConstruct fails the resolution with a coded error naming the class; the next resolve tries again', async (t) => {
  let attempts = 0;
  @injectable()
  class Flaky {
    @postConstruct()
    init() {
      if (++attempts === 1) throw new Error('not yet');
    }
  }
  const c = createContainer().register(Flaky);
  const error = await t.throwsAsync(c.resolve(Flaky));
  t.true(LoopsafeError.is(error, 'LOOPSAFE_ERR_PROVIDER_FAILED'));
  t.deepEqual((error as unknown as { path: string[] }).path, ['Flaky']);
  t.true((await c.resolve(Flaky)) instanceof Flaky);
});

// docs/fundamentals/lifecycle/deactivation.mdx: "Whenever a singleton scoped service is unbound, the deactivation
// event is dispatched ... finally the preDestroy method is called."
// Difference: inversify runs @preDestroy for singletons only, when unbound. loopsafe runs it when the instance's
// scope or container is disposed, for every lifetime, newest first, awaited.
test('@preDestroy runs when the scope or container disposes the instance, for every lifetime, newest first', async (t) => {
  const log: string[] = [];
  @injectable()
  class Pool {
    @preDestroy()
    async close() {
      await new Promise((resolve) => setImmediate(resolve));
      log.push('pool');
    }
  }
  @injectable('Request')
  class Unit {
    constructor(readonly pool: Pool) {}
    @preDestroy()
    close() {
      log.push('unit');
    }
  }
  @injectable('Transient')
  class Cursor {
    constructor(readonly unit: Unit) {}
    @preDestroy()
    close() {
      log.push('cursor');
    }
  }
  const c = createContainer().register(Pool).register(Unit).register(Cursor);
  const scope = c.createScope();
  await scope.resolve(Cursor);
  await scope.dispose();
  t.deepEqual(log, ['cursor', 'unit']);
  await c.dispose();
  t.deepEqual(log, ['cursor', 'unit', 'pool']);
});

// inversify.int.spec.ts, "Should be able to inject into a super constructor"
test('a derived class whose decorated constructor passes its dependency to super() is built with it', async (t) => {
  const WeaponId = Symbol.for('Weapon');
  @injectable()
  class Samurai {
    constructor(readonly weapon: Weapon) {}
  }
  @injectable()
  class SamuraiMaster extends Samurai {
    readonly isMaster = true;
    constructor(@inject(WeaponId) weapon: Weapon) {
      super(weapon);
    }
  }
  const c = createContainer().register(WeaponId, { useClass: Katana }).register('SamuraiMaster2', { useClass: SamuraiMaster });
  const master = (await c.resolve('SamuraiMaster2')) as SamuraiMaster;
  t.is(master.weapon.name, 'Katana');
  t.true(master.isMaster);
});

// inversify.int.spec.ts, "Should be able to inject a regular derived class"
test('a derived class gets what its own constructor declares, not the base class\'s parameters', async (t) => {
  const Rank = Symbol.for('RANK');
  @injectable()
  class Samurai {
    constructor(readonly rank: string) {}
  }
  @injectable()
  class SamuraiMaster extends Samurai {
    constructor(@inject(Rank) rank: string) {
      super(rank);
    }
  }
  const c = createContainer().register('SamuraiMaster', { useClass: SamuraiMaster }).register(Rank, { useValue: 'Master' });
  t.is(((await c.resolve('SamuraiMaster')) as SamuraiMaster).rank, 'Master');
});

// inversify.int.spec.ts, "Should not throw due to a missing @injectable in a base class"
test('a base class without @injectable() does not stop a decorated derived class', async (t) => {
  class Samurai {
    constructor(readonly rank: string) {}
  }
  @injectable()
  class SamuraiMaster extends Samurai {
    constructor() {
      super('master');
    }
  }
  const c = createContainer().register('SamuraiMaster', { useClass: SamuraiMaster });
  t.is(((await c.resolve('SamuraiMaster')) as SamuraiMaster).rank, 'master');
});

// bugs/issue_1518.test.ts, "should not throw on deactivating undefined singleton values"
test('disposing a container holding undefined values and instances does not throw', async (t) => {
  const Foo = Symbol.for('foo');
  const Bar = Symbol.for('bar');
  const c = createContainer().register(Foo, { useValue: undefined }).register(Bar, { useFactory: () => undefined });
  t.is(await c.resolve(Foo), undefined);
  t.is(await c.resolve(Bar), undefined);
  await t.notThrowsAsync(c.dispose());
});

// bugs/bugs.int.spec.ts, "Should be able to combine dynamic value with singleton scope"
test('a factory (inversify\'s dynamic value) in singleton scope runs once', async (t) => {
  let calls = 0;
  const Transport = Symbol.for('transport');
  const c = createContainer().register(Transport, { useFactory: () => ({ n: ++calls }) });
  t.is(await c.resolve(Transport), await c.resolve(Transport));
  t.is(calls, 1);
});

// docs/api/decorator.mdx "injectable": a class whose constructor parameters loopsafe cannot see is an invalid
// provider at boot with the fix in the message (inversify fails on get()).
test('a class with constructor parameters and no inversify metadata is refused at boot', (t) => {
  class Undecorated {
    constructor(readonly weapon: Weapon) {}
  }
  const c = createContainer().register(Undecorated);
  const error = t.throws(() => c.check()) as BootError;
  t.deepEqual(error.problems.map((p) => p.code), ['LOOPSAFE_ERR_PROVIDER_INVALID']);
});
