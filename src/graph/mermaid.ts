import type { AppGraph } from './model.js';
import { findingColour, findingsByProvider, lifetimeColours, providerDetail, routeColour, type GraphRenderOptions } from './style.js';

/** Mermaid's entity escapes keep names with quotes or angle brackets from breaking the label. */
function label(...lines: string[]): string {
  return `"${lines.map((text) => text.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;')).join('<br/>')}"`;
}

/**
 * Render a graph as a Mermaid flowchart (paste it in a Markdown file on GitHub): routes as stadium-shaped entry
 * points, providers coloured by lifetime, optional edges dashed, lazy edges labelled, findings in red.
 */
export function graphToMermaid(graph: AppGraph, options?: GraphRenderOptions): string {
  const findings = findingsByProvider(options);
  const lines = ['flowchart LR'];
  for (const r of graph.routes) lines.push(`  ${r.id}([${label(`${r.method} ${r.url}`)}]):::route`);
  for (const p of graph.providers) {
    const found = findings.get(p.name);
    const cls = found === undefined ? p.lifetime : 'finding';
    lines.push(`  ${p.id}[${label(p.name, providerDetail(p), ...(found === undefined ? [] : [`⚠ ${found.join('; ')}`]))}]:::${cls}`);
  }
  let absent = 0;
  for (const e of graph.edges) {
    let to = e.to;
    if (to === undefined) {
      to = `absent${absent++}`;
      lines.push(`  ${to}[${label(`${e.toName} (not provided)`)}]:::absent`);
    }
    const arrow = e.kind === 'plain' ? '-->' : e.kind === 'optional' ? '-. optional .->' : '-. lazy .->';
    lines.push(`  ${e.from} ${arrow} ${to}`);
  }
  for (const [name, colour] of Object.entries(lifetimeColours)) lines.push(`  classDef ${name} fill:${colour},stroke:#546e7a`);
  lines.push(`  classDef route fill:${routeColour},stroke:#546e7a`);
  lines.push(`  classDef finding fill:#ffcdd2,stroke:${findingColour},stroke-width:3px`);
  lines.push('  classDef absent fill:#fff,stroke:#9e9e9e,stroke-dasharray:4');
  return `${lines.join('\n')}\n`;
}
