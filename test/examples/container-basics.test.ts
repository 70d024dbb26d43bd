import test from 'ava';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const example = new URL('../../examples/container-basics/main.js', import.meta.url);

test('the container-basics example runs to the end and shows scopes, boot checks and disposal', async (t) => {
  const { stdout } = await run(process.execPath, [example.pathname], { timeout: 20_000 });
  const lines = stdout.trim().split('\n');
  t.is(lines[0], 'db: connected to memory://demo');
  for (const id of ['r1', 'r2', 'r3']) {
    t.true(lines.includes(`uow ${id}: rows for COMMIT /* ${id} */`));
    t.true(lines.includes(`uow ${id}: released`));
  }
  t.true(lines.some((l) => l.startsWith('boot refused: LOOPSAFE_ERR_CAPTIVE_DEPENDENCY') && l.includes('Cache -> UnitOfWork')));
  t.is(lines.at(-1), 'db: closed');
});
