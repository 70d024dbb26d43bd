import test from 'ava';
import { tracingChannel, subscribe, unsubscribe } from 'node:diagnostics_channel';
import {
  composeObservers, createContainer, createThreadMonitor, loopsafeChannels, provide, token,
  type ResolutionObserver, type ResolveContext, type ScopeContext, type BootContext,
} from '../../src/index.js';

// Channels are process-wide: these tests run one at a time so each sees only its own events.

type Handlers<C> = { start(c: C): void; end(c: C): void; asyncStart(c: C): void; asyncEnd(c: C): void; error(c: C): void };

function record<C extends object>(name: string, t: { teardown(fn: () => void): void }): { events: [string, C][] } {
  const events: [string, C][] = [];
  const handlers = Object.fromEntries(
    (['start', 'end', 'asyncStart', 'asyncEnd', 'error'] as const).map((phase) => [phase, (c: C) => events.push([phase, c])]),
  ) as unknown as Handlers<C>;
  const channel = tracingChannel<unknown, C>(name);
  channel.subscribe(handlers);
  t.teardown(() => channel.unsubscribe(handlers));
  return { events };
}

const A = token<string>('A');
const B = token<string>('B');
const Broken = token<string>('Broken');

test.serial('loopsafe:resolve traces each factory run with its provider path; async runs end at asyncEnd', async (t) => {
  const { events } = record<ResolveContext>(loopsafeChannels.resolve, t);
  const container = createContainer({
    providers: [provide(A, { useFactory: () => 'a' }), provide(B, { inject: [A], useFactory: async (a) => `${a}b` })],
  });
  t.is(await container.resolve(B), 'ab');
  t.deepEqual(events.map(([phase, c]) => `${phase} ${c.path.join('>')}`), [
    'start B>A', 'end B>A', 'start B', 'end B', 'asyncStart B', 'asyncEnd B',
  ]);
  const b = events.find(([phase, c]) => phase === 'asyncEnd' && c.provider === 'B')![1];
  t.true(b.async);
  t.is(b.result, 'ab');
  t.false(events.find(([, c]) => c.provider === 'A')![1].async);
});

