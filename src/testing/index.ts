/**
 * Test helpers: apps with providers replaced, and the thread-leak check (any test runner, with ava sugar).
 *
 * ```ts
 * import { createTestApp, checkThreadLeaks, noThreadLeaks } from 'loopsafe/testing';
 * ```
 * @packageDocumentation
 * @module loopsafe/testing
 */
export { checkThreadLeaks, assertNoThreadLeaks } from './check.js';
export type { LeakCheckOptions } from './options.js';
export { noThreadLeaks, type AssertionContext } from './ava.js';
export { createTestApp, type TestAppOptions, type TeardownContext } from './app.js';
export type {
  LeakReport, ThreadCounts, LeakEnvironment, HandleFinding, WorkerFinding, OffloadFinding, LoopBlockFinding, SourceSite,
} from '../findings/types.js';
export { ThreadLeakError, SharedProcessError, OverlappingCheckError } from '../errors/testing.js';
