/**
 * A property over real sockets (issue 21, point 5): any mix of requests at once, each answered, thrown by its
 * handler, failed by a provider, or left by its client mid-handler, against createApp and the plugin. Whatever the
 * mix, each request's instances are built once, seen open by their handler until it settles, and disposed exactly
 * once, newest first, after the handler settled; every client that stayed gets its status and body.
 */
import test from 'ava';
import fc from 'fast-check';
import fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { setImmediate as tick } from 'node:timers/promises';
import { createContainer, provide, token } from '../../src/index.js';
import { FastifyRequestToken, createApp, loopsafePlugin, route } from '../../src/fastify/index.js';
import { call, Journal, originOf, signal } from '../helpers/http.js';

const journal = new Journal();
let tags = 0;
const tagOf = (request: FastifyRequest): string => String(request.headers['x-tag']);
const gates = new Map<string, ReturnType<typeof signal<void>>>();
function gate(tag: string): ReturnType<typeof signal<void>> {
  let g = gates.get(tag);
  if (g === undefined) gates.set(tag, (g = signal()));
  return g;
}

interface Unit {
  readonly tag: string;
  open: boolean;
}
const First = token<Unit>('First');
const Second = token<Unit>('Second');
const Broken = token<Unit>('Broken');
const state = (unit: Unit): string => (unit.open ? 'open' : 'disposed');

function builder(name: string) {
  return async (request: FastifyRequest): Promise<Unit> => {
    await tick();
    if (name === 'Broken' && request.headers['x-act'] === 'provider fails') throw new Error('down');
    journal.add(`${tagOf(request)} build ${name}`);
    return { tag: tagOf(request), open: true };
  };
}
function disposer(name: string) {
  return (unit: Unit): void => {
    unit.open = false;
    journal.add(`${unit.tag} dispose ${name}`);
  };
}
// A chain, so disposal order is visible: Broken needs Second, which needs First.
const providers = [
  provide(First, { lifetime: 'request', inject: [FastifyRequestToken], useFactory: builder('First'), dispose: disposer('First') }),
  provide(Second, { lifetime: 'request', inject: [FastifyRequestToken, First], useFactory: builder('Second'), dispose: disposer('Second') }),
  provide(Broken, { lifetime: 'request', inject: [FastifyRequestToken, Second], useFactory: builder('Broken'), dispose: disposer('Broken') }),
];

const routes = [route({
  method: 'GET',
  url: '/mixed',
  inject: [First, Second, Broken],
  handler: async ([first, second], request, reply) => {
    const tag = tagOf(request);
    const act = request.headers['x-act'];
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) journal.add(`${tag} client gone`);
    });
    journal.add(`${tag} handler entered`);
    if (act === 'client leaves') await gate(tag).promise;
    journal.add(`${tag} handler settles with ${state(first)} ${state(second)}`);
    if (act === 'handler throws') throw new Error('handler failed');
    return tag;
  },
})];

type Act = 'answered' | 'handler throws' | 'provider fails' | 'client leaves';
const acts: readonly Act[] = ['answered', 'handler throws', 'provider fails', 'client leaves'];

/** What the journal of one request must read, whatever ran beside it. */
function expected(act: Act): string[] {
  if (act === 'provider fails') return ['build First', 'build Second', 'dispose Second', 'dispose First'];
  return [
    'build First', 'build Second', 'build Broken', 'handler entered',
    ...(act === 'client leaves' ? ['client gone'] : []),
    'handler settles with open open', 'dispose Broken', 'dispose Second', 'dispose First',
  ];
}

async function send(origin: string, act: Act): Promise<{ tag: string; act: Act; outcome: string }> {
  const tag = `p${++tags}`;
  const headers = { 'x-tag': tag, 'x-act': act };
  if (act !== 'client leaves') {
    const answer = await call(origin, '/mixed', { headers });
    return { tag, act, outcome: `${answer.status} ${answer.status === 200 ? answer.body : (JSON.parse(answer.body) as { code?: string }).code ?? ''}` };
  }
  const controller = new AbortController();
  const answer = call(origin, '/mixed', { headers, signal: controller.signal }).then(() => 'answered', (error: Error) => error.name);
  await journal.until(`${tag} handler entered`);
  controller.abort();
  const outcome = await answer;
  await journal.until(`${tag} client gone`);
  gate(tag).resolve();
  return { tag, act, outcome };
}

const origins = new Map<string, string>();
const apps: FastifyInstance[] = [];
test.before(async () => {
  const made = await createApp({ providers, routes, shutdown: false });
  const own = fastify();
  await own.register(loopsafePlugin, { container: createContainer({ providers }), routes, shutdown: false });
  for (const [name, app] of [['createApp', made], ['plugin', own]] as const) {
    apps.push(app);
    origins.set(name, await originOf(app));
  }
});
test.after.always(() => Promise.all(apps.map((app) => app.close())));

for (const kind of ['createApp', 'plugin'] as const) {
  test(`${kind}: any mix of answered, thrown, failed and abandoned requests at once: each scope disposed once, newest first, after its handler`, async (t) => {
    await t.notThrowsAsync(fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...acts), { minLength: 1, maxLength: 12 }), async (mix) => {
        const results = await Promise.all(mix.map((act) => send(origins.get(kind)!, act)));
        await Promise.all(results.map(({ tag, act }) => journal.until(`${tag} dispose First`).then(() => act)));
        for (let i = 0; i < 3; i++) await tick();
        for (const { tag, act, outcome } of results) {
          const want = { answered: `200 ${tag}`, 'handler throws': '500 ', 'provider fails': '500 LOOPSAFE_ERR_PROVIDER_FAILED', 'client leaves': 'AbortError' }[act];
          if (outcome !== want) throw new Error(`${tag} (${act}): the client saw ${outcome}, not ${want}`);
          const log = journal.of(tag);
          if (JSON.stringify(log) !== JSON.stringify(expected(act))) throw new Error(`${tag} (${act}): ${log.join(', ')}`);
        }
      }),
      { numRuns: 15 },
    ));
  });
}
