import test from 'ava';
import { readThreadCount, readThreadNames } from '../../src/threads/count.js';
import { ThreadCountUnsupportedError } from '../../src/index.js';

// The public countThreads() reads /proc/self/task; where that is missing it must say so, never guess.
test('without /proc/self/task the count is "unsupported", not a number', (t) => {
  t.is(readThreadCount('/nonexistent/task'), undefined);
  t.is(readThreadNames('/nonexistent/task'), undefined);
  t.is(new ThreadCountUnsupportedError('darwin', '/proc/self/task').code, 'LOOPSAFE_ERR_THREAD_COUNT_UNSUPPORTED');
});

test('thread names are read as data, one per thread', (t) => {
  const names = readThreadNames()!;
  t.is(names.length, readThreadCount()!);
  t.true(names.includes('MainThread') || names.includes('node'));
});
