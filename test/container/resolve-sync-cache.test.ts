// resolveSync's fast path (a field on the plan of each singleton it returned) never outlives the container: disposal
// clears it, and it never holds anything but a settled singleton.
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

test('the fast path holds singletons only: a transient is new on every resolveSync, two containers keep their own', async (t) => {
  class Clock {}
  class Handler {}
  const providers = [provide(Clock, { inject: [] }), provide(Handler, { lifetime: 'transient', inject: [] })];
  const a = createContainer({ providers });
  const b = createContainer({ providers });
  t.not(a.resolveSync(Handler), a.resolveSync(Handler));
  const clock = a.resolveSync(Clock);
  t.is(a.resolveSync(Clock), clock);
  t.not(b.resolveSync(Clock), clock, 'the second container builds its own singleton');
  await a.dispose();
  t.throws(() => a.resolveSync(Clock), { code: 'LOOPSAFE_ERR_DISPOSED' });
  t.not(b.resolveSync(Clock), clock, 'disposing one container leaves the other working');
  await b.dispose();
});
