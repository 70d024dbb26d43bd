import test from 'ava';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

const fixture = new URL('./fixtures/create-in-worker.js', import.meta.url);

async function runInWorker(allow: boolean): Promise<{ ok: boolean; code?: string; message?: string }> {
  const worker = new Worker(fixture, { workerData: { allow } });
  // Listen for both at once: under load the exit can be delivered right after the message.
  const exited = once(worker, 'exit');
  const [message] = (await once(worker, 'message')) as [{ ok: boolean; code?: string; message?: string }];
  await exited;
  return message;
}

test('creating a container in a worker thread is refused with a coded error that says how to opt in', async (t) => {
  const result = await runInWorker(false);
  t.false(result.ok);
  t.is(result.code, 'LOOPSAFE_ERR_WRONG_THREAD');
  t.regex(result.message ?? '', /allowWorkerThread/);
});

test('a worker thread may have its own container when it says so', async (t) => {
  t.true((await runInWorker(true)).ok);
});
