import type { AppGraph } from './model.js';
import { edgeLabel, findingColour, findingsByProvider, lifetimeColours, providerDetail, routeColour, type GraphRenderOptions } from './style.js';

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/**
 * Render a graph as Graphviz DOT text: routes on the left as entry points, providers coloured by lifetime,
 * optional edges dashed, lazy edges dotted, providers with findings outlined in red. Each node's SVG element gets
 * the provider's or route's id and the class `provider` or `route`.
 */
export function graphToDot(graph: AppGraph, options?: GraphRenderOptions): string {
  const findings = findingsByProvider(options);
  const lines = [
    'digraph loopsafe {',
    '  rankdir=LR;',
    '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];',
    '  edge [color="#546e7a"];',
  ];
  for (const r of graph.routes) {
    lines.push(`  ${r.id} [id=${quote(r.id)}, class="route", shape=cds, fillcolor=${quote(routeColour)}, label=${quote(`${r.method} ${r.url}`)}];`);
  }
  if (graph.routes.length > 0) lines.push(`  { rank=source; ${graph.routes.map((r) => r.id).join('; ')}; }`);
  for (const p of graph.providers) {
    const found = findings.get(p.name);
    const extra = found === undefined ? '' : `, color=${quote(findingColour)}, penwidth=3, fontcolor=${quote(findingColour)}`;
    const label = `${p.name}\n${providerDetail(p)}${found === undefined ? '' : `\n⚠ ${found.join('; ')}`}`;
    const style = p.kind === 'value' || p.kind === 'supplied' ? ', style="rounded,filled,dashed"' : '';
    lines.push(`  ${p.id} [id=${quote(p.id)}, class=${quote(`provider ${p.lifetime}${found === undefined ? '' : ' finding'}`)}, fillcolor=${quote(lifetimeColours[p.lifetime])}${style}, label=${quote(label)}${extra}];`);
  }
  let absent = 0;
  for (const e of graph.edges) {
    let to = e.to;
    if (to === undefined) {
      to = `absent${absent++}`;
      lines.push(`  ${to} [class="absent", shape=box, style="rounded,dashed", fontcolor="#757575", label=${quote(`${e.toName}\n(not provided)`)}];`);
    }
    const attrs: string[] = [];
    if (e.kind === 'optional') attrs.push('style=dashed');
    if (e.kind === 'lazy') attrs.push('style=dotted');
    const label = edgeLabel(e.kind);
    if (label !== undefined) attrs.push(`label=${quote(label)}`, 'fontsize=9');
    lines.push(`  ${e.from} -> ${to}${attrs.length > 0 ? ` [${attrs.join(', ')}]` : ''};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
