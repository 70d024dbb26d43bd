// The core without loopsafe/inversify: this file never imports it, so no reader of inversify's decorators is
// registered here (each test file runs in its own process). Class providers are built from the parameter types
// TypeScript emits, or from an inject list; a class with inversify decorators is refused with the import to add.
import 'reflect-metadata';
import test from 'ava';
import { inject, injectable } from 'inversify';
import { createContainer, Injectable, InversifyNotLoadedError, token, type BootError, type LoopsafeError } from '../../src/index.js';

// Any class decorator makes TypeScript emit `design:paramtypes` (emitDecoratorMetadata): loopsafe's Injectable(),
// or one of the app's own, which does nothing else.
const Service = (): ClassDecorator => () => {};

const Url = token<string>('Url');

class Config {
  readonly url = 'postgres://core';
}

@Injectable()
class Db {
  constructor(readonly config: Config) {}
}

@Service()
class Repo {
  constructor(readonly db: Db, readonly config: Config) {}
}

function problemCodes(error: unknown): string[] {
  return (error as BootError).problems.map((p) => p.code);
}

test('a decorated class is built from its class-typed constructor parameters, without loopsafe/inversify', async (t) => {
  const c = createContainer().register(Config).register(Db).register(Repo);
  const repo = await c.resolve(Repo);
  t.true(repo.db instanceof Db);
  t.is(repo.db.config, repo.config, 'one singleton Config for both');
  t.is(repo.config.url, 'postgres://core');
});

test('a missing class-typed parameter is found at boot with its path', (t) => {
  const c = createContainer().register(Db).register(Repo);
  const error = t.throws(() => c.check()) as BootError;
  t.deepEqual(error.problems.map((p) => [p.code, (p as LoopsafeError & { path: string[] }).path.join(' -> ')]), [
    ['LOOPSAFE_ERR_PROVIDER_MISSING', 'Db -> Config'],
    ['LOOPSAFE_ERR_PROVIDER_MISSING', 'Repo -> Config'],
  ]);
});

test('an inject list gives the constructor arguments of a class with no metadata', async (t) => {
  class Client {
    constructor(readonly url: string, readonly config: Config) {}
  }
  const c = createContainer().register(Url, { useValue: 'redis://z' }).register(Config).register(Client, { inject: [Url, Config] });
  const client = await c.resolve(Client);
  t.is(client.url, 'redis://z');
  t.true(client.config instanceof Config);
});

test('a parameter typed as something that is not a class, with no inject list, is refused at boot', (t) => {
  @Service()
  class Client {
    constructor(readonly url: string) {}
  }
  const error = t.throws(() => createContainer().register(Client).check()) as BootError;
  t.deepEqual(problemCodes(error), ['LOOPSAFE_ERR_PROVIDER_INVALID']);
  t.regex(error.problems[0]!.message, /Client has constructor parameters loopsafe cannot see/);
  t.regex(error.problems[0]!.message, /inject: \[\.\.\.\]/);
});

test('parameters with a default value keep it: only the parameters before the first default are injected', async (t) => {
  @Service()
  class Pool {
    constructor(readonly config: Config, readonly size = 4, readonly db: Db | undefined = undefined) {}
  }
  const pool = await createContainer().register(Config).register(Pool).resolve(Pool);
  t.true(pool.config instanceof Config);
  t.is(pool.size, 4);
  t.is(pool.db, undefined, 'Db is not registered, and the defaulted parameter does not ask for it');
});

test('an undecorated class with constructor parameters and no inject list is refused at boot', (t) => {
  class Plain {
    constructor(readonly config: Config) {}
  }
  const error = t.throws(() => createContainer().register(Config).register(Plain).check()) as BootError;
  t.deepEqual(problemCodes(error), ['LOOPSAFE_ERR_PROVIDER_INVALID']);
});

test('a subclass without a decorator of its own is not given its base class parameters', (t) => {
  class Child extends Db {
    constructor(readonly url: string) {
      super(new Config());
    }
  }
  const error = t.throws(() => createContainer().register(Config).register(Child).check()) as BootError;
  t.deepEqual(problemCodes(error), ['LOOPSAFE_ERR_PROVIDER_INVALID']);
});

test('a class with inversify decorators is refused at boot until loopsafe/inversify is imported, naming the import', (t) => {
  @injectable()
  class Legacy {
    constructor(@inject(Url) readonly url: string) {}
  }
  const error = t.throws(() => createContainer().register(Url, { useValue: 'x' }).register(Legacy).check()) as BootError;
  t.deepEqual(problemCodes(error), [InversifyNotLoadedError.code]);
  t.true(error.problems[0] instanceof InversifyNotLoadedError);
  t.deepEqual((error.problems[0] as InversifyNotLoadedError).path, ['Legacy']);
  t.true(error.problems[0]!.message.includes("import 'loopsafe/inversify';"));
});

test('an inject list does not let inversify decorators on the class be ignored: the class is refused too', (t) => {
  @injectable('Request')
  class Legacy {
    constructor(readonly url: string) {}
  }
  const error = t.throws(() => createContainer().register(Url, { useValue: 'x' }).register(Legacy, { inject: [Url] }).check()) as BootError;
  t.deepEqual(problemCodes(error), [InversifyNotLoadedError.code]);
});
