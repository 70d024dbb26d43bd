import test from 'ava';
import { createContainer, provide, token } from '../../src/index.js';
import { createApp } from '../../src/fastify/index.js';
import { onlyBootProblem } from '../helpers/boot.js';

// Issue 9, item 8: `timeout: Infinity` (or anything above 2^31-1 ms) was accepted, and Node turned it into a 1 ms
// timer, so every async factory failed at once with LOOPSAFE_ERR_PROVIDER_TIMEOUT. It is now refused at creation.

const Slow = token<number>('Slow');
const slow = { useFactory: async () => { await new Promise((resolve) => setTimeout(resolve, 20)); return 1; } };

test('timeout: Infinity on the container is refused at creation instead of failing every async factory', (t) => {
  for (const timeout of [Infinity, 2 ** 31]) {
    const error = t.throws(() => createContainer({ timeout, providers: [provide(Slow, slow)] }), { code: 'LOOPSAFE_ERR_OPTION_INVALID' });
    t.like(error, { where: 'createContainer', option: 'timeout' });
  }
});

test('timeout: Infinity on a provider is refused at boot', async (t) => {
  const error = await onlyBootProblem(t, () => createContainer({ providers: [provide(Slow, { ...slow, timeout: Infinity })] }).boot());
  t.like(error, { code: 'LOOPSAFE_ERR_OPTION_INVALID', where: 'provider Slow', option: 'timeout' });
});

test('the largest timeout accepted really waits: an async factory taking a few ms resolves', async (t) => {
  const container = createContainer({ timeout: 2 ** 31 - 1, providers: [provide(Slow, slow)] });
  t.teardown(() => container.dispose());
  t.is(await container.resolve(Slow), 1);
  const own = createContainer({ providers: [provide(Slow, { ...slow, timeout: 2 ** 31 - 1 })] });
  t.teardown(() => own.dispose());
  t.is(await own.resolve(Slow), 1);
});

test('shutdown.timeout: Infinity is refused by createApp before anything is built', async (t) => {
  const error = await t.throwsAsync(createApp({ providers: [], shutdown: { timeout: Infinity } }), { code: 'LOOPSAFE_ERR_OPTION_INVALID' });
  t.like(error, { where: 'createApp', option: 'shutdown.timeout' });
});
