import test from 'ava';
import fastify from 'fastify';
import {
  BootError, createCache, createContainer, createThreadMonitor, defineClusterApp, InvalidOptionError, provide, provideCache, serveCluster, token,
} from '../../src/index.js';
import { checkApp, Controller, createApp, loopsafePlugin } from '../../src/fastify/index.js';
import { checkThreadLeaks } from '../../src/testing/index.js';

// One table over every entry point: each takes the options under test, merged into a minimal valid call.
type Options = Record<string, unknown>;
const K = token<number>('K');
const notAnApp = new URL('../helpers/ports.js', import.meta.url);
const entries: Record<string, (o: Options) => unknown> = {
  createContainer: (o) => createContainer(o),
  // A declaration's options are reported by the boot (with the graph's other problems): its only problem here.
  provide: (o) => {
    try {
      createContainer({ providers: [provide(K, { useFactory: () => 1, ...o })] }).check();
    } catch (error) {
      throw error instanceof BootError && error.problems.length === 1 ? error.problems[0] : error;
    }
  },
  createApp: async (o) => (await createApp({ shutdown: false, monitor: false, ...o })).close(),
  checkApp: (o) => checkApp({ providers: [], ...o }),
  loopsafePlugin: async (o) => {
    const app = fastify();
    try {
      await app.register(loopsafePlugin, { container: createContainer(), shutdown: false, ...o }).ready();
    } finally {
      await app.close();
    }
  },
  createThreadMonitor: (o) => createThreadMonitor(o).close(),
  createCache: (o) => createCache(o).close(),
  provideCache: (o) => provideCache(o),
  'cache.set': async (o) => {
    const cache = createCache();
    try {
      await cache.set('k', 1, o);
    } finally {
      await cache.close();
    }
  },
  // Options are checked before the app module is loaded: an accepted set ends at the module, which is not an app.
  serveCluster: (o) => serveCluster({ app: notAnApp, exit: false, ...o }).then(
    () => { throw new Error('serveCluster started'); },
    (error: unknown) => { if ((error as { code?: string }).code !== 'LOOPSAFE_ERR_CLUSTER_APP_INVALID') throw error; },
  ),
  defineClusterApp: (o) => defineClusterApp({ providers: [], build: () => fastify(), ...o }),
  '@Controller': (o) => Controller('/users', o),
  checkThreadLeaks: (o) => checkThreadLeaks(() => {}, o),
};

const MAX = 2 ** 31 - 1;
const timer = [Infinity, 2 ** 31, -1, NaN, '10', 1.5];
// Each duration and count option: its dotted path, the values it refuses, and its edges (accepted).
const numbers: [entry: string, path: string, bad: unknown[], edges: number[]][] = [
  ['createContainer', 'timeout', timer, [0, MAX]],
  ['provide', 'timeout', timer, [0, MAX]],
  ['createApp', 'timeout', timer, [0, MAX]],
  ['createApp', 'shutdown.timeout', [...timer, 0], [1, MAX]],
  ['createApp', 'shutdown.idleGrace', timer, [0, MAX]],
  ['createApp', 'monitor.loopBlockBudgetMs', [Infinity, 2 ** 31, -1, NaN, '10'], [0, MAX]],
  ['checkApp', 'timeout', timer, [0, MAX]],
  ['loopsafePlugin', 'shutdown.timeout', [...timer, 0], [1, MAX]],
  ['loopsafePlugin', 'shutdown.idleGrace', timer, [0, MAX]],
  ['createThreadMonitor', 'loopBlockBudgetMs', [Infinity, 2 ** 31, -1, NaN, '10'], [0, 0.5, MAX]],
  ['createThreadMonitor', 'sampleIntervalMs', [...timer, 0.5], [0, 1, MAX]],
  ['createCache', 'timeout', [...timer, 0], [1, MAX]],
  ['createCache', 'lockTtl', [...timer, 0], [1, MAX]],
  ['createCache', 'maxEntries', [Infinity, 0, -1, NaN, '10', 1.5], [1, Number.MAX_SAFE_INTEGER]],
  // A TTL is stored with the entry, not a timer: it may exceed 2^31-1, but it is still finite and whole.
  ['createCache', 'ttl', [Infinity, -1, NaN, '10', 1.5], [0, 2 ** 31, Number.MAX_SAFE_INTEGER]],
  ['provideCache', 'lockTtl', [...timer, 0], [1, MAX]],
  ['cache.set', 'ttl', [Infinity, -1, NaN, '10', 1.5], [0, Number.MAX_SAFE_INTEGER]],
  ['serveCluster', 'shutdownTimeout', [...timer, 0], [1, MAX]],
  ['serveCluster', 'statsInterval', [...timer, 9], [10, MAX]],
  ['serveCluster', 'restart.window', [...timer, 0], [1, MAX]],
  ['serveCluster', 'restart.initialDelay', timer, [0, MAX]],
  ['serveCluster', 'restart.maxDelay', timer, [0, MAX]],
  ['serveCluster', 'restart.maxRestarts', [Infinity, -1, NaN, '10', 1.5], [0, Number.MAX_SAFE_INTEGER]],
  ['serveCluster', 'workers', [Infinity, 0, 1025, NaN, '2', 1.5], [1, 1024]],
  ['serveCluster', 'port', [Infinity, -1, 65536, NaN, '80', 1.5], [0, 65535]],
  ['checkThreadLeaks', 'settleMs', timer, [0, MAX]],
];

