import test from 'ava';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { checkThreadLeaks, LoopsafeErrorCode } from './codes.js';

test.serial('two overlapping checks: the second is refused with LOOPSAFE_ERR_TESTING_OVERLAP, the first still judges', async (t) => {
  let release!: () => void;
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  const first = checkThreadLeaks(() => {
    started();
    return new Promise<void>((resolve) => (release = resolve));
  }, { title: 'first' });
  await running; // the first block is now running
  const error = await t.throwsAsync(checkThreadLeaks(() => {}, { title: 'second' }));
  t.is((error as unknown as { code: string }).code, LoopsafeErrorCode.overlap);
  t.regex(error!.message, /"first"/);
  release();
  t.true((await first).ok);
});

test.serial('the check inside a worker thread is refused with LOOPSAFE_ERR_TESTING_SHARED_PROCESS', async (t) => {
  const worker = new Worker(new URL('./fixtures/in-worker.js', import.meta.url));
  const exited = once(worker, 'exit'); // listen now: 'exit' can follow 'message' before an await resumes
  const [message] = (await once(worker, 'message')) as [{ code: string; message: string }];
  await exited;
  t.is(message.code, LoopsafeErrorCode.sharedProcess);
  t.true(message.message.includes('"workerThreads": false'));
});

test.serial('the ava sugar under ava with worker threads fails the test with the config line to fix it', async (t) => {
  const project = new URL('./fixtures/ava-project/', import.meta.url);
  // ava with its default workerThreads: true, in a project of its own (a package.json beside the fixture).
  await writeFile(new URL('package.json', project), JSON.stringify({ type: 'module', ava: { files: ['*.fixture.js'], workerThreads: true } }));
  const cli = fileURLToPath(new URL('../../../node_modules/ava/entrypoints/cli.js', import.meta.url));
  const output = await new Promise<{ code: number | null; text: string }>((resolve) => {
    execFile(process.execPath, [cli], { cwd: fileURLToPath(project), timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : ((error as { code?: number }).code ?? null), text: stdout + stderr }));
  });
  t.is(output.code, 1, output.text);
  t.true(output.text.includes(LoopsafeErrorCode.sharedProcess), output.text);
  t.true(output.text.includes('"workerThreads": false'), output.text);
});

test.serial("a block that throws gets its own error back, and the check is over: the next one is not refused", async (t) => {
  const error = await t.throwsAsync(checkThreadLeaks(() => {
    throw new Error('boom');
  }));
  t.is(error?.message, 'boom');
  t.true((await checkThreadLeaks(() => {})).ok);
});
