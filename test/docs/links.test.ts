// Every relative link in README.md and docs/*.md reaches a file of the repository, and every #anchor a heading
// of the page it names, so moving a section between pages cannot leave a link behind that GitHub, npm or the typedoc
// site would render dead.
import test from 'ava';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, normalize, relative } from 'node:path';
import { anchors, links, pages, root } from './markdown.js';

/** Links that leave the repository: checked by nobody here, on purpose (no network in tests). */
const external = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;

async function kind(path: string): Promise<'file' | 'dir' | undefined> {
  try {
    return (await stat(path)).isDirectory() ? 'dir' : 'file';
  } catch {
    return undefined;
  }
}

test('every relative link in README.md and docs/*.md points to an existing file, and every anchor to a heading', async (t) => {
  const all = await pages();
  const broken: string[] = [];
  let checked = 0;
  for (const page of all) {
    for (const link of links(page)) {
      if (external.test(link.target)) continue;
      checked++;
      const [path = '', anchor] = link.target.split('#', 2) as [string, string | undefined];
      const target = path === '' ? join(root, page.path) : normalize(join(root, dirname(page.path), decodeURI(path)));
      const where = `${page.path}:${link.line} -> ${link.target}`;
      if (relative(root, target).startsWith('..')) {
        broken.push(`${where}: leaves the repository`);
        continue;
      }
      const found = await kind(target);
      if (found === undefined) {
        broken.push(`${where}: no such file`);
        continue;
      }
      if (found === 'dir') {
        broken.push(`${where}: a folder (typedoc copies only files: link a page in it)`);
        continue;
      }
      if (anchor === undefined) continue;
      if (!target.endsWith('.md')) {
        broken.push(`${where}: an anchor into something that is not a Markdown page`);
        continue;
      }
      if (!anchors(await readFile(target, 'utf8')).has(decodeURIComponent(anchor))) broken.push(`${where}: no heading with that anchor`);
    }
  }
  t.deepEqual(broken, []);
  t.true(checked > 20, `only ${checked} relative links found: the link parser is broken`);
});

test('the link and anchor readers see what GitHub renders', (t) => {
  const page = {
    path: 'docs/x.md',
    text: [
      '# Resolving on use: `lazy()`',
      '## HTTP (scenario H)',
      '## HTTP (scenario H)',
      'See [the plugin](fastify.md#the-plugin), ![a graph](users-api-graph.png) and `[not](a-link.md)`.',
      '```ts',
      'const x = [a](b.md);',
      '```',
      '[after the fence](../README.md "title")',
    ].join('\n'),
  };
  t.deepEqual([...anchors(page.text)], ['resolving-on-use-lazy', 'http-scenario-h', 'http-scenario-h-1']);
  t.deepEqual(links(page).map((l) => [l.line, l.target]), [
    [4, 'fastify.md#the-plugin'],
    [4, 'users-api-graph.png'],
    [8, '../README.md'],
  ]);
});

test('every docs/*.md page is linked from the README, so the front page maps all of the docs', async (t) => {
  const all = await pages();
  const readme = all.find((page) => page.path === 'README.md')!;
  const linked = new Set(links(readme).map((link) => normalize(link.target.split('#')[0]!)));
  const unlinked = all.filter((page) => page.path.startsWith('docs/') && !linked.has(page.path)).map((page) => page.path);
  t.deepEqual(unlinked, [], 'add a row for each of these to the README\'s Documentation table');
});
