import test from 'ava';
import { createApp, route } from '../../src/fastify/index.js';
import {
  AbortSignalToken, createContainer, graphToDot, graphToHtml, graphToJson, graphToMermaid, lazy, optional, provide, token,
  type OffloadFinding,
} from '../../src/index.js';

const Config = token<{ url: string }>('Config');
const Db = token<{ url: string }>('Db');
const Cache = token<string>('Cache');
const Audit = token<string>('Audit');
const RequestId = token<string>('RequestId');
class Repo {
  constructor(readonly db: { url: string }) {}
}

function providers() {
  return [
    provide(Config, { useValue: { url: 'mem://' } }),
    provide(Db, { inject: [Config], useFactory: async (c) => ({ url: c.url }), dispose: () => {}, eager: true }),
    provide(Repo, { lifetime: 'request', inject: [Db] }),
    provide(RequestId, { supplied: true }),
    provide(Audit, { lifetime: 'transient', inject: [RequestId, optional(Cache)], useFactory: (id) => id }),
  ];
}

test('graph() describes every provider: lifetime, kind, synchrony, eager, disposer and where it was declared', (t) => {
  const container = createContainer({ providers: providers() });
  const graph = container.graph();
  const byName = new Map(graph.providers.map((p) => [p.name, p]));
  t.deepEqual([...byName.keys()], ['Config', 'Db', 'Repo', 'RequestId', 'Audit']);
  t.like(byName.get('Config'), { lifetime: 'singleton', kind: 'value', synchrony: 'sync', eager: false, hasDisposer: false });
  t.like(byName.get('Db'), { lifetime: 'singleton', kind: 'factory', synchrony: 'async', eager: true, hasDisposer: true });
  t.like(byName.get('Repo'), { lifetime: 'request', kind: 'class', synchrony: 'sync' });
  t.like(byName.get('RequestId'), { lifetime: 'request', kind: 'supplied' });
  t.like(byName.get('Audit'), { lifetime: 'transient', kind: 'factory', synchrony: 'unknown' });
  for (const p of graph.providers) t.regex(p.declaredAt ?? '', /test\/graph\/graph\.test\.(ts|js):\d+:\d+$/, p.name);
  t.deepEqual(graph.routes, []);
});

test('graph() lists every edge with its kind; an optional dependency nobody provides has no target', (t) => {
  const graph = createContainer({ providers: providers() }).graph();
  const id = (name: string) => graph.providers.find((p) => p.name === name)!.id;
  t.deepEqual(graph.edges, [
    { from: id('Db'), to: id('Config'), toName: 'Config', kind: 'plain' },
    { from: id('Repo'), to: id('Db'), toName: 'Db', kind: 'plain' },
    { from: id('Audit'), to: id('RequestId'), toName: 'RequestId', kind: 'plain' },
    { from: id('Audit'), to: undefined, toName: 'Cache', kind: 'optional' },
  ]);
});

test('graph() checks the graph first and reports a broken one with LOOPSAFE_ERR_BOOT', (t) => {
  // @ts-expect-error MissingProvider<Token<{ url: string }>>: the compiler sees it too; the boot must still refuse it
  const container = createContainer({ providers: [provide(Repo, { inject: [Db] })] });
  t.throws(() => container.graph(), { code: 'LOOPSAFE_ERR_BOOT' });
});

test('an app built with createApp lists its routes as roots, each with every provider it reaches', async (t) => {
  const app = await createApp({
    providers: providers(),
    routes: [
      route({ method: 'GET', url: '/repo', inject: [Repo], handler: ([repo]) => repo.db.url }),
      route({ method: ['GET', 'HEAD'], url: '/config', inject: [Config], handler: ([c]) => c.url }),
    ],
    shutdown: false,
  });
  t.teardown(() => app.close());
  const graph = app.di.graph();
  const name = (id: string) => graph.providers.find((p) => p.id === id)?.name;
  t.deepEqual(graph.routes.map((r) => [r.method, r.url, r.reaches.map(name)]), [
    ['GET', '/repo', ['Repo', 'Db', 'Config']],
    ['GET,HEAD', '/config', ['Config']],
  ]);
  t.false(graph.providers.some((p) => p.name.startsWith('GET ')), 'route providers are routes, not providers');
  t.true(graph.providers.some((p) => p.name === 'FastifyRequest' && p.kind === 'supplied'));
  t.deepEqual(graph.edges.filter((e) => e.from === graph.routes[0]!.id).map((e) => e.toName), ['Repo']);
});

