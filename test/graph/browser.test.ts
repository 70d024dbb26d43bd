import test from 'ava';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { createApp } from '../../src/fastify/index.js';
import { graphToHtml, type OffloadFinding } from '../../src/index.js';
import { usersApiOptions } from '../../examples/users-api/app.js';

// The page is checked in a real browser: Debian's Chromium, which .ci/run installs (apt-get install -y chromium).
const executablePath = '/usr/bin/chromium';
const screenshots = fileURLToPath(new URL('../../screenshots/', import.meta.url));
const flags = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

test('the users API graph page draws every provider and route in Chromium, findings outlined in red', async (t) => {
  if (!existsSync(executablePath)) {
    t.fail(`Chromium is missing at ${executablePath}: install it with \`apt-get install -y chromium\` (.ci/run does).`);
    return;
  }
  const app = await createApp(usersApiOptions({ fastify: { logger: false }, shutdown: false }));
  t.teardown(() => app.close());
  const graph = app.di.graph();
  const finding: OffloadFinding = { kind: 'fs', type: 'FSREQPROMISE', path: ['UnitOfWork', 'UserRepository'], site: undefined, phase: 'during', by: undefined, newThreads: 0 };
  const dir = await mkdtemp(join(tmpdir(), 'loopsafe-page-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'graph.html');
  await writeFile(file, await graphToHtml(graph, { title: 'users API', findings: [finding] }));

  const context = await chromium.launchPersistentContext(join(dir, 'profile'), { executablePath, headless: true, args: flags });
  t.teardown(() => context.close());
  const page = context.pages()[0] ?? (await context.newPage());
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(pathToFileURL(file).href);

  const drawn = await page.$$eval('svg g.node', (nodes) => nodes.map((n) => ({
    id: n.id, classes: n.getAttribute('class') ?? '', text: [...n.querySelectorAll('text')].map((x) => x.textContent).join('\n'),
    stroke: n.querySelector('path, polygon')?.getAttribute('stroke') ?? '',
    box: (n as unknown as { getBBox(): { width: number } }).getBBox().width,
  })));
  for (const p of graph.providers) {
    const node = drawn.find((n) => n.id === p.id);
    t.truthy(node, `provider ${p.name} is drawn`);
    t.true(node!.text.startsWith(`${p.name}\n`), `${p.name} is labelled`);
    t.true(node!.classes.includes(`provider ${p.lifetime}`));
    t.true(node!.box > 0, `${p.name} has a size`);
  }
  for (const r of graph.routes) {
    const node = drawn.find((n) => n.id === r.id);
    t.is(node?.text, `${r.method} ${r.url}`);
    t.true(node!.classes.includes('route'));
  }
  t.is(drawn.filter((n) => n.classes.includes('provider')).length, graph.providers.length);
  const repo = drawn.find((n) => n.text.startsWith('UserRepository\n'))!;
  t.true(repo.classes.includes('finding'));
  t.is(repo.stroke, '#d32f2f');
  t.is(await page.locator('svg g.edge').count(), graph.edges.length);
  t.deepEqual(requests, [pathToFileURL(file).href], 'the page loads nothing else');

  await mkdir(screenshots, { recursive: true });
  const shot = join(screenshots, 'users-api-graph.png');
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: shot, fullPage: true });
  t.deepEqual([...(await readFile(shot)).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG was saved');
});
