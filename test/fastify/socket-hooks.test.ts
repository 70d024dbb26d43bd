/**
 * Hooks that resolve from `request.di`, over a real socket (issue 21, point 5): sync and async onRequest,
 * preValidation, preHandler, onSend, onResponse and onError hooks, declared on a route, added to the app before and
 * after the plugin, in a child plugin, and in a child plugin that registers the plugin itself. Each one must see the
 * request's own instance, still open, and the scope must be disposed exactly once, after the last hook.
 * onResponse hooks here are sync; the async ones, which once found the scope disposed, are in socket-held.test.ts.
 */
import test from 'ava';
import fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { setImmediate as tick } from 'node:timers/promises';
import { createContainer, provide, token } from '../../src/index.js';
import { FastifyRequestToken, createApp, loopsafePlugin, route } from '../../src/fastify/index.js';
import { call, Journal, originOf } from '../helpers/http.js';

const journal = new Journal();
let tags = 0;
const newTag = (): string => `h${++tags}`;
const tagOf = (request: FastifyRequest): string => String(request.headers['x-tag']);

interface Unit {
  readonly tag: string;
  open: boolean;
}
const Unit = token<Unit>('Unit');
const built = new Map<string, Unit>();
const providers = [
  provide(Unit, {
    lifetime: 'request',
    inject: [FastifyRequestToken],
    useFactory: (request) => {
      const unit = { tag: tagOf(request), open: true };
      built.set(unit.tag, unit);
      journal.add(`${unit.tag} build Unit`);
      return unit;
    },
    dispose: (unit) => {
      unit.open = false;
      journal.add(`${unit.tag} dispose Unit`);
    },
  }),
];

type Place = 'route' | 'before' | 'after' | 'child' | 'inner';
type Style = 'sync' | 'async';
type HookName = 'onRequest' | 'preValidation' | 'preHandler' | 'onSend' | 'onResponse' | 'onError';
const hookNames: readonly HookName[] = ['onRequest', 'preValidation', 'preHandler', 'onSend', 'onResponse', 'onError'];

/** What a step saw: `same` for the request's own instance, `disposed` when it was already disposed. */
function verdict(unit: Unit): string {
  return `${unit === built.get(unit.tag) ? 'same' : 'OTHER'}${unit.open ? '' : ' disposed'}`;
}
function saw(request: FastifyRequest, step: string, unit: Unit): void {
  journal.add(`${tagOf(request)} ${step} ${verdict(unit)}`);
}
function failed(request: FastifyRequest, step: string, error: unknown): void {
  journal.add(`${tagOf(request)} ${step} ${(error as { code?: string }).code ?? String(error)}`);
}

/** Each hook runs only for requests that ask for its place and style, so one app serves every case. */
function active(request: FastifyRequest, place: Place, name: HookName, style: Style): boolean {
  return request.headers['x-place'] === place && (name === 'onResponse' || request.headers['x-style'] === style);
}

function syncStep(request: FastifyRequest, reply: FastifyReply, place: Place, name: HookName): void {
  try {
    const unit = request.di.resolveSync(Unit);
    saw(request, `${place} ${name}`, unit);
    if (name === 'onSend') reply.header('x-unit', verdict(unit));
  } catch (error) {
    failed(request, `${place} ${name}`, error);
  }
}
async function asyncStep(request: FastifyRequest, reply: FastifyReply, place: Place, name: HookName): Promise<void> {
  try {
    const unit = await request.di.resolve(Unit);
    saw(request, `${place} ${name}`, unit);
    if (name === 'onSend') reply.header('x-unit', verdict(unit));
  } catch (error) {
    failed(request, `${place} ${name}`, error);
  }
}

/* eslint-disable @typescript-eslint/no-explicit-any -- one factory for six hook signatures */
/** The sync (callback) and async forms of one hook at one place. */
function hooksFor(place: Place, name: HookName): any[] {
  const named = `${place}${name[0]!.toUpperCase()}${name.slice(1)}`;
  const sync =
    name === 'onSend'
      ? { [named](request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (e: null, p: unknown) => void) {
        if (active(request, place, name, 'sync')) syncStep(request, reply, place, name);
        done(null, payload);
      } }[named]
      : name === 'onError'
        ? { [named](request: FastifyRequest, reply: FastifyReply, _error: unknown, done: () => void) {
          if (active(request, place, name, 'sync')) syncStep(request, reply, place, name);
          done();
        } }[named]
        : { [named](request: FastifyRequest, reply: FastifyReply, done: () => void) {
          if (active(request, place, name, 'sync')) syncStep(request, reply, place, name);
          done();
        } }[named];
  const async =
    name === 'onSend'
      ? async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
        if (active(request, place, name, 'async')) await asyncStep(request, reply, place, name);
        return payload;
      }
      : name === 'onError'
        ? async (request: FastifyRequest, reply: FastifyReply) => {
          if (active(request, place, name, 'async')) await asyncStep(request, reply, place, name);
        }
        : async (request: FastifyRequest, reply: FastifyReply) => {
          if (active(request, place, name, 'async')) await asyncStep(request, reply, place, name);
        };
  // onResponse in its sync form only, so each style's journal has one onResponse line; the async forms of onResponse
  // (and a sync one after an async one) are in socket-held.test.ts.
  return name === 'onResponse' ? [sync] : [sync, async];
}

/** The hooks of a place as route options. */
function routeHooks(place: Place): Record<HookName, any[]> {
  return Object.fromEntries(hookNames.map((name) => [name, hooksFor(place, name)])) as Record<HookName, any[]>;
}