// Misspelt and unknown keys, top level and nested: the dotted path and the closest valid name.
const misspelt: [entry: string, options: Options, option: string, suggestion: string | undefined][] = [
  ['createContainer', { timout: 10 }, 'timout', 'timeout'],
  ['createContainer', { providers: [{ key: K, def: { useValue: 1 }, lifetime: 'request' }] }, 'providers[0].lifetime', undefined],
  ['provide', { useFactroy: () => 1 }, 'useFactroy', 'useFactory'],
  ['provide', { injects: [] }, 'injects', 'inject'],
  ['provide', { Eager: true }, 'Eager', 'eager'],
  ['createApp', { fastfy: {} }, 'fastfy', 'fastify'],
  ['createApp', { shutdown: { timout: 1 } }, 'shutdown.timout', 'timeout'],
  ['createApp', { monitor: { mod: 'throw' } }, 'monitor.mod', 'mode'],
  ['checkApp', { overides: [] }, 'overides', 'overrides'],
  ['checkApp', { modules: [{ routs: [] }] }, 'modules[0].routs', 'routes'],
  ['createApp', { modules: [{ provders: [] }] }, 'modules[0].provders', 'providers'],
  ['createApp', { completelyDifferent: 1 }, 'completelyDifferent', undefined],
  ['loopsafePlugin', { shutdown: { idlegrace: 1 } }, 'shutdown.idlegrace', 'idleGrace'],
  ['loopsafePlugin', { contollers: [] }, 'contollers', 'controllers'],
  ['createThreadMonitor', { loopBlockBudget: 5 }, 'loopBlockBudget', 'loopBlockBudgetMs'],
  ['createCache', { redis: { ulr: 'redis://127.0.0.1' } }, 'redis.ulr', 'url'],
  ['createCache', { backnd: 'memory' }, 'backnd', 'backend'],
  ['createCache', { redis: { clustr: ['redis://127.0.0.1:7000'] } }, 'redis.clustr', 'cluster'],
  ['createThreadMonitor', { allow: [{ provder: 'Db' }] }, 'allow[0].provder', 'provider'],
  ['createThreadMonitor', { allow: [{ provider: 'Db', whne: 'boot' }] }, 'allow[0].whne', 'when'],
  ['provideCache', { tll: 5 }, 'tll', 'ttl'],
  ['cache.set', { tll: 5 }, 'tll', 'ttl'],
  ['serveCluster', { worker: 2 }, 'worker', 'workers'],
  ['serveCluster', { restart: { maxRestart: 2 } }, 'restart.maxRestart', 'maxRestarts'],
  ['defineClusterApp', { bulid: () => fastify() }, 'bulid', 'build'],
  ['checkThreadLeaks', { settle: 5 }, 'settle', 'settleMs'],
  ['@Controller', { lifetme: 'request' }, 'lifetme', 'lifetime'],
];

