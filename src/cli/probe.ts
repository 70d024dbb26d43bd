import { subscribe, tracingChannel, unsubscribe } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import { loopsafeChannels, type ResolveContext, type ScopeContext } from '../observe/channels.js';
import { threadChannels } from '../threads/channels.js';
import type { LoopBlockFinding, OffloadFinding } from '../findings/types.js';

/** What one phase of a doctor run (boot, a request, shutdown) did, per provider and in total. @internal */
export interface PhaseRecord {
  readonly providers: Map<string, { runs: number; ms: number }>;
  readonly offloads: OffloadFinding[];
  readonly loopBlocks: LoopBlockFinding[];
  scopeMs: number | undefined;
  disposeMs: number | undefined;
  disposeFailed: boolean;
}

/** A fresh, empty phase. @internal */
export function newPhase(): PhaseRecord {
  return { providers: new Map(), offloads: [], loopBlocks: [], scopeMs: undefined, disposeMs: undefined, disposeFailed: false };
}

/**
 * Listens on loopsafe's tracing and thread channels for the doctor and files what it hears under the current phase.
 * The doctor sends one request at a time, so "now" is enough to attribute an event. @internal
 */
export class Probe {
  current: PhaseRecord = newPhase();
  readonly #began = new WeakMap<object, number>();
  readonly #scopeOpened = new WeakMap<object, number>();
  readonly #undo: (() => void)[] = [];
  #open = 0;
  #idle: (() => void) | undefined;

  constructor() {
    const resolve = tracingChannel<unknown, ResolveContext>(loopsafeChannels.resolve);
    const done = (ctx: ResolveContext): void => {
      const began = this.#began.get(ctx);
      if (began === undefined) return;
      const row = this.current.providers.get(ctx.provider) ?? { runs: 0, ms: 0 };
      row.runs++;
      row.ms += performance.now() - began;
      this.current.providers.set(ctx.provider, row);
    };
    const resolveHandlers = {
      start: (ctx: ResolveContext) => void this.#began.set(ctx, performance.now()),
      end: (ctx: ResolveContext) => { if (!ctx.async) done(ctx); },
      asyncStart: () => {},
      asyncEnd: done,
      error: () => {},
    };
    resolve.subscribe(resolveHandlers);
    this.#undo.push(() => resolve.unsubscribe(resolveHandlers));

    const onOpen = (message: unknown): void => {
      this.#open++;
      this.#scopeOpened.set(message as object, performance.now());
    };
    subscribe(loopsafeChannels.scopeOpen, onOpen);
    this.#undo.push(() => unsubscribe(loopsafeChannels.scopeOpen, onOpen));
    const dispose = tracingChannel<unknown, ScopeContext>(loopsafeChannels.scopeDispose);
    const disposeHandlers = {
      start: (ctx: ScopeContext) => void this.#began.set(ctx, performance.now()),
      end: () => {},
      asyncStart: () => {},
      asyncEnd: (ctx: ScopeContext) => {
        const now = performance.now();
        const opened = this.#scopeOpened.get(ctx);
        const began = this.#began.get(ctx);
        if (opened !== undefined) this.current.scopeMs = (this.current.scopeMs ?? 0) + now - opened;
        if (began !== undefined) this.current.disposeMs = (this.current.disposeMs ?? 0) + now - began;
        if (ctx.error !== undefined) this.current.disposeFailed = true;
        if (opened !== undefined && --this.#open === 0) this.#idle?.();
      },
      error: () => {},
    };
    dispose.subscribe(disposeHandlers);
    this.#undo.push(() => dispose.unsubscribe(disposeHandlers));

    const onOffload = (finding: unknown): void => void this.current.offloads.push(finding as OffloadFinding);
    const onBlock = (finding: unknown): void => void this.current.loopBlocks.push(finding as LoopBlockFinding);
    subscribe(threadChannels.offload, onOffload);
    subscribe(threadChannels.loopBlock, onBlock);
    this.#undo.push(() => unsubscribe(threadChannels.offload, onOffload), () => unsubscribe(threadChannels.loopBlock, onBlock));
  }

  /**
   * Resolves once every scope opened so far has finished disposing (fastify disposes a request's scope after the
   * response is sent, so after inject() resolves), or after `ms`, whichever comes first.
   */
  async idle(ms: number): Promise<void> {
    if (this.#open === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.#idle = resolve;
      timer = setTimeout(resolve, ms);
    });
    clearTimeout(timer);
    this.#idle = undefined;
  }

  /** Stop listening. */
  close(): void {
    for (const undo of this.#undo.splice(0)) undo();
  }
}
