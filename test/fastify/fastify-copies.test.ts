import test, { type ExecutionContext } from 'ava';
import { createRequire } from 'node:module';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createContainer, provide, token } from '../../src/index.js';
import { loopsafePlugin } from '../../src/fastify/index.js';
import { listen } from '../helpers/http.js';

// The plugin reads each request's route config where fastify keeps it, under the symbol it finds on the first
// request (request.routeOptions builds a new object per call). Two copies of fastify in one process (a monorepo, a
// plugin that bundles its own) each have symbols of their own: requests of the second copy must be read through
// routeOptions, and their scopes end exactly as the first copy's do. Over real sockets, serially, in this order:
// the first request the process serves is the first copy's, so the symbol found is that copy's.

const require = createRequire(import.meta.url);
type Fastify = typeof import('fastify').default;
const first = require('fastify') as Fastify;
for (const id of Object.keys(require.cache)) if (/[\\/]node_modules[\\/]fastify[\\/]/.test(id)) delete require.cache[id];
const second = require('fastify') as Fastify;

interface Unit {
  id: number;
  disposed: boolean;
}
const Unit = token<Unit>('Unit');

/** An app of `make`, with a request-scoped Unit, a route after the plugin, a route before it and a 404. */
async function appOf(t: ExecutionContext, make: Fastify) {
  let made = 0;
  const log: string[] = [];
  const app: FastifyInstance = make({ return503OnClosing: false });
  t.teardown(() => app.close());
  // Registered before the plugin: its onResponse hooks do not end with the plugin's, so the response's end does.
  app.get('/before', async (request) => ({ id: (await request.di.resolve(Unit)).id }));
  await app.register(loopsafePlugin, {
    container: createContainer({
      providers: [
        provide(Unit, {
          lifetime: 'request',
          useFactory: (): Unit => ({ id: ++made, disposed: false }),
          dispose: (unit: Unit) => {
            unit.disposed = true;
            log.push(`dispose ${unit.id}`);
          },
        }),
      ],
    }),
  });
  // Opens the scope for every request, the 404 included, and sees it again once the response is over.
  app.addHook('onRequest', async (request) => {
    log.push(`open ${(await request.di.resolve(Unit)).id}`);
  });
  // Synchronous: on the routes whose scope the response's end closes (the one before the plugin, the 404), an async
  // hook that awaits first may find it disposed (docs/request-lifecycle.md).
  app.addHook('onResponse', (request: FastifyRequest, _reply, done) => {
    const unit = request.di.resolveSync(Unit);
    log.push(`onResponse ${unit.id} ${unit.disposed ? 'disposed' : 'live'}`);
    done();
  });
  app.get('/after', async (request) => ({ id: (await request.di.resolve(Unit)).id }));
  return { port: await listen(app), log };
}

async function exercise(t: ExecutionContext, make: Fastify): Promise<void> {
  const { port, log } = await appOf(t, make);
  for (const path of ['/after', '/before', '/missing']) {
    log.length = 0;
    const response = await fetch(`http://127.0.0.1:${port}${path}`);
    await response.text();
    t.is(response.status, path === '/missing' ? 404 : 200, path);
    // Disposal follows the response; give it the turns it may take.
    for (let i = 0; i < 50 && !log.some((line) => line.startsWith('dispose')); i++) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const id = /open (\d+)/.exec(log[0] ?? '')?.[1];
    t.deepEqual(log, [`open ${id}`, `onResponse ${id} live`, `dispose ${id}`], `${path}: seen live by onResponse, then disposed once`);
  }
}

/** The symbol a request of `make` keeps its route context under. */
async function contextSymbolOf(t: ExecutionContext, make: Fastify): Promise<symbol | undefined> {
  const app = make();
  t.teardown(() => app.close());
  let found: symbol | undefined;
  app.get('/', async (request) => {
    found = Object.getOwnPropertySymbols(request).find((symbol) => symbol.description === 'fastify.context');
    return {};
  });
  await app.inject('/');
  return found;
}

test.serial('two copies of fastify in one process keep route contexts under different symbols', async (t) => {
  t.not(first, second);
  const a = await contextSymbolOf(t, first);
  const b = await contextSymbolOf(t, second);
  t.truthy(a);
  t.truthy(b);
  t.not(a, b);
});

test.serial('the copy whose request the process serves first: each request scope is seen live by onResponse, then disposed once', async (t) => {
  await exercise(t, first);
});

test.serial('the other copy, whose requests keep their context under a symbol of their own: the same', async (t) => {
  await exercise(t, second);
});

test.serial('fastify still keeps a request\'s route context where the plugin looks first (own, `fastify.context`)', async (t) => {
  // When this fails, a fastify release moved it: scopes still end right (read through routeOptions, as the other
  // copy's are), but each request pays for routeOptions again; update routeConfigOf in request-scope.ts.
  const app = first();
  t.teardown(() => app.close());
  app.get('/', { config: { marker: 1 } }, async (request) => {
    const key = Object.getOwnPropertySymbols(request).find((symbol) => symbol.description === 'fastify.context');
    const context = key === undefined ? undefined : (request as unknown as Record<symbol, { config?: unknown }>)[key];
    return { found: key !== undefined, same: context?.config === request.routeOptions.config };
  });
  const response = await app.inject('/');
  t.deepEqual(response.json(), { found: true, same: true });
});
