import { BootError, type LoopsafeError } from '../../src/index.js';

/**
 * Run `boot` (a check(), boot() or createApp), expect one BootError, and return its only problem: for the tests
 * of a declaration that used to be refused by register() at once, and is now reported by the boot.
 */
export async function onlyBootProblem(t: { fail(message: string): void }, boot: () => unknown): Promise<LoopsafeError> {
  try {
    await boot();
  } catch (error) {
    if (!(error instanceof BootError)) throw error;
    if (error.problems.length !== 1) t.fail(`expected one problem, got:\n${error.message}`);
    return error.problems[0]!;
  }
  t.fail('the boot succeeded');
  throw new Error('unreachable');
}