// Wrong types beyond numbers, nested included.
const wrongTypes: [entry: string, options: Options, option: string][] = [
  ['createContainer', { allowWorkerThread: 'yes' }, 'allowWorkerThread'],
  ['createContainer', { providers: {} }, 'providers'],
  ['createContainer', { providers: [class UserService {}] }, 'providers[0]'],
  ['provide', { lifetime: 'forever' }, 'lifetime'],
  ['provide', { eager: 1 }, 'eager'],
  ['provide', { dispose: 'close' }, 'dispose'],
  ['createApp', { fastify: 'fast' }, 'fastify'],
  ['createApp', { shutdown: true }, 'shutdown'],
  ['createApp', { shutdown: { signals: 'SIGTERM' } }, 'shutdown.signals'],
  ['createApp', { shutdown: { signals: ['SIGTERM', 15] } }, 'shutdown.signals[1]'],
  ['createApp', { modules: {} }, 'modules'],
  ['createApp', { monitor: 'warn' }, 'monitor'],
  ['checkApp', { modules: {} }, 'modules'],
  ['loopsafePlugin', { container: {} }, 'container'],
  ['loopsafePlugin', { prefix: 1 }, 'prefix'],
  ['createThreadMonitor', { mode: 'loud' }, 'mode'],
  ['createThreadMonitor', { captureStacks: 'no' }, 'captureStacks'],
  ['createThreadMonitor', { routes: 'yes' }, 'routes'],
  ['createThreadMonitor', { allow: [{ kind: 'disk' }] }, 'allow[0].kind'],
  ['createThreadMonitor', { allow: [{ kind: ['dns', 'disk'] }] }, 'allow[0].kind[1]'],
  ['createThreadMonitor', { allow: [{ kind: 'dns', when: 'request' }] }, 'allow[0].when'],
  ['createCache', { redis: { cluster: [] } }, 'redis.cluster'],
  ['createCache', { redis: { cluster: ['http://127.0.0.1'] } }, 'redis.cluster[0]'],
  ['createCache', { prefix: '{app}:', redis: { cluster: ['redis://127.0.0.1:7000'] } }, 'prefix'],
  ['createCache', { backend: 'memcached' }, 'backend'],
  ['createCache', { redis: { url: 'http://127.0.0.1' } }, 'redis.url'],
  ['serveCluster', { env: { A: 1 } }, 'env.A'],
  ['serveCluster', { onEvent: 'log' }, 'onEvent'],
  ['serveCluster', { host: '' }, 'host'],
  ['defineClusterApp', { build: undefined }, 'build'],
  ['checkThreadLeaks', { failOnUnrefHandles: 1 }, 'failOnUnrefHandles'],
  ['@Controller', { lifetime: 'forever' }, 'lifetime'],
];

function at(path: string, value: unknown): Options {
  const [head, ...rest] = path.split('.');
  return { [head!]: rest.length === 0 ? value : at(rest.join('.'), value) };
}

async function refused(entry: string, options: Options): Promise<InvalidOptionError> {
  try {
    await entries[entry]!(options);
  } catch (error) {
    if (error instanceof InvalidOptionError) return error;
    throw error;
  }
  throw new Error(`${entry} accepted ${JSON.stringify(options)}`);
}

// The leak check takes the process for itself (and watches containers made meanwhile), so its rows run serially,
// before the concurrent ones.
const run = (entry: string) => (entry === 'checkThreadLeaks' ? test.serial : test);

for (const [entry, path, bad, edges] of numbers) {
  run(entry)(`${entry}: ${path} refuses ${bad.map(String).join(', ')} with a coded error naming it`, async (t) => {
    for (const value of bad) {
      const error = await refused(entry, at(path, value));
      t.is(error.code, 'LOOPSAFE_ERR_OPTION_INVALID');
      t.is(error.option, path, `${path}: ${String(value)}`);
      t.regex(error.message, new RegExp(path.replace(/[.[\]]/g, '\\$&')));
    }
  });
  run(entry)(`${entry}: ${path} accepts its edges ${edges.join(', ')}`, async (t) => {
    for (const value of edges) await t.notThrowsAsync(async () => entries[entry]!(at(path, value)), `${path}: ${value}`);
  });
}

for (const [entry, options, option, suggestion] of misspelt) {
  run(entry)(`${entry}: unknown option ${option} is refused${suggestion === undefined ? '' : `, suggesting ${suggestion}`}`, async (t) => {
    const error = await refused(entry, options);
    t.is(error.code, 'LOOPSAFE_ERR_OPTION_INVALID');
    t.is(error.option, option);
    t.is(error.suggestion, suggestion);
    if (suggestion !== undefined) t.true(error.message.includes(`did you mean \`${suggestion}\`?`), error.message);
  });
}

