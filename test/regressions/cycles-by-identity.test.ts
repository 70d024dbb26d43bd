// Issue 9, defect 5: cycles were de-duplicated by name, so two modules' cycles between same-named tokens were
// reported as one, and messages could not tell the keys apart.
import test from 'ava';
import { createContainer, token, type BootError, type ResolutionPathError } from '../../src/index.js';

function cyclicModule() {
  const A = token<number>('A');
  const B = token<number>('B');
  return [
    { key: A, def: { inject: [B], useFactory: (b: number) => b } },
    { key: B, def: { inject: [A], useFactory: (a: number) => a } },
  ];
}

test('two independent cycles between same-named tokens are two problems, told apart by name', (t) => {
  const c = createContainer({ providers: [...cyclicModule(), ...cyclicModule()] });
  const boot = t.throws(() => c.check()) as BootError;
  const cycles = boot.problems.filter((p) => p.code === 'LOOPSAFE_ERR_CYCLE') as ResolutionPathError[];
  t.is(cycles.length, 2);
  t.deepEqual(cycles.map((p) => p.path), [['A', 'B', 'A'], ['A#2', 'B#2', 'A#2']]);
});

test('a runtime error names the same-named key it is about', async (t) => {
  const first = token<number>('Db');
  const second = token<number>('Db');
  const c = createContainer()
    .register(first, { useFactory: () => 1 })
    .register(second, { useFactory: async () => { throw new Error('down'); } });
  const error = (await t.throwsAsync(c.resolve(second))) as ResolutionPathError;
  t.deepEqual(error.path, ['Db#2']);
  t.true(error.message.includes('Db#2'));
});
