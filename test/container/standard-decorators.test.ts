// Providers declared with @Injectable({ inject }) (test/fixtures/standard-decorators/container/), the way TC39
// standard decorators need them. The one source runs compiled by tsc (standard decorators), by tsx (esbuild's) and
// by tsc with experimentalDecorators: the behaviour of test/container/class-metadata.test.ts must hold for all three.
import test from 'ava';
import type { Container } from '../../src/index.js';
import { fixtureLoader, type Compiler } from '../helpers/standard-decorators.js';

type Cls = new (...args: never[]) => object;
interface Injectables {
  createContainer(): Container;
  Url: symbol;
  Config: Cls;
  Db: Cls;
  Repo: Cls;
  Client: Cls;
  Pool: Cls;
  ChildDb: Cls;
  Clock: Cls;
  Configurable: Cls;
}
interface Misuse {
  createContainer(): Container;
  Config: Cls;
  Unlisted: Cls;
  onMethod(): unknown;
  misspeltOption(): unknown;
  notAList(): unknown;
}

const load = fixtureLoader('container');

function problems(error: unknown): [string, string][] {
  return (error as { problems: { code: string; path?: string[] }[] }).problems.map((p) => [p.code, (p.path ?? []).join(' -> ')]);
}

for (const compiler of ['tsc', 'tsx', 'tsc-legacy'] as Compiler[]) {
  test(`[${compiler}] a class is built from its decorator's inject list`, async (t) => {
    const f = (await load(compiler, 'injectables')) as Injectables;
    const c = f.createContainer().register(f.Config).register(f.Db).register(f.Repo);
    const repo = (await c.resolve(f.Repo)) as { db: { config: unknown }; config: { url: string } };
    t.true(repo.db instanceof f.Db);
    t.is(repo.db.config, repo.config, 'one singleton Config for both');
    t.is(repo.config.url, 'postgres://core');
  });

  test(`[${compiler}] a key the list names and nobody provides is found at boot with its path`, async (t) => {
    const f = (await load(compiler, 'injectables')) as Injectables;
    const error = t.throws(() => f.createContainer().register(f.Db).register(f.Repo).check());
    t.deepEqual(problems(error), [
      ['LOOPSAFE_ERR_PROVIDER_MISSING', 'Db -> Config'],
      ['LOOPSAFE_ERR_PROVIDER_MISSING', 'Repo -> Config'],
    ]);
  });

  test(`[${compiler}] tokens, an optional key nobody provides and a lazy key in one list`, async (t) => {
    const f = (await load(compiler, 'injectables')) as Injectables;
    const c = f.createContainer().register(f.Url, { useValue: 'redis://z' }).register(f.Config).register(f.Db).register(f.Repo).register(f.Client);
    const client = (await c.resolve(f.Client)) as { url: string; missing: unknown; repo: () => Promise<unknown> };
    t.is(client.url, 'redis://z');
    t.is(client.missing, undefined);
    t.is(await client.repo(), await c.resolve(f.Repo));
  });

  test(`[${compiler}] a parameter with a default value left out of the list keeps its default`, async (t) => {
    const f = (await load(compiler, 'injectables')) as Injectables;
    const pool = (await f.createContainer().register(f.Config).register(f.Pool).resolve(f.Pool)) as { config: unknown; size: number };
    t.true(pool.config instanceof f.Config);
    t.is(pool.size, 4);
  });

  test(`[${compiler}] a subclass without a decorator of its own is not given its base class's list`, async (t) => {
    const f = (await load(compiler, 'injectables')) as Injectables;
    const error = t.throws(() => f.createContainer().register(f.Config).register(f.ChildDb).check());
    t.deepEqual(problems(error).map(([code]) => code), ['LOOPSAFE_ERR_PROVIDER_INVALID']);
  });

  test(`[${compiler}] a class that needs nothing is built with @Injectable() alone`, async (t) => {
    const f = (await load(compiler, 'injectables')) as Injectables;
    t.is(((await f.createContainer().register(f.Clock).resolve(f.Clock)) as { started: number }).started, 1);
  });

  test(`[${compiler}] an inject list given to provide() takes precedence over the decorator's`, async (t) => {
    const f = (await load(compiler, 'injectables')) as Injectables;
    const c = f.createContainer().register(f.Url, { useValue: 'from provide' }).register(f.Configurable, { inject: [f.Url] });
    t.is(((await c.resolve(f.Configurable)) as { config: unknown }).config, 'from provide');
    const d = f.createContainer().register(f.Config).register(f.Configurable);
    t.true(((await d.resolve(f.Configurable)) as { config: unknown }).config instanceof f.Config);
  });

  test(`[${compiler}] a request-lifetime class with a list is built once per scope and disposed with it`, async (t) => {
    const f = (await load(compiler, 'injectables')) as Injectables;
    const c = f.createContainer().register(f.Config).register(f.Db, { lifetime: 'request' });
    const one = c.createScope();
    const two = c.createScope();
    t.teardown(() => Promise.all([one.dispose(), two.dispose(), c.dispose()]));
    const [a, b, other] = await Promise.all([one.resolve(f.Db), one.resolve(f.Db), two.resolve(f.Db)]);
    t.is(a, b);
    t.not(a, other);
  });
}

for (const compiler of ['tsc', 'tsx'] as const) {
  test(`[${compiler}] @Injectable on a method, a misspelt option or an inject that is not a list throws when the class is defined`, async (t) => {
    const misuse = (await load(compiler, 'misuse')) as Misuse;
    t.is(t.throws(misuse.onMethod)?.['code' as keyof Error], 'LOOPSAFE_ERR_DECORATOR_MISPLACED');
    t.is(t.throws(misuse.misspeltOption)?.['code' as keyof Error], 'LOOPSAFE_ERR_OPTION_INVALID');
    t.is(t.throws(misuse.notAList)?.['code' as keyof Error], 'LOOPSAFE_ERR_OPTION_INVALID');
  });

  test(`[${compiler}] a class whose constructor takes parameters and has no list is refused at boot: standard decorators emit no types`, async (t) => {
    const misuse = (await load(compiler, 'misuse')) as Misuse;
    const error = t.throws(() => misuse.createContainer().register(misuse.Config).register(misuse.Unlisted).check());
    t.deepEqual(problems(error), [['LOOPSAFE_ERR_PROVIDER_INVALID', 'Unlisted']]);
  });
}
