import { GraphRendererMissingError } from '../errors/graph.js';
import { graphToDot } from './dot.js';
import type { AppGraph } from './model.js';
import { findingsByProvider, lifetimeColours, routeColour, type GraphRenderOptions } from './style.js';

/** Options of {@link graphToHtml}. */
export interface GraphHtmlOptions extends GraphRenderOptions {
  /**
   * The page's title and heading.
   * @default 'loopsafe graph'
   */
  readonly title?: string;
}

interface Viz {
  renderString(dot: string, options: { format: 'svg' }): string;
}

// Graphviz compiled to WebAssembly, loaded on first use only: importing loopsafe never pays for it.
let viz: Promise<Viz> | undefined;

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function row(cells: readonly string[]): string {
  return `<tr>${cells.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`;
}

/**
 * Render a graph as one self-contained HTML page: the graph drawn as SVG by Graphviz (`@viz-js/viz`, run here at
 * render time, so the page loads no script and needs no network), a legend, and tables of providers, routes and
 * findings. Providers coloured by lifetime, routes as entry points, findings outlined in red.
 */
export async function graphToHtml(graph: AppGraph, options: GraphHtmlOptions = {}): Promise<string> {
  const title = options.title ?? 'loopsafe graph';
  // An optional peer: only this renderer needs its 5 MB of WebAssembly. A failed import is not cached.
  viz ??= import('@viz-js/viz').then((m) => m.instance(), (error: unknown) => {
    viz = undefined;
    throw new GraphRendererMissingError(error);
  });
  const svg = (await viz).renderString(graphToDot(graph, options), { format: 'svg' }).replace(/^[\s\S]*?(?=<svg)/, '');
  const findings = findingsByProvider(options);
  const names = new Map(graph.providers.map((p) => [p.id, p.name]));
  const legend = [
    ...Object.entries(lifetimeColours).map(([name, colour]) => `<span class="key" style="background:${colour}">${name}</span>`),
    `<span class="key" style="background:${routeColour}">route</span>`,
    '<span class="key finding">finding</span>',
    '<span class="key">- - optional</span>', '<span class="key">··· lazy</span>',
  ].join(' ');
  const providerRows = graph.providers.map((p) => row([
    p.name, p.lifetime, p.kind, p.synchrony, p.eager ? 'yes' : '', p.hasDisposer ? 'yes' : '', p.declaredAt ?? '',
    (findings.get(p.name) ?? []).join('; '),
  ])).join('\n');
  const routeRows = graph.routes.map((r) => row([`${r.method} ${r.url}`, r.reaches.map((id) => names.get(id) ?? id).join(', ')])).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escape(title)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #263238; }
.graph { overflow: auto; border: 1px solid #cfd8dc; padding: .5rem; }
.key { display: inline-block; padding: .1rem .5rem; border: 1px solid #90a4ae; border-radius: .3rem; margin-right: .3rem; }
.key.finding { border: 3px solid #d32f2f; }
table { border-collapse: collapse; margin-top: 1rem; }
td, th { border: 1px solid #cfd8dc; padding: .2rem .5rem; text-align: left; vertical-align: top; }
</style>
</head>
<body>
<h1>${escape(title)}</h1>
<p>${graph.providers.length} providers, ${graph.routes.length} routes, ${graph.edges.length} dependencies. ${legend}</p>
<div class="graph">
${svg}
</div>
<h2>Providers</h2>
<table><thead><tr><th>name</th><th>lifetime</th><th>kind</th><th>sync</th><th>eager</th><th>disposer</th><th>declared at</th><th>findings</th></tr></thead>
<tbody>
${providerRows}
</tbody></table>
<h2>Routes</h2>
<table><thead><tr><th>route</th><th>reaches</th></tr></thead>
<tbody>
${routeRows}
</tbody></table>
</body>
</html>
`;
}
