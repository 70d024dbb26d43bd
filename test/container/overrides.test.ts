import test from 'ava';
import { createContainer, provide, token, type LoopsafeError } from '../../src/index.js';

interface Mailer {
  send(to: string): Promise<string>;
}
const Mailer = token<Mailer>('Mailer');
const Signup = token<{ run(to: string): Promise<string> }>('Signup');

// What an app module would export; tests must not have to touch it.
const appProviders = [
  provide(Mailer, { useFactory: () => ({ send: async (to: string) => `smtp:${to}` }) }),
  provide(Signup, { inject: [Mailer], useFactory: (mailer) => ({ run: (to: string) => mailer.send(to) }) }),
];

test('overrides replace a provider with a value, leaving the app providers untouched', async (t) => {
  const sent: string[] = [];
  const fake: Mailer = { send: async (to) => (sent.push(to), `fake:${to}`) };
  const c = createContainer({ providers: appProviders, overrides: [provide(Mailer, { useValue: fake })] });
  t.is(await (await c.resolve(Signup)).run('a@b.c'), 'fake:a@b.c');
  t.deepEqual(sent, ['a@b.c']);
});

test('override() replaces a provider with another factory before boot', async (t) => {
  const c = createContainer({ providers: appProviders });
  c.override(Mailer, { useFactory: () => ({ send: async (to: string) => `queued:${to}` }) });
  await c.boot();
  t.is(await (await c.resolve(Signup)).run('x'), 'queued:x');
});

test('override() after boot is refused with a coded error instead of leaving stale instances', async (t) => {
  const c = createContainer({ providers: appProviders });
  await c.boot();
  const error = t.throws(() => c.override(Mailer, { useValue: { send: async () => '' } }));
  t.is((error as LoopsafeError).code, 'LOOPSAFE_ERR_CONTAINER_FROZEN');
});

test('an override that breaks the graph is reported at boot like any provider', async (t) => {
  const Ghost = token('Ghost');
  const c = createContainer({ providers: appProviders, overrides: [provide(Mailer, { inject: [Ghost], useFactory: () => ({ send: async () => '' }) })] });
  t.is(((await t.throwsAsync(c.boot())) as LoopsafeError).code, 'LOOPSAFE_ERR_BOOT');
});
