// Issue 9, defect 7 (boot half): an inject list shorter than the constructor's parameters injected undefined
// silently. From JavaScript, or through an untyped Registration, the compiler cannot catch it: the boot does.
import test from 'ava';
import 'reflect-metadata';
import { injectable } from 'inversify';
import { createContainer, token, type AnyProviderDef, type BootError, type ResolutionPathError } from '../../src/index.js';
import '../../src/inversify/index.js';

const Db = token<{ query(): void }>('Db');
const RequestId = token<number>('RequestId');

class UnitOfWork {
  constructor(readonly db: unknown, readonly requestId: unknown) {}
}

class WithDefault {
  constructor(readonly db: unknown, readonly retries = 3) {}
}

@injectable()
class Decorated {
  constructor(readonly db: Object) {}
}

function problems(key: unknown, def: AnyProviderDef): readonly string[] {
  const c = createContainer({
    providers: [
      { key: Db, def: { useValue: { query() {} } } },
      { key: RequestId, def: { supplied: true } },
      { key: key as typeof UnitOfWork, def },
    ],
  });
  try {
    c.check();
    return [];
  } catch (error) {
    return (error as BootError).problems.map((p) => `${p.code} ${(p as ResolutionPathError).path.join(' -> ')}`);
  }
}

test('an inject list shorter than the constructor is a boot problem, for a self declaration and for useClass', (t) => {
  t.deepEqual(problems(UnitOfWork, { lifetime: 'request', inject: [Db] }), ['LOOPSAFE_ERR_PROVIDER_INVALID UnitOfWork']);
  const Work = token('Work');
  t.deepEqual(problems(Work, { useClass: UnitOfWork, inject: [Db] }), ['LOOPSAFE_ERR_PROVIDER_INVALID Work']);
});

test('a matching inject list, or one that leaves out a parameter with a default, boots', (t) => {
  t.deepEqual(problems(UnitOfWork, { lifetime: 'request', inject: [Db, RequestId] }), []);
  t.deepEqual(problems(WithDefault, { inject: [Db] }), []);
  t.deepEqual(problems(WithDefault, { lifetime: 'request', inject: [Db, RequestId] }), []);
});

test('with decorator metadata, an inject list longer than the constructor is a boot problem', (t) => {
  t.deepEqual(problems(Decorated, { lifetime: 'request', inject: [Db, RequestId] }), ['LOOPSAFE_ERR_PROVIDER_INVALID Decorated']);
  t.deepEqual(problems(Decorated, { inject: [Db] }), []);
});
