// One report for every problem: register(), override() and createContainer() record a bad declaration with the
// site of the call that made it, and the boot throws one BootError listing every declaration and graph problem, in
// declaration order, each with where it was registered (issue 21, point 4).
import test from 'ava';
import fc from 'fast-check';
import { fileURLToPath } from 'node:url';
import { BootError, createContainer, provide, token, type BootProblem, type Key } from '../../src/index.js';
import { createApp, route } from '../../src/fastify/index.js';

/** `file:line:` of the line that calls here, read from a stack as the container reads one (source maps or not). */
function here(): string {
  const frame = new Error().stack!.split('\n')[2]!;
  const [, file, line] = /\(?([^()\s]+):(\d+):\d+\)?$/.exec(frame.replace(/^\s*at (?:.*? \()?/, '('))!;
  return `${file!.startsWith('file://') ? fileURLToPath(file!) : file}:${line}:`;
}

async function bootError(t: { fail(message: string): void }, boot: () => unknown): Promise<BootError> {
  try {
    await boot();
  } catch (error) {
    if (error instanceof BootError) return error;
    throw error;
  }
  t.fail('the boot succeeded');
  throw new Error('unreachable');
}

const summary = (entries: readonly BootProblem[]): [string, string | undefined][] =>
  entries.map((e) => [e.problem.code, e.site?.replace(/\d+$/, '')]);

test('one BootError lists every bad declaration and every graph problem, in declaration order, each with its site', async (t) => {
  const Typo = token('Typo'), Life = token('Life'), Both = token('Both'), Slow = token('Slow'), Uses = token('Uses');
  const A = token('A'), B = token('B'), Dup = token('Dup'), Nowhere = token('Nowhere');
  const c = createContainer();
  const sites: string[] = [];
  c.register(Typo, { useFactroy: () => 1 } as never); sites.push(here());
  c.register(Life, { lifetime: 'forever' as 'singleton', useFactory: () => 1 }); sites.push(here());
  c.register(Both, { useValue: 1, useFactory: () => 1 } as never); sites.push(here());
  c.register(Slow, { timeout: -1, useFactory: () => 1 }); sites.push(here());
  c.register(Uses, { inject: [Typo, Nowhere], useFactory: () => 1 }); sites.push(here());
  c.register(A, { inject: [B], useFactory: () => 1 });
  c.register(B, { inject: [A], useFactory: () => 1 }); sites.push(here());
  c.register(Dup, { useValue: 1 }); const first = here();
  c.register(Dup, { useValue: 2 }); sites.push(here());

  const error = await bootError(t, () => c.boot());
  t.deepEqual(summary(error.entries), [
    ['LOOPSAFE_ERR_OPTION_INVALID', sites[0]],
    ['LOOPSAFE_ERR_OPTION_INVALID', sites[1]],
    ['LOOPSAFE_ERR_PROVIDER_INVALID', sites[2]],
    ['LOOPSAFE_ERR_OPTION_INVALID', sites[3]],
    ['LOOPSAFE_ERR_PROVIDER_MISSING', sites[4]], // Nowhere only: the refused Typo is no missing provider
    ['LOOPSAFE_ERR_CYCLE', sites[5]], // at B, whose dependency closes the cycle
    ['LOOPSAFE_ERR_PROVIDER_DUPLICATE', sites[6]],
  ]);
  t.deepEqual(error.problems, error.entries.map((e) => e.problem));
  t.like(error.problems[0], { option: 'useFactroy', suggestion: 'useFactory' });
  t.like(error.problems[1], { option: 'lifetime' });
  t.like(error.problems[3], { option: 'timeout' });
  t.deepEqual((error.problems[4] as unknown as { path: string[] }).path, ['Uses', 'Nowhere']);
  t.deepEqual((error.problems[5] as unknown as { path: string[] }).path, ['A', 'B', 'A']);
  t.true(error.problems[6]!.message.includes(`(at ${first}`), 'the duplicate names the first registration too');
  // Each line: the problem, then where it was registered; a site is one file:line:column, no stack dump.
  for (const { site } of error.entries) t.true(error.message.includes(`\n    registered at ${site!}\n`) || error.message.endsWith(`registered at ${site!}`));
  t.false(/\n\s+at /.test(error.message), 'no stack frames in the message');
});

test('a misspelt option is reported with the closest valid name, at the register() call', async (t) => {
  const Db = token('Db');
  const c = createContainer();
  c.register(Db, { injects: [], useFactory: () => 1 } as never); const site = here();
  const error = await bootError(t, () => c.check());
  t.is(error.entries.length, 1);
  t.like(error.entries[0]!.problem, { code: 'LOOPSAFE_ERR_OPTION_INVALID', option: 'injects', suggestion: 'inject' });
  t.true(error.entries[0]!.site!.startsWith(site));
});

test('a declaration in a providers list is placed at its provide() call; a later one for the same key at createContainer()', async (t) => {
  const Mailer = token('Mailer'), Clock = token('Clock');
  const mailer = provide(Mailer, { useValue: 'smtp' }); const mailerSite = here();
  const clock = provide(Clock, { lifetime: 'daily' as 'singleton', useFactory: () => 1 }); const clockSite = here();
  const again = provide(Mailer, { useValue: 'again' });
  const fake = provide(Mailer, { useFactroy: () => 'fake' } as never);
  const make = () => createContainer({ providers: [mailer, clock, again], overrides: [fake] }); const createSite = here();
  const error = await bootError(t, () => make().boot());
  t.deepEqual(summary(error.entries), [
    ['LOOPSAFE_ERR_OPTION_INVALID', clockSite],
    ['LOOPSAFE_ERR_PROVIDER_DUPLICATE', createSite],
    ['LOOPSAFE_ERR_OPTION_INVALID', createSite], // the override's refused def
  ]);
  t.true(error.problems[1]!.message.includes(`(at ${mailerSite}`));
});

test('an override with a bad declaration is reported at the override() call, and its dependents report nothing more', async (t) => {
  const Db = token('Db'), Repo = token('Repo');
  const c = createContainer({ providers: [provide(Db, { useValue: 1 }), provide(Repo, { inject: [Db], useFactory: (db) => db })] });
  c.override(Db, { useVallue: 2 } as never); const site = here();
  const error = await bootError(t, () => c.resolve(Repo)); // the first resolve boots the check too
  t.deepEqual(summary(error.entries), [['LOOPSAFE_ERR_OPTION_INVALID', site]]);
});

test('createApp reports every bad provider, and the graph problems of its routes, in one BootError', async (t) => {
  const Config = token('Config'), Db = token('Db'), Missing = token('Missing');
  const config = provide(Config, { useFactroy: () => ({}) } as never); const configSite = here();
  const db = provide(Db, { lifetime: 'request', eager: true, useFactory: () => ({}) }); const dbSite = here();
  const error = await bootError(t, () => createApp({
    providers: [config, db],
    routes: [route({ method: 'GET', url: '/', inject: [Missing], handler: () => 'x' })],
    shutdown: false,
    monitor: false,
  }));
  t.deepEqual(summary(error.entries), [
    ['LOOPSAFE_ERR_OPTION_INVALID', configSite],
    ['LOOPSAFE_ERR_PROVIDER_INVALID', dbSite],
    ['LOOPSAFE_ERR_PROVIDER_MISSING', undefined], // a route's provider is made by loopsafe: no user call to name
  ]);
});

test('registering on a booted container still throws ContainerFrozenError at once; on a disposed one DisposedError', async (t) => {
  const Late = token('Late');
  const c = createContainer();
  await c.boot();
  t.throws(() => c.register(Late, { useValue: 1 }), { code: 'LOOPSAFE_ERR_CONTAINER_FROZEN' });
  t.throws(() => c.override(Late, { useValue: 1 }), { code: 'LOOPSAFE_ERR_CONTAINER_FROZEN' });
  const d = createContainer();
  await d.dispose();
  t.throws(() => d.register(Late, { useValue: 1 }), { code: 'LOOPSAFE_ERR_DISPOSED' });
});

// A random mix of declarations against a model of what each one is: the report lists exactly the bad ones, in the
// order they were registered (duplicates come after every first registration here), and with none the graph boots.
type Kind = 'value' | 'factory' | 'typo' | 'lifetime' | 'both' | 'timeout' | 'ghost';
const bad: Record<Kind, string | undefined> = {
  value: undefined, factory: undefined, typo: 'LOOPSAFE_ERR_OPTION_INVALID', lifetime: 'LOOPSAFE_ERR_OPTION_INVALID',
  both: 'LOOPSAFE_ERR_PROVIDER_INVALID', timeout: 'LOOPSAFE_ERR_OPTION_INVALID', ghost: 'LOOPSAFE_ERR_PROVIDER_MISSING',
};
const Ghost = token('Ghost');

function declaration(kind: Kind, earlier: readonly Key[]): object {
  switch (kind) {
    case 'value': return { useValue: 1 };
    case 'factory': return { inject: [...earlier], useFactory: () => 1 }; // earlier keys only: never a cycle
    case 'typo': return { usefactory: () => 1 };
    case 'lifetime': return { lifetime: 'sometimes', useFactory: () => 1 };
    case 'both': return { useValue: 1, useClass: class {} };
    case 'timeout': return { timeout: 1.5, useFactory: () => 1 };
    case 'ghost': return { inject: [...earlier, Ghost], useFactory: () => 1 };
  }
}

test('property: the BootError lists exactly the bad declarations, in order, each at its call; a graph with none boots', async (t) => {
  const kinds = fc.constantFrom<Kind>('value', 'factory', 'typo', 'lifetime', 'both', 'timeout', 'ghost');
  await fc.assert(fc.asyncProperty(fc.array(fc.record({ kind: kinds, twice: fc.boolean() }), { maxLength: 8 }), async (decls) => {
    const keys = decls.map((_, i) => token(`K${i}`));
    const c = createContainer();
    let site = '';
    decls.forEach(({ kind }, i) => {
      c.register(keys[i]!, declaration(kind, keys.slice(0, i)) as never); site = here();
    });
    decls.forEach(({ twice }, i) => {
      if (twice) c.register(keys[i]!, { useValue: 2 });
    });
    const expected = [
      ...decls.flatMap(({ kind }) => (bad[kind] === undefined ? [] : [bad[kind]])),
      ...decls.flatMap(({ twice }) => (twice ? ['LOOPSAFE_ERR_PROVIDER_DUPLICATE'] : [])),
    ];
    try {
      await c.boot();
    } catch (error) {
      if (!(error instanceof BootError)) throw error;
      t.deepEqual(error.entries.map((e) => e.problem.code), expected);
      const firsts = error.entries.filter((e) => e.problem.code !== 'LOOPSAFE_ERR_PROVIDER_DUPLICATE');
      for (const e of firsts) t.true(e.site?.startsWith(site), `${e.site} at ${site}`);
      return;
    }
    t.deepEqual(expected, []);
    for (const key of keys) t.is(await c.resolve(key), 1);
    await c.dispose();
  }), { numRuns: 150 });
});
