/**
 * Test helpers: apps with providers replaced, and the thread-leak check (any test runner, with ava sugar).
 *
 * ```ts
 * import { createTestApp, checkThreadLeaks, noThreadLeaks } from 'loopsafe/testing';
 * ```
 * @packageDocumentation
 * @module loopsafe/testing
 */
export { checkThreadLeaks, assertNoThreadLeaks, type LeakCheckOptions } from './check.js';
export { noThreadLeaks, type AssertionContext } from './ava.js';
export { createTestApp, type TestAppOptions, type TeardownContext } from './app.js';
export type { LeakReport, ThreadCounts, LeakEnvironment } from './report.js';
export type { HandleFinding } from './handles.js';
export type { WorkerFinding } from './workers.js';
export type { OffloadFinding, LoopBlockFinding } from '../threads/findings.js';
export type { SourceSite } from '../threads/site.js';
export { ThreadLeakError, SharedProcessError, OverlappingCheckError } from '../errors/testing.js';
