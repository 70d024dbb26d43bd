import test from 'ava';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { setTimeout as sleep } from 'node:timers/promises';
import { createContainer, provide, token } from '../../src/index.js';
import { traceWithOpenTelemetry } from '../../src/otel/index.js';

// The real OpenTelemetry SDK with an in-memory exporter; spans are process-wide, so tests run one at a time.
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(provider);
const tracer = provider.getTracer('test');

const Slow = token<string>('Slow');
const Fast = token<string>('Fast');
const Session = token<{ closed: boolean }>('Session');
const Broken = token<string>('Broken');

// .always: ava skips a plain afterEach after a failed test, and the next test would see its spans.
test.afterEach.always(() => exporter.reset());

function setup(t: { teardown(fn: () => void): void }, factoryThresholdMs?: number) {
  const tracing = traceWithOpenTelemetry(factoryThresholdMs === undefined ? {} : { factoryThresholdMs });
  t.teardown(() => tracing.close());
  return createContainer({
    providers: [
      provide(Fast, { useFactory: () => 'fast' }),
      // Waits on a timer: slow without any thread-pool work.
      provide(Slow, { lifetime: 'request', inject: [Fast], useFactory: async (fast) => { await sleep(100); return `${fast}+slow`; } }),
      provide(Session, { lifetime: 'request', useFactory: () => ({ closed: false }), dispose: async (s) => { await sleep(5); s.closed = true; } }),
      provide(Broken, { lifetime: 'request', useFactory: async () => { await sleep(5); throw new Error('db down'); } }),
    ],
  });
}

test.serial('a slow factory run is a span under the request span; a fast one over the threshold is left out', async (t) => {
  // Far apart, so a loaded machine cannot push the sync factory over the threshold or the slow one under it.
  const container = setup(t, 50);
  await tracer.startActiveSpan('GET /report', async (request) => {
    const scope = container.createScope();
    t.is(await scope.resolve(Slow), 'fast+slow');
    await scope.dispose();
    request.end();
  });
  const spans = exporter.getFinishedSpans();
  const request = spans.find((s) => s.name === 'GET /report')!;
  const factories = spans.filter((s) => s.name === 'loopsafe.factory');
  t.deepEqual(factories.map((s) => s.attributes['loopsafe.provider']), ['Slow']);
  t.is(factories[0]!.attributes['loopsafe.path'], 'Slow');
  t.is(factories[0]!.parentSpanContext?.spanId, request.spanContext().spanId);
  t.is(factories[0]!.spanContext().traceId, request.spanContext().traceId);
  const dispose = spans.find((s) => s.name === 'loopsafe.scope.dispose')!;
  t.is(dispose.parentSpanContext?.spanId, request.spanContext().spanId);
});

test.serial('with threshold 0 every run is a span; disposal of the scope and the container are spans too', async (t) => {
  const container = setup(t, 0);
  const scope = container.createScope();
  const session = await scope.resolve(Session);
  await scope.dispose();
  t.true(session.closed);
  await container.resolve(Fast);
  await container.dispose();
  const names = exporter.getFinishedSpans().map((s) => s.name);
  t.deepEqual(names.filter((n) => n === 'loopsafe.factory').length, 2);
  t.true(names.includes('loopsafe.scope.dispose'));
  t.true(names.includes('loopsafe.container.dispose'));
});

test.serial('a failing factory\'s span records the error with status ERROR', async (t) => {
  const container = setup(t, 0);
  const scope = container.createScope();
  await t.throwsAsync(scope.resolve(Broken), { code: 'LOOPSAFE_ERR_PROVIDER_FAILED' });
  await scope.dispose();
  const span = exporter.getFinishedSpans().find((s) => s.name === 'loopsafe.factory')!;
  t.is(span.status.code, 2);
  t.is(span.status.message, 'db down');
  t.is(span.events[0]?.name, 'exception');
});

test.serial('boot is a span with the eager factory runs under it', async (t) => {
  const tracing = traceWithOpenTelemetry({ factoryThresholdMs: 0 });
  t.teardown(() => tracing.close());
  const container = createContainer({ providers: [provide(Fast, { eager: true, useFactory: async () => 'fast' })] });
  await container.boot();
  const spans = exporter.getFinishedSpans();
  t.deepEqual(spans.map((s) => s.name).sort(), ['loopsafe.boot', 'loopsafe.factory']);
});

test.serial('after close() no spans are made; bad options are refused with LOOPSAFE_ERR_OPTION_INVALID', async (t) => {
  const tracing = traceWithOpenTelemetry({ factoryThresholdMs: 0 });
  tracing.close();
  const container = createContainer({ providers: [provide(Fast, { useFactory: () => 'fast' })] });
  await container.resolve(Fast);
  t.deepEqual(exporter.getFinishedSpans(), []);
  t.throws(() => traceWithOpenTelemetry({ factoryThresholdMs: -1 }), { code: 'LOOPSAFE_ERR_OPTION_INVALID' });
});
