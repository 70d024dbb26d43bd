/**
 * The one interface every peer implements: the BENCH.md graph built in that peer's idiomatic way, and one
 * operation per scenario. The checks in ../checks.ts and the timer only ever see this interface.
 */

/** The shapes every peer's classes have, so one set of checks reads them all. */
export interface ConfigShape { readonly url: string }
export interface LoggerShape { readonly level: string }
export interface ClockShape { readonly zone: string }
export interface AShape { readonly id: number; readonly config: ConfigShape }
export interface BShape { readonly id: number; readonly logger: LoggerShape }
export interface CShape { readonly a: AShape; readonly config: ConfigShape }
export interface DShape { readonly a: AShape; readonly b: BShape }
export interface EShape {
  readonly c: CShape;
  readonly d: DShape;
  readonly logger: LoggerShape;
  /** How many times this instance's disposer ran. */
  readonly disposals: number;
}
export interface HandlerShape { readonly config: ConfigShape; readonly logger: LoggerShape; readonly clock: ClockShape }

/** What one M4 operation saw: the instances the 100 callers got, and how often the factory ran. */
export interface ConcurrentResult {
  readonly instances: readonly unknown[];
  readonly factoryRuns: number;
}

/** A peer's graph, built once per worker process. */
export interface PeerGraph {
  /** M1: resolve the singleton `Config`. */
  singleton(): ConfigShape;
  /** The singletons, resolved once, for the M2 and M3 checks. */
  singletons(): { config: ConfigShape; logger: LoggerShape; clock: ClockShape };
  /** M2: resolve the transient `Handler`. */
  transient(): HandlerShape;
  /** M3: open a request scope, supply `id`, resolve `E`, dispose the scope; returns `E` after disposal. */
  request(id: number): EShape | Promise<EShape>;
  /** M4: a fresh container whose async singleton awaits one setImmediate, resolved by 100 concurrent callers. */
  concurrent(): Promise<ConcurrentResult>;
  /** False when the peer's M3 wiring has no disposal at all (reported, never compared). */
  readonly disposesScopes: boolean;
}

/** How many concurrent callers M4 has. */
export const CALLERS = 100;

/** One setImmediate, as the M4 factory awaits. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
