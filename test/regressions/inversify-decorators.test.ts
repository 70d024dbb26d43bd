import 'reflect-metadata';
import test from 'ava';
import { inject, injectable, named, optional, tagged } from 'inversify';
import { createContainer, token, UnsupportedDecoratorError, type BootError } from '../../src/index.js';
import '../../src/inversify/index.js';

// Issue 9, item 6: inversify decorators silently misbehaved. An @optional() property with an initializer lost its
// default (inversify keeps it), and @named/@tagged were ignored, so a different binding was injected with no error.

const Db = token<string>('Db');
const Port = token<number>('Port');

test('an @optional() property with an initializer keeps its default when nothing provides it', async (t) => {
  @injectable()
  class Server {
    @inject(Port) @optional() readonly port: number = 8080;
  }
  const c = createContainer().register(Server);
  t.is((await c.resolve(Server)).port, 8080);
});

test('an @optional() property that is provided gets the injected value', async (t) => {
  @injectable()
  class Server {
    @inject(Port) @optional() readonly port: number = 8080;
  }
  const c = createContainer().register(Port, { useValue: 3000 }).register(Server);
  t.is((await c.resolve(Server)).port, 3000);
});

test('@named() on a constructor parameter is refused at boot, naming the class, the parameter and the fix', (t) => {
  @injectable()
  class Repo {
    constructor(@inject(Db) @named('replica') readonly db: string) {}
  }
  const c = createContainer().register(Db, { useValue: 'primary' }).register(Repo);
  const error = t.throws(() => c.check()) as BootError;
  const [problem] = error.problems;
  t.true(problem instanceof UnsupportedDecoratorError);
  t.is(problem?.code, 'LOOPSAFE_ERR_INVERSIFY_UNSUPPORTED');
  t.is((problem as UnsupportedDecoratorError).decorator, '@named(replica)');
  t.deepEqual((problem as UnsupportedDecoratorError).path, ['Repo']);
  t.regex(problem!.message, /constructor parameter 0 of Repo/);
  t.regex(problem!.message, /token/);
});

test('@tagged() on a property is refused at boot, and nothing is built', async (t) => {
  let built = 0;
  @injectable()
  class Repo {
    @inject(Db) @tagged('role', 'replica') readonly db!: string;
    constructor() {
      built++;
    }
  }
  const c = createContainer().register(Db, { useValue: 'primary' }).register(Repo);
  const error = await t.throwsAsync(c.boot()) as BootError;
  t.is(error.problems[0]?.code, 'LOOPSAFE_ERR_INVERSIFY_UNSUPPORTED');
  t.regex(error.problems[0]!.message, /property db of Repo uses @tagged\(role/);
  await t.throwsAsync(c.resolve(Repo));
  t.is(built, 0);
});

test('@optional() alone still resolves: only named and tagged bindings are refused', async (t) => {
  @injectable()
  class Repo {
    constructor(@inject(Db) @optional() readonly db: string | undefined) {}
  }
  const c = createContainer().register(Repo);
  t.is((await c.resolve(Repo)).db, undefined);
});
