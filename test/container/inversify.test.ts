import 'reflect-metadata';
import test from 'ava';
import { Container as InversifyContainer, inject, injectable, multiInject, optional, postConstruct, preDestroy, unmanaged } from 'inversify';
import { createContainer, token, type BootError, type InversifyContainerLike, type LoopsafeError } from '../../src/index.js';
import '../../src/inversify/index.js';

const Url = token<string>('Url');
const Missing = token<string>('Missing');

@injectable()
class Config {
  readonly env = 'test';
}

@injectable()
class Db {
  constructor(@inject(Url) readonly url: string, readonly config: Config) {}
}

@injectable()
class Repo {
  constructor(readonly db: Db, @inject(Missing) @optional() readonly missing: string | undefined) {}
}

test('classes decorated with inversify @injectable/@inject resolve unchanged, design:paramtypes included', async (t) => {
  const c = createContainer().register(Url, { useValue: 'postgres://x' }).register(Config).register(Db).register(Repo);
  const repo = await c.resolve(Repo);
  t.is(repo.db.url, 'postgres://x');
  t.true(repo.db.config instanceof Config);
  t.is(repo.missing, undefined, '@optional() with no provider is undefined');
});

test('inversify property injection, @postConstruct and @preDestroy are honoured', async (t) => {
  const log: string[] = [];
  @injectable()
  class Service {
    @inject(Url) url!: string;
    ready = false;
    @postConstruct()
    async init() {
      await Promise.resolve();
      this.ready = true;
    }
    @preDestroy()
    close() {
      log.push(`closed ${this.url}`);
    }
  }
  const c = createContainer().register(Url, { useValue: 'redis://y' }).register(Service, { lifetime: 'request' });
  const scope = c.createScope();
  const service = await scope.resolve(Service);
  t.is(service.url, 'redis://y');
  t.true(service.ready);
  await scope.dispose();
  t.deepEqual(log, ['closed redis://y']);
});

test("inversify's @injectable scope sets the lifetime when the registration does not", async (t) => {
  @injectable('Request')
  class PerRequest {}
  const c = createContainer().register(PerRequest);
  t.is(((await t.throwsAsync(c.resolve(PerRequest))) as LoopsafeError).code, 'LOOPSAFE_ERR_SCOPE_REQUIRED');
  const scope = c.createScope();
  t.is(await scope.resolve(PerRequest), await scope.resolve(PerRequest));
});

test('@unmanaged() parameters receive undefined', async (t) => {
  @injectable()
  class WithUnmanaged {
    constructor(readonly config: Config, @unmanaged() readonly extra?: string) {}
  }
  const c = createContainer().register(Config).register(WithUnmanaged);
  t.is((await c.resolve(WithUnmanaged)).extra, undefined);
});

test('@multiInject() is refused at boot with the unsupported-decorator code and a fix', (t) => {
  @injectable()
  class Plugins {
    constructor(@multiInject(Url) readonly urls: string[]) {}
  }
  const c = createContainer().register(Plugins);
  const error = t.throws(() => c.check()) as BootError;
  t.is(error.problems[0]?.code, 'LOOPSAFE_ERR_INVERSIFY_UNSUPPORTED');
  t.regex(error.problems[0]!.message, /array/);
});

test('a missing inversify dependency is caught at boot with its path', (t) => {
  const c = createContainer().register(Config).register(Db).register(Repo);
  const error = t.throws(() => c.check()) as BootError;
  t.deepEqual(error.problems.map((p) => (p as LoopsafeError & { path: string[] }).path.join(' -> ')), ['Db -> Url']);
});

test('an attached inversify Container answers the keys loopsafe has no provider for', async (t) => {
  const legacy = new InversifyContainer();
  legacy.bind(Url).toConstantValue('from-inversify');
  legacy.bind(Config).toSelf().inSingletonScope();
  const c = createContainer({ inversify: legacy }).register(Db).register(Repo);
  await c.boot();
  const repo = await c.resolve(Repo);
  t.is(repo.db.url, 'from-inversify');
  t.is(repo.db.config, legacy.get(Config), "inversify's singleton is the one injected");
  t.true(c.has(Url));
});

test("inversify's errors are translated into a loopsafe error at the boundary", async (t) => {
  const legacy = new InversifyContainer();
  const Broken = token<string>('Broken');
  legacy.bind(Broken).toDynamicValue(() => {
    throw new Error('inversify factory failed');
  });
  const User = token('User');
  const c = createContainer({ inversify: legacy }).register(User, { inject: [Broken], useFactory: (b) => b });
  const error = (await t.throwsAsync(c.resolve(User))) as LoopsafeError & { path: string[] };
  t.is(error.code, 'LOOPSAFE_ERR_INVERSIFY');
  t.deepEqual(error.path, ['User', 'Broken']);
  t.truthy(error.cause);
});

test('loopsafe tokens work as inversify service identifiers', (t) => {
  const legacy = new InversifyContainer();
  legacy.bind(Url).toConstantValue('shared-token');
  t.is(legacy.get(Url), 'shared-token');
});

test('the inversify option is refused at creation unless it has the isBound and getAsync loopsafe calls', (t) => {
  const error = t.throws(() => createContainer({ inversify: { isBound: () => false } as never })) as LoopsafeError;
  t.is(error.code, 'LOOPSAFE_ERR_OPTION_INVALID');
  t.regex(error.message, /inversify/);
});

test('an inversify Container fits the option as it is: its type is loopsafe\'s structural one, not inversify\'s', async (t) => {
  // The option's type is loopsafe's own (InversifyContainerLike): the real Container is assignable without a cast.
  const legacy: InversifyContainerLike = new InversifyContainer();
  const c = createContainer({ inversify: legacy });
  t.false(c.has(Url));
  await c.dispose();
});