function addHooks(app: FastifyInstance, place: Place, skip: readonly HookName[] = []): void {
  for (const name of hookNames) if (!skip.includes(name)) for (const hook of hooksFor(place, name)) app.addHook(name as any, hook);
}
/* eslint-enable @typescript-eslint/no-explicit-any */

function handle(unit: Unit, request: FastifyRequest): string {
  saw(request, 'handler', unit);
  if (request.headers['x-fail'] === '1') throw new Error('the handler failed');
  return unit.tag;
}
const hookedRoute = (place: Place) => route({ method: 'GET', url: '/hooked', ...routeHooks(place), inject: [Unit], handler: ([unit], request) => handle(unit, request) });

async function build(kind: 'createApp' | 'plugin'): Promise<FastifyInstance> {
  const routes = [hookedRoute('route')];
  if (kind === 'createApp') return createApp({ providers, routes, shutdown: false });
  const app = fastify();
  addHooks(app, 'before', ['onRequest']); // an onRequest hook before the plugin's own has no request.di yet (tested elsewhere)
  await app.register(loopsafePlugin, { container: createContainer({ providers }), routes, shutdown: false });
  addHooks(app, 'after');
  app.get('/own', async (request) => handle(await request.di.resolve(Unit), request));
  await app.register(async (child) => {
    addHooks(child, 'child');
    child.get('/own', async (request) => handle(await request.di.resolve(Unit), request));
  }, { prefix: '/child' });
  await app.ready();
  return app;
}

/** The plugin registered inside an encapsulated child, with that child's hooks (added after it) on its routes. */
async function buildInner(): Promise<FastifyInstance> {
  const app = fastify();
  await app.register(async (child) => {
    await child.register(loopsafePlugin, {
      container: createContainer({ providers }),
      routes: [route({ method: 'GET', url: '/hooked', inject: [Unit], handler: ([unit], request) => handle(unit, request) })],
      shutdown: false,
    });
    addHooks(child, 'inner');
    child.get('/own', async (request) => handle(await request.di.resolve(Unit), request));
  }, { prefix: '/inner' });
  await app.ready();
  return app;
}

const origins = new Map<string, string>();
const apps: FastifyInstance[] = [];
test.before(async () => {
  for (const [name, make] of [['createApp', () => build('createApp')], ['plugin', () => build('plugin')], ['inner', buildInner]] as const) {
    const app = await make();
    apps.push(app);
    origins.set(name, await originOf(app));
  }
});
test.after.always(() => Promise.all(apps.map((app) => app.close())));

function headers(tag: string, place: Place, style: Style, fail: boolean): Record<string, string> {
  return { 'x-tag': tag, 'x-place': place, 'x-style': style, ...(fail ? { 'x-fail': '1' } : {}) };
}
function expected(place: Place, fail: boolean): string[] {
  const at = (name: HookName): string => `${place} ${name} same`;
  return [
    'build Unit',
    ...(place === 'before' ? [] : [at('onRequest')]),
    at('preValidation'),
    at('preHandler'),
    'handler same',
    ...(fail ? [at('onError')] : []),
    at('onSend'),
    at('onResponse'),
    'dispose Unit',
  ];
}

const cases = [
  { app: 'createApp', place: 'route', path: '/hooked', where: 'on the route' },
  { app: 'plugin', place: 'route', path: '/hooked', where: 'on the route' },
  { app: 'plugin', place: 'before', path: '/hooked', where: 'added before the plugin' },
  { app: 'plugin', place: 'before', path: '/own', where: 'added before the plugin' },
  { app: 'plugin', place: 'after', path: '/hooked', where: 'added after the plugin' },
  { app: 'plugin', place: 'after', path: '/own', where: 'added after the plugin' },
  { app: 'plugin', place: 'child', path: '/child/own', where: 'in a child plugin' },
  { app: 'plugin', place: 'inner', path: '/inner/hooked', where: 'in the child the plugin is registered in' },
  { app: 'plugin', place: 'inner', path: '/inner/own', where: 'in the child the plugin is registered in' },
] as const;

for (const { app, place, path, where } of cases) {
  const origin = (): string => origins.get(place === 'inner' ? 'inner' : app)!;
  for (const style of ['sync', 'async'] as const) {
    for (const fail of [false, true]) {
      const who = fail ? 'the handler throws; onError, onSend and onResponse' : 'every hook and the handler';
      test(`${app}, ${style} hooks ${where}, GET ${path}: ${who} see the request's own open instance, disposed once after the last hook`, async (t) => {
        const tag = newTag();
        const answer = await call(origin(), path, { headers: headers(tag, place, style, fail) });
        t.is(answer.status, fail ? 500 : 200);
        if (!fail) t.is(answer.body, tag);
        t.is(answer.headers['x-unit'], 'same', 'onSend saw the open instance');
        await journal.until(`${tag} dispose Unit`);
        for (let i = 0; i < 3; i++) await tick(); // a second disposal would show up here
        t.deepEqual(journal.of(tag), expected(place, fail));
      });
    }
  }
}

test('the next request gets its own instance in every hook', async (t) => {
  const first = newTag();
  const second = newTag();
  await call(origins.get('plugin')!, '/hooked', { headers: headers(first, 'after', 'async', false) });
  await call(origins.get('plugin')!, '/hooked', { headers: headers(second, 'after', 'async', false) });
  await journal.until(`${second} dispose Unit`);
  await journal.until(`${first} dispose Unit`);
  t.not(built.get(first), built.get(second));
  t.deepEqual(journal.of(first), expected('after', false));
  t.deepEqual(journal.of(second), expected('after', false));
});
