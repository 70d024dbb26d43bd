import type { AppGraph } from './model.js';

/** Render a graph as indented JSON. Unknown values (`declaredAt`, an absent edge's `to`) are `null`, so every object has every field. */
export function graphToJson(graph: AppGraph): string {
  return `${JSON.stringify(graph, (_key, value: unknown) => (value === undefined ? null : value), 2)}\n`;
}
