// @viz-js/viz is an optional peer: without it, the HTML renderer fails with a coded error naming the package and the
// renderers that need nothing; everything else works.
import test from 'ava';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

test('without @viz-js/viz, graphToHtml rejects with LOOPSAFE_ERR_GRAPH_RENDERER_MISSING every time; DOT still renders', async (t) => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', fixture('no-viz-hooks.js'), fixture('render-html.js')]);
  const result = JSON.parse(stdout.trim()) as { html: { code: string; message: string }; again: { code: string }; dot: boolean };
  t.is(result.html.code, 'LOOPSAFE_ERR_GRAPH_RENDERER_MISSING');
  t.regex(result.html.message, /npm install @viz-js\/viz/);
  t.is(result.again.code, 'LOOPSAFE_ERR_GRAPH_RENDERER_MISSING', 'a failed import is not cached as a success');
  t.true(result.dot);
});

test('with @viz-js/viz installed, the same script renders the page', async (t) => {
  const { stdout } = await promisify(execFile)(process.execPath, [fixture('render-html.js')]);
  t.is((JSON.parse(stdout.trim()) as { html: string }).html, 'rendered');
});
