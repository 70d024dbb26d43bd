/**
 * OpenTelemetry spans for loopsafe: slow factory runs, boot and disposal, under the active span
 * (`@opentelemetry/api` is an optional peer).
 *
 * ```ts
 * import { traceWithOpenTelemetry } from 'loopsafe/otel';
 * ```
 * @packageDocumentation
 * @module loopsafe/otel
 */
export { traceWithOpenTelemetry, type OtelTracingOptions, type OtelTracing } from './tracing.js';
