import { writeFile } from 'node:fs/promises';
import { CliUsageError } from '../errors/cli.js';
import { graphToDot } from '../graph/dot.js';
import { graphToHtml } from '../graph/html.js';
import { graphToJson } from '../graph/json.js';
import { graphToMermaid } from '../graph/mermaid.js';
import type { AppGraph } from '../graph/model.js';
import type { GraphRenderOptions } from '../graph/style.js';
import { closeTarget, containerOf, loadTarget } from './load.js';

/** The formats `loopsafe graph --format` accepts. @internal */
export const formats = ['json', 'mermaid', 'dot', 'html'] as const;

/** Render a graph in one of the CLI's formats. @internal */
export function render(graph: AppGraph, format: string, options: GraphRenderOptions & { title?: string }): Promise<string> | string {
  switch (format) {
    case 'json': return graphToJson(graph);
    case 'mermaid': return graphToMermaid(graph, options);
    case 'dot': return graphToDot(graph, options);
    case 'html': return graphToHtml(graph, options);
    default: throw new CliUsageError(`Unknown format ${JSON.stringify(format)}; use one of ${formats.join(', ')}`);
  }
}

/** Write text to a file, or to stdout without `out`. @internal */
export async function emit(text: string, out: string | undefined): Promise<void> {
  if (out === undefined) process.stdout.write(text);
  else await writeFile(out, text);
}

/** `loopsafe graph <module>`: build the app (or take the container), describe its graph, render it. @internal */
export async function graphCommand(module: string, format: string, out: string | undefined): Promise<number> {
  if (!(formats as readonly string[]).includes(format)) render({ providers: [], edges: [], routes: [] }, format, {});
  const target = await loadTarget(module, process.cwd(), undefined);
  try {
    const text = await render(containerOf(target).graph(), format, { title: `${module}: loopsafe graph` });
    await emit(text, out);
  } finally {
    await closeTarget(target);
  }
  return 0;
}