const finding: OffloadFinding = { kind: 'fs', type: 'FSREQCALLBACK', path: ['Repo', 'Db'], site: undefined, phase: 'during', by: undefined, newThreads: 0 };

test('DOT names every provider and route, dashes optional edges, outlines providers with findings', (t) => {
  const graph = createContainer({ providers: providers() }).graph();
  const dot = graphToDot(graph, { findings: [finding] });
  t.true(dot.startsWith('digraph loopsafe {'));
  for (const p of graph.providers) t.regex(dot, new RegExp(`\\b${p.id} \\[id="${p.id}".*label="${p.name}\\\\n`));
  t.regex(dot, /p1 \[.*class="provider singleton finding".*penwidth=3/);
  t.regex(dot, /p4 -> absent0 \[style=dashed, label="optional"/);
  t.regex(dot, /absent0 \[.*label="Cache\\n\(not provided\)"/);
});

test('Mermaid draws routes as stadiums, providers by lifetime class, findings in their own class', async (t) => {
  const app = await createApp({
    providers: providers(),
    routes: [route({ method: 'GET', url: '/repo', inject: [Repo], handler: ([repo]) => repo.db.url })],
    shutdown: false,
  });
  t.teardown(() => app.close());
  const text = graphToMermaid(app.di.graph(), { findings: [finding] });
  t.true(text.startsWith('flowchart LR\n'));
  t.regex(text, /r0\(\["GET \/repo"\]\):::route/);
  t.regex(text, /\["Repo<br\/>request · class"\]:::request/);
  t.regex(text, /\["Db<br\/>singleton · factory · async · eager · disposer<br\/>⚠ offloaded fs work \(FSREQCALLBACK\)"\]:::finding/);
  t.regex(text, /r0 --> p\d/);
  t.regex(text, /-\. optional \.-> absent0/);
});

test('JSON is the graph with null for what is unknown', (t) => {
  const graph = createContainer({ providers: providers() }).graph();
  const parsed = JSON.parse(graphToJson(graph)) as { edges: { to: unknown }[]; providers: unknown[] };
  t.is(parsed.providers.length, graph.providers.length);
  t.is(parsed.edges[3]!.to, null);
  t.deepEqual(Object.keys(parsed), ['providers', 'edges', 'routes']);
});

test('the HTML page is self-contained: an inline SVG with one node per provider and route, no script, no link', async (t) => {
  const app = await createApp({
    providers: providers(),
    routes: [route({ method: 'GET', url: '/repo', inject: [Repo], handler: ([repo]) => repo.db.url })],
    shutdown: false,
  });
  t.teardown(() => app.close());
  const graph = app.di.graph();
  const html = await graphToHtml(graph, { title: 'users <api>', findings: [finding] });
  t.true(html.startsWith('<!doctype html>'));
  t.regex(html, /<title>users &lt;api&gt;<\/title>/);
  t.regex(html, /<svg[\s\S]*<\/svg>/);
  t.notRegex(html, /<script|<link|https?:\/\/(?!www\.w3\.org)/);
  for (const p of graph.providers) t.regex(html, new RegExp(`<g id="${p.id}" class="node provider ${p.lifetime}`));
  t.regex(html, /<g id="r0" class="node route"/);
  t.regex(html, /<g id="p\d" class="node provider singleton finding"/);
});

test('a lazy(key) edge points at the provider itself, and lazy\'s own wrapper is not listed', (t) => {
  const Orders = token<string>('Orders');
  const graph = createContainer({
    providers: [...providers(), provide(Orders, { lifetime: 'request', inject: [lazy(Repo)], useFactory: () => 'orders' })],
  }).graph();
  const id = (name: string) => graph.providers.find((p) => p.name === name)!.id;
  t.deepEqual(graph.edges.filter((e) => e.from === id('Orders')), [{ from: id('Orders'), to: id('Repo'), toName: 'Repo', kind: 'lazy' }]);
  t.false(graph.providers.some((p) => p.name.startsWith('lazy(')));
  t.regex(graphToDot(graph), new RegExp(`${id('Orders')} -> ${id('Repo')} \\[style=dotted, label="lazy"`));
});

test('the built-in AbortSignalToken is listed only where something injects it', (t) => {
  t.false(createContainer({ providers: providers() }).graph().providers.some((p) => p.name === 'AbortSignal'));
  const Job = token<string>('Job');
  const graph = createContainer({ providers: [provide(Job, { inject: [AbortSignalToken], useFactory: () => 'job' })] }).graph();
  t.like(graph.providers.find((p) => p.name === 'AbortSignal'), { kind: 'supplied', lifetime: 'transient' });
});