test.serial('loopsafe:resolve publishes error with the factory\'s own error', async (t) => {
  const { events } = record<ResolveContext>(loopsafeChannels.resolve, t);
  const container = createContainer({ providers: [provide(Broken, { useFactory: async () => Promise.reject(new Error('down')) })] });
  await t.throwsAsync(container.resolve(Broken), { code: 'LOOPSAFE_ERR_PROVIDER_FAILED' });
  t.deepEqual(events.map(([phase]) => phase), ['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
  t.is((events[2]![1].error as Error).message, 'down');
});

test.serial('loopsafe:boot spans the eager singletons, which are traced inside it', async (t) => {
  const order: string[] = [];
  const boot = record<BootContext>(loopsafeChannels.boot, t);
  const resolve = record<ResolveContext>(loopsafeChannels.resolve, t);
  const container = createContainer({ providers: [provide(A, { eager: true, useFactory: async () => { order.push(`factory after ${boot.events.length} boot events`); return 'a'; } })] });
  await container.boot();
  t.deepEqual(boot.events.map(([phase]) => phase), ['start', 'end', 'asyncStart', 'asyncEnd']);
  t.is(boot.events[0]![1].container, container);
  t.deepEqual(order, ['factory after 1 boot events']);
  t.is(resolve.events[0]![1].provider, 'A');
  t.is(await container.boot(), undefined, 'a second boot() is not traced again');
  t.is(boot.events.length, 4);
});

test.serial('a scope publishes its opening and traces its disposal with the same context, failures included', async (t) => {
  const opened: ScopeContext[] = [];
  const onOpen = (message: unknown) => opened.push(message as ScopeContext);
  subscribe(loopsafeChannels.scopeOpen, onOpen);
  t.teardown(() => unsubscribe(loopsafeChannels.scopeOpen, onOpen));
  const { events } = record<ScopeContext>(loopsafeChannels.scopeDispose, t);
  const container = createContainer({
    providers: [provide(A, { lifetime: 'request', useFactory: () => 'a', dispose: () => { throw new Error('close failed'); } })],
  });
  const scope = container.createScope();
  await scope.resolve(A);
  t.is(opened.length, 1);
  t.is(opened[0]!.scope, scope);
  await t.throwsAsync(scope.dispose(), { code: 'LOOPSAFE_ERR_DISPOSAL_FAILED' });
  t.deepEqual(events.map(([phase]) => phase), ['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
  t.is(events[0]![1], opened[0]!, 'open and dispose share one context');
});

test.serial('loopsafe:container:dispose traces the container\'s disposal once', async (t) => {
  const { events } = record<BootContext>(loopsafeChannels.containerDispose, t);
  const container = createContainer({ providers: [provide(A, { useFactory: () => 'a' })] });
  await container.resolve(A);
  await Promise.all([container.dispose(), container.dispose()]);
  t.deepEqual(events.map(([phase]) => phase), ['start', 'end', 'asyncStart', 'asyncEnd']);
});

function recorder(name: string, calls: string[], active = true): ResolutionObserver {
  return {
    active,
    runFactory(trail, invoke) {
      calls.push(`${name} in ${trail.name}`);
      const result = invoke();
      calls.push(`${name} out ${trail.name}`);
      return result;
    },
  };
}

test.serial('several observers watch the same factory run, the first outermost, inactive ones skipped', async (t) => {
  const calls: string[] = [];
  const traced = record<ResolveContext>(loopsafeChannels.resolve, t);
  const monitor = createThreadMonitor({ mode: 'throw' });
  t.teardown(() => monitor.close());
  const container = createContainer({
    providers: [provide(A, { useFactory: () => 'a' })],
    observer: [recorder('first', calls), recorder('idle', calls, false), monitor, recorder('last', calls)],
  });
  await container.resolve(A);
  t.deepEqual(calls, ['first in A', 'last in A', 'last out A', 'first out A']);
  t.is(monitor.stats().resolutions, 1);
  t.is(traced.events.length, 2);
});

test.serial('composeObservers() combines observers the same way an array does', async (t) => {
  const calls: string[] = [];
  const container = createContainer({
    providers: [provide(A, { useFactory: () => 'a' })],
    observer: composeObservers(recorder('one', calls), recorder('two', calls)),
  });
  await container.resolve(A);
  t.deepEqual(calls, ['one in A', 'two in A', 'two out A', 'one out A']);
});

test.serial('an observer without runFactory is refused at creation with LOOPSAFE_ERR_OPTION_INVALID', (t) => {
  t.throws(() => createContainer({ observer: [{} as ResolutionObserver] }), { code: 'LOOPSAFE_ERR_OPTION_INVALID', message: /observer/ });
  t.throws(() => composeObservers({} as ResolutionObserver), { code: 'LOOPSAFE_ERR_OPTION_INVALID' });
});

test.serial('with every observer inactive and no subscriber, no observer is called', async (t) => {
  const calls: string[] = [];
  const container = createContainer({ providers: [provide(A, { useFactory: () => 'a' })], observer: recorder('idle', calls, false) });
  await container.resolve(A);
  t.deepEqual(calls, []);
});

test.serial('a subscriber that arrives after the container was created is heard, and one that left is not', async (t) => {
  const T = token<number>('T');
  let n = 0;
  const container = createContainer({ providers: [provide(T, { lifetime: 'transient', useFactory: () => ++n })] });
  const heard: string[] = [];
  const handlers = { start: (c: object) => heard.push((c as ResolveContext).provider), end: () => {}, asyncStart: () => {}, asyncEnd: () => {}, error: () => {} };
  const channel = tracingChannel(loopsafeChannels.resolve);
  await container.resolve(T);
  channel.subscribe(handlers);
  await container.resolve(T);
  channel.unsubscribe(handlers);
  await container.resolve(T);
  t.deepEqual(heard, ['T']);
  t.is(n, 3);
  const opened: unknown[] = [];
  const onOpen = (m: unknown) => opened.push(m);
  container.createScope();
  subscribe(loopsafeChannels.scopeOpen, onOpen);
  container.createScope();
  unsubscribe(loopsafeChannels.scopeOpen, onOpen);
  container.createScope();
  t.is(opened.length, 1);
});