for (const [entry, options, option] of wrongTypes) {
  run(entry)(`${entry}: ${option} of the wrong type is refused`, async (t) => {
    const error = await refused(entry, options);
    t.is(error.option, option);
    t.is(error.suggestion, undefined);
  });
}

test.serial('an options object that is not an object is refused', async (t) => {
  const calls = [
    () => createContainer(null as never), () => createApp(null as never), () => createThreadMonitor([] as never),
    () => createCache('redis' as never), () => serveCluster(null as never), () => defineClusterApp(null as never),
    () => checkThreadLeaks(() => {}, 5 as never),
  ];
  for (const call of calls) {
    const error = await t.throwsAsync(async () => call(), { instanceOf: InvalidOptionError });
    t.is(error?.option, 'options');
  }
});

test('the message names the entry point, the option, what it must be and what it got', async (t) => {
  const error = await refused('createApp', { shutdown: { timeout: Infinity } });
  t.is(error.message, 'createApp: option "shutdown.timeout" must be a whole number of milliseconds from 1 to 2147483647, got Infinity.');
  t.is(error.where, 'createApp');
  const provider = await refused('provide', { useFactroy: () => 1 });
  t.regex(provider.message, /^provider K: "useFactroy" is not an option; did you mean `useFactory`\? Valid options here: /);
  const far = await refused('createApp', { zzzzzz: 1 });
  t.regex(far.message, /: "zzzzzz" is not an option\. Valid options here: /, 'a sentence of its own when nothing is close');
});

test('an unknown option beside an object passed to another library says where that library\'s options go', async (t) => {
  const logger = await refused('createApp', { logger: false });
  t.is(logger.option, 'logger');
  t.true(logger.message.endsWith(' If `logger` is one of fastify\'s options, pass it as `fastify: { logger: ... }`.'), logger.message);
  const host = await refused('createCache', { backend: 'redis', redis: { host: '127.0.0.1' } });
  t.is(host.option, 'redis.host');
  t.true(host.message.endsWith(' If `host` is one of ioredis\'s options, pass it as `options: { host: ... }`.'), host.message);
  // A misspelling of loopsafe's own option gets the "did you mean" alone, and a level with no such object no hint.
  t.false((await refused('createApp', { shutdwn: {} })).message.includes("fastify's options"));
  t.false((await refused('provide', { logger: false })).message.includes(' If '));
});

test('a useValue or supplied declaration refuses the options only constructed providers read', (t) => {
  const lifetime = t.throws(() => createContainer().register(K, { useValue: 1, lifetime: 'request' } as never).check(), { instanceOf: BootError });
  t.like(lifetime?.problems[0], { code: 'LOOPSAFE_ERR_OPTION_INVALID', where: 'provider K', option: 'lifetime' });
  t.true(lifetime?.problems[0] instanceof InvalidOptionError);
  const supplied = t.throws(() => createContainer().register(K, { supplied: true, dispose: () => {} } as never).check(), { instanceOf: BootError });
  t.like(supplied?.problems[0], { option: 'dispose' });
  // Two kinds at once are a problem of how options combine (the planner's), not an option error.
  const both = t.throws(() => createContainer().register(K, { useValue: 1, useFactory: () => 1 } as never).check(), { instanceOf: BootError });
  t.is(both?.problems[0]?.code, 'LOOPSAFE_ERR_PROVIDER_INVALID');
});

test('options read through a prototype are checked, and inherited names that are no option are not refused', (t) => {
  // A class instance: its options may be getters on the prototype.
  class Settings {
    get timeout(): number {
      return Infinity;
    }
  }
  t.like(t.throws(() => createContainer(new Settings() as never), { instanceOf: InvalidOptionError }), { option: 'timeout' });
  // An object made from another: only its own names are its options, but an inherited option is still read.
  const base = { timout: 5 };
  t.notThrows(() => createContainer(Object.create(base) as never));
  const withTimeout = Object.assign(Object.create({ timeout: -1 }) as object, {});
  t.like(t.throws(() => createContainer(withTimeout as never), { instanceOf: InvalidOptionError }), { option: 'timeout' });
  // Unknown keys are named before bad values, so a misspelling is reported beside another mistake.
  t.like(t.throws(() => createContainer({ timeout: -1, obsever: {} } as never), { instanceOf: InvalidOptionError }), { option: 'obsever' });
});
