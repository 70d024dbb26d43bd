export { traceWithOpenTelemetry, type OtelTracingOptions, type OtelTracing } from './tracing.js';
