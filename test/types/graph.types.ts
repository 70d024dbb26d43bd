// Compile-time tests for the graph, tracing and observer types: `npm test` type-checks this file; nothing runs.
import {
  composeObservers, createContainer, createThreadMonitor, graphToDot, graphToHtml, type AppGraph, type EdgeKind,
  type GraphProvider, type ProviderKind, type ResolutionObserver, type Synchrony,
} from '../../src/index.js';
import { traceWithOpenTelemetry, type OtelTracing } from '../../src/otel/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | undefined {
  return undefined;
}

export async function typeTests(observer: ResolutionObserver): Promise<void> {
  const graph = createContainer().graph();
  expectType<Equal<typeof graph, AppGraph>>();
  expectType<Equal<EdgeKind, 'plain' | 'optional' | 'lazy'>>();
  expectType<Equal<ProviderKind, 'factory' | 'class' | 'value' | 'supplied' | 'foreign'>>();
  expectType<Equal<Synchrony, 'sync' | 'async' | 'unknown'>>();
  expectType<Equal<GraphProvider['declaredAt'], string | undefined>>();
  expectType<Equal<(typeof graph.edges)[number]['to'], string | undefined>>();
  expectType<Equal<typeof graphToDot, (graph: AppGraph, options?: import('../../src/index.js').GraphRenderOptions) => string>>();
  expectType<Equal<Awaited<ReturnType<typeof graphToHtml>>, string>>();
  // @ts-expect-error the graph is read-only data
  graph.providers.push(graph.providers[0]!);

  createContainer({ observer: [observer, createThreadMonitor({ mode: 'off' })] });
  createContainer({ observer: composeObservers(observer) });
  // @ts-expect-error an observer needs runFactory
  createContainer({ observer: [{ active: true }] });
  expectType<Equal<ReturnType<typeof traceWithOpenTelemetry>, OtelTracing>>();
}
