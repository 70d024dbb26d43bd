// Issue 9, item 9: the cycle hint said "resolve on use" with no way to do it. lazy(key) is that way.
import test from 'ava';
import { createContainer, lazy, token, type BootError, type LoopsafeError, type ResolutionPathError } from '../../src/index.js';

interface Orders { total(): Promise<number> }
interface Billing { orders: Orders; rate: number }

test('lazy(key) breaks a cycle: each side gets the other, resolved on use', async (t) => {
  const OrdersKey = token<Orders>('Orders');
  const BillingKey = token<Billing>('Billing');
  const c = createContainer()
    .register(OrdersKey, {
      inject: [lazy(BillingKey)],
      useFactory: (billing) => ({ total: async () => (await billing()).rate * 2 }),
    })
    .register(BillingKey, { inject: [OrdersKey], useFactory: async (orders) => ({ orders, rate: 21 }) });
  t.teardown(() => c.dispose());
  await c.boot();
  const billing = await c.resolve(BillingKey);
  t.is(await billing.orders.total(), 42);
  t.is(billing.orders, await c.resolve(OrdersKey), 'the singleton is shared');
});

test('the cycle error tells which side to make lazy', (t) => {
  const A = token<number>('A');
  const B = token<number>('B');
  const c = createContainer()
    .register(A, { inject: [B], useFactory: (b) => b })
    .register(B, { inject: [A], useFactory: (a) => a });
  const boot = t.throws(() => c.check()) as BootError;
  const cycle = boot.problems[0] as ResolutionPathError;
  t.is(cycle.code, 'LOOPSAFE_ERR_CYCLE');
  t.true(cycle.message.includes('give B lazy(A) instead of A'));
});

test('a lazy key nobody provides fails the boot', (t) => {
  const Missing = token<number>('Missing');
  const Holder = token<number>('Holder');
  const c = createContainer().register(Holder, { inject: [lazy(Missing)], useFactory: () => 1 });
  const boot = t.throws(() => c.check()) as BootError;
  t.deepEqual(boot.problems.map((p) => [p.code, (p as ResolutionPathError).path]), [
    ['LOOPSAFE_ERR_PROVIDER_MISSING', ['Holder', 'lazy(Missing)', 'Missing']],
  ]);
});

test('a singleton\'s lazy request-scoped key is still a captive dependency', (t) => {
  const PerRequest = token<number>('PerRequest');
  const Holder = token<number>('Holder');
  const c = createContainer()
    .register(PerRequest, { lifetime: 'request', useFactory: () => 1 })
    .register(Holder, { inject: [lazy(PerRequest)], useFactory: () => 1 });
  const boot = t.throws(() => c.check()) as BootError;
  t.deepEqual(boot.problems.map((p) => p.code), ['LOOPSAFE_ERR_CAPTIVE_DEPENDENCY']);
});

test('a request-scoped holder resolves its lazy key in its own scope', async (t) => {
  let built = 0;
  const Conn = token<{ n: number }>('Conn');
  const Repo = token<{ conn: () => Promise<{ n: number }> }>('Repo');
  const c = createContainer()
    .register(Conn, { lifetime: 'request', useFactory: async () => ({ n: ++built }) })
    .register(Repo, { lifetime: 'request', inject: [lazy(Conn)], useFactory: (conn) => ({ conn }) });
  t.teardown(() => c.dispose());
  const first = c.createScope();
  const second = c.createScope();
  const repo = await first.resolve(Repo);
  t.is(built, 0, 'nothing built until used');
  t.is(await repo.conn(), await first.resolve(Conn));
  t.not(await (await second.resolve(Repo)).conn(), await repo.conn());
  await first.dispose();
  t.is(((await t.throwsAsync(repo.conn())) as LoopsafeError).code, 'LOOPSAFE_ERR_DISPOSED', 'not after its scope is gone');
});
