// Shared by the testing-helper tests: the public entry, and the codes they assert on.
export { checkThreadLeaks, assertNoThreadLeaks, noThreadLeaks } from '../../src/testing/index.js';
export const LoopsafeErrorCode = {
  overlap: 'LOOPSAFE_ERR_TESTING_OVERLAP',
  sharedProcess: 'LOOPSAFE_ERR_TESTING_SHARED_PROCESS',
  leak: 'LOOPSAFE_ERR_THREAD_LEAK',
} as const;
