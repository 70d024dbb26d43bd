// resolveSync's fast path (a map of the singletons it returned) never outlives the container: disposal clears it.
import test from 'ava';
import { createContainer, provide, token } from '../../src/index.js';

test('resolveSync returns the same singleton from its fast path, and refuses once disposal has started', async (t) => {
  class Clock {}
  const Nothing = token<undefined>('Nothing');
  const c = createContainer({ providers: [provide(Clock, { inject: [] }), provide(Nothing, { useFactory: () => undefined })] });
  const first = c.resolveSync(Clock);
  t.is(c.resolveSync(Clock), first);
  t.is(c.resolveSync(Nothing), undefined);
  t.is(c.resolveSync(Nothing), undefined);
  const disposing = c.dispose();
  t.throws(() => c.resolveSync(Clock), { code: 'LOOPSAFE_ERR_DISPOSED' });
  await disposing;
  t.throws(() => c.resolveSync(Clock), { code: 'LOOPSAFE_ERR_DISPOSED' });
});
