import { tracingChannel } from 'node:diagnostics_channel';
import { context, SpanStatusCode, trace, type Context, type HrTime, type Tracer } from '@opentelemetry/api';
import { InvalidOptionError } from '../errors/container.js';
import { loopsafeChannels, type BootContext, type ResolveContext, type ScopeContext } from '../observe/channels.js';

/** Options of {@link traceWithOpenTelemetry}. */
export interface OtelTracingOptions {
  /**
   * The tracer spans are made with.
   * @default trace.getTracer('loopsafe')
   */
  tracer?: Tracer;
  /**
   * A factory run gets a span only when it took at least this many milliseconds, so a request's trace shows the
   * slow constructions and not every cheap one. `0` records every run.
   * @default 1
   */
  factoryThresholdMs?: number;
}

/** What {@link traceWithOpenTelemetry} returns. */
export interface OtelTracing {
  /** Stop making spans (unsubscribe from loopsafe's channels). */
  close(): void;
}

interface Started {
  readonly at: HrTime;
  readonly ms: number;
  readonly parent: Context;
}

function now(): { at: HrTime; ms: number } {
  const ms = performance.timeOrigin + performance.now();
  return { at: [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)], ms };
}

/**
 * Make OpenTelemetry spans from loopsafe's tracing channels: `loopsafe.boot`, `loopsafe.factory` (runs over the
 * threshold, with `loopsafe.provider` and `loopsafe.path`), `loopsafe.scope.dispose` and
 * `loopsafe.container.dispose`. Each span's parent is the context active when the operation began, so factory runs
 * and scope disposal nest under the request's span when Fastify's OpenTelemetry instrumentation is in use.
 *
 * ```ts
 * import { traceWithOpenTelemetry } from 'loopsafe/otel';
 * const tracing = traceWithOpenTelemetry({ factoryThresholdMs: 5 });
 * ```
 */
export function traceWithOpenTelemetry(options: OtelTracingOptions = {}): OtelTracing {
  const tracer = options.tracer ?? trace.getTracer('loopsafe');
  const threshold = options.factoryThresholdMs ?? 1;
  if (typeof tracer?.startSpan !== 'function') throw new InvalidOptionError('traceWithOpenTelemetry', 'tracer', 'an OpenTelemetry Tracer', tracer);
  if (typeof threshold !== 'number' || !(threshold >= 0)) {
    throw new InvalidOptionError('traceWithOpenTelemetry', 'factoryThresholdMs', 'a number of milliseconds >= 0', threshold);
  }
  const started = new WeakMap<object, Started>();
  const undo: (() => void)[] = [];

  // Spans are made when the operation ends, with the recorded start time and parent, so a fast factory costs
  // no span at all.
  const track = <C extends { error?: unknown }>(
    channel: string, name: string, attributes: (ctx: C) => Record<string, string>, minMs: number, sync?: (ctx: C) => boolean,
  ): void => {
    const finish = (ctx: C): void => {
      const start = started.get(ctx);
      if (start === undefined) return;
      started.delete(ctx);
      const end = now();
      if (end.ms - start.ms < minMs) return;
      const span = tracer.startSpan(name, { startTime: start.at, attributes: attributes(ctx) }, start.parent);
      if (ctx.error !== undefined) {
        span.recordException(ctx.error instanceof Error ? ctx.error : String(ctx.error));
        span.setStatus({ code: SpanStatusCode.ERROR, message: ctx.error instanceof Error ? ctx.error.message : String(ctx.error) });
      }
      span.end(end.at);
    };
    const handlers = {
      start: (ctx: C) => void started.set(ctx, { ...now(), parent: context.active() }),
      end: (ctx: C) => { if (sync?.(ctx) === true) finish(ctx); },
      asyncStart: () => {},
      asyncEnd: finish,
      error: () => {},
    };
    const tc = tracingChannel<unknown, C>(channel);
    tc.subscribe(handlers);
    undo.push(() => tc.unsubscribe(handlers));
  };

  track<BootContext>(loopsafeChannels.boot, 'loopsafe.boot', () => ({}), 0);
  track<ResolveContext>(loopsafeChannels.resolve, 'loopsafe.factory',
    (ctx) => ({ 'loopsafe.provider': ctx.provider, 'loopsafe.path': ctx.path.join(' -> ') }), threshold, (ctx) => !ctx.async);
  track<ScopeContext>(loopsafeChannels.scopeDispose, 'loopsafe.scope.dispose', () => ({}), 0);
  track<BootContext>(loopsafeChannels.containerDispose, 'loopsafe.container.dispose', () => ({}), 0);
  return { close: () => { for (const u of undo.splice(0)) u(); } };
}
