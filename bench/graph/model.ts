/**
 * The BENCH.md graph as plain classes, for the peers that wire constructors without decorators (loopsafe,
 * awilix, the hand-written container). Parameter names match awilix's registration names, since awilix's
 * CLASSIC mode reads them. inversify and tsyringe need decorated copies, which live in their own files.
 */
import type { AShape, BShape, CShape, DShape, EShape, HandlerShape } from './peer.js';

export class Config { readonly url = 'postgres://bench/app'; }
export class Logger { readonly level = 'info'; }
export class Clock { readonly zone = 'UTC'; }

export class A implements AShape {
  readonly id: number;
  constructor(requestId: number, readonly config: Config) { this.id = requestId; }
}
export class B implements BShape {
  readonly id: number;
  constructor(requestId: number, readonly logger: Logger) { this.id = requestId; }
}
export class C implements CShape {
  constructor(readonly a: A, readonly config: Config) {}
}
export class D implements DShape {
  constructor(readonly a: A, readonly b: B) {}
}
export class E implements EShape {
  disposals = 0;
  constructor(readonly c: C, readonly d: D, readonly logger: Logger) {}
  /** The disposer every peer wires (tsyringe finds it by name). */
  dispose(): void { this.disposals++; }
}
export class Handler implements HandlerShape {
  constructor(readonly config: Config, readonly logger: Logger, readonly clock: Clock) {}
}

/** The instance M4's async singleton factory builds. */
export class Pool { readonly size = 10; }
