import test from 'ava';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

test('the ava sugar passes a block that used an unmonitored container, and logs that its resolutions were not checked', async (t) => {
  const project = new URL('./fixtures/ava-unmonitored/', import.meta.url);
  await writeFile(new URL('package.json', project), JSON.stringify({ type: 'module', ava: { files: ['*.fixture.js'], workerThreads: false } }));
  const cli = fileURLToPath(new URL('../../../node_modules/ava/entrypoints/cli.js', import.meta.url));
  const output = await new Promise<{ code: number | null; text: string }>((resolve) => {
    execFile(process.execPath, [cli], { cwd: fileURLToPath(project), timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : ((error as { code?: number }).code ?? null), text: stdout + stderr }));
  });
  t.is(output.code, 0, output.text);
  t.true(output.text.includes('not checked: 1 container(s) without a thread monitor'), output.text);
});
