import type { LoopBlockFinding, OffloadFinding } from './findings.js';

/** Something that hears every monitor's findings for a while: a `loopsafe/testing` block. @internal */
export interface FindingSink {
  offload(finding: OffloadFinding): void;
  loopBlock(finding: LoopBlockFinding): void;
}

/**
 * The sinks listening now. While one is, every monitor attributes (even in mode `off`), so a test block sees the
 * resolutions of containers that were created with a production monitor. @internal
 */
export const sinks = new Set<FindingSink>();
