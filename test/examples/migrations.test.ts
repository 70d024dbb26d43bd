// The migration guides' code: before and after each run here, the docs quote these files verbatim, and the app
// behaves the same after the move (plus what loopsafe adds, such as the NestJS unit of work being released).
import test from 'ava';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));

async function lines(example: string): Promise<string[]> {
  const { stdout } = await run(process.execPath, [`${root}dist/examples/${example}.js`], { timeout: 60_000 });
  return stdout.trimEnd().split('\n').map((line) => line.trimEnd());
}

const served = ['GET /users/1 200 {"id":1,"name":"Ada","request":"req-1"}', 'GET /users/9 404'];
const released = ['uow req-1 released', 'uow req-2 released'];

test('from @fastify/awilix: before and after serve the same responses, release each unit of work, close the db last', async (t) => {
  for (const side of ['before', 'after']) {
    const out = await lines(`migrate-from-awilix/${side}`);
    t.deepEqual(out.filter((l) => l.startsWith('GET ')), served, side);
    t.deepEqual(out.filter((l) => l.startsWith('uow ')), released, side);
    t.is(out.at(-1), 'db closed', side);
  }
});

test('from NestJS request scope: the same responses; only after the move is each request\'s unit of work released', async (t) => {
  const before = await lines('migrate-from-nestjs/before');
  t.deepEqual(before.filter((l) => l.startsWith('GET ')), served);
  t.deepEqual(before.filter((l) => l.startsWith('uow ')), []);
  t.is(before.at(-1), 'db closed');
  const after = await lines('migrate-from-nestjs/after');
  t.deepEqual(after.filter((l) => l.startsWith('GET ')), served);
  t.deepEqual(after.filter((l) => l.startsWith('uow ')), released);
  t.is(after.at(-1), 'db closed');
});

test('the migration guides quote the example files exactly', async (t) => {
  for (const guide of ['migrate-from-awilix', 'migrate-from-nestjs']) {
    const text = await readFile(`${root}docs/${guide}.md`, 'utf8');
    const quoted = [...text.matchAll(/<!-- file: (\S+) -->\s*```ts\n([\s\S]*?)```/g)];
    t.is(quoted.length, 2, guide);
    for (const [, path, code] of quoted) t.is(code, await readFile(`${root}${path}`, 'utf8'), `${guide} quotes ${path}`);
  }
});
