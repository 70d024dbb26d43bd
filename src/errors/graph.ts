import { LoopsafeError } from './base.js';

/** `graphToHtml()` (and `loopsafe graph --format html`) needs the optional peer `@viz-js/viz`, which is not installed. */
export class GraphRendererMissingError extends LoopsafeError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_GRAPH_RENDERER_MISSING';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = GraphRendererMissingError.code;
  override name = 'GraphRendererMissingError' as const;

  constructor(cause: unknown) {
    super(
      'Drawing the graph as HTML needs the package @viz-js/viz (Graphviz compiled to WebAssembly, an optional peer ' +
        'dependency of loopsafe). Install it with `npm install @viz-js/viz`, or render JSON, Mermaid or DOT, which need nothing.',
      { cause },
    );
  }
}
