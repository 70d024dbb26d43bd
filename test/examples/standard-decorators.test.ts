// The standard-decorators example (examples/standard-decorators/, its own tsconfig: TypeScript 5's defaults, no
// experimentalDecorators) compiled by tsc and run by node, and run from source by tsx: the same requests over a
// real socket must get the same responses. Its broken twin must fail to compile, on each marked line.
import test from 'ava';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { root, tsc } from '../helpers/standard-decorators.js';

const example = fileURLToPath(new URL('examples/standard-decorators/', root));
const tsxCli = fileURLToPath(new URL('node_modules/tsx/dist/cli.mjs', root));
const built = tsc('examples/standard-decorators/tsconfig.json');

type Runner = 'tsc' | 'tsx';

/** Start the example; resolves with its URL once it listens. Killed at teardown. */
async function start(t: { teardown(fn: () => unknown): void }, runner: Runner): Promise<{ url: string; line: Record<string, unknown> }> {
  const args = runner === 'tsx' ? [tsxCli, 'main.ts'] : [fileURLToPath(new URL('dist/examples/standard-decorators/main.js', root))];
  // tsx reads the tsconfig of its working directory: the example's, without experimentalDecorators.
  const child = spawn(process.execPath, args, { cwd: example, env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (text) => {
      if (!text.startsWith('{')) return;
      const line = JSON.parse(text) as Record<string, unknown>;
      if (line['msg'] === 'notes API listening') resolve({ url: line['url'] as string, line });
    });
    void exited.then(() => reject(new Error(`the example (${runner}) exited before listening:\n${stderr}`)));
  });
}

/** The same conversation with the API for both runners; returns what came back, to compare. */
async function converse(url: string): Promise<unknown[]> {
  const json = { 'content-type': 'application/json' };
  const results: unknown[] = [];
  const record = async (response: Promise<Response>) => {
    const r = await response;
    // The time a note was written differs per run: only its type is compared.
    const body = JSON.parse(await r.text(), (key, value: unknown) => (key === 'at' && typeof value === 'number' ? 'a time' : value)) as unknown;
    results.push([r.status, body]);
  };
  await record(fetch(`${url}/notes`, { method: 'POST', headers: json, body: JSON.stringify({ text: 'buy milk' }) }));
  await record(fetch(`${url}/notes`, { method: 'POST', headers: json, body: JSON.stringify({ text: '' }) }));
  await record(fetch(`${url}/notes/1`));
  await record(fetch(`${url}/notes/2`));
  await record(fetch(`${url}/notes/abc`));
  await record(fetch(`${url}/health`));
  return results;
}

const expected = [
  [201, { id: 1, text: 'buy milk', at: 'a time', by: 'this request' }],
  [400, { statusCode: 400, code: 'FST_ERR_VALIDATION', error: 'Bad Request', message: 'body/text must NOT have fewer than 1 characters' }],
  [200, { note: { id: 1, text: 'buy milk', at: 'a time' }, servedFor: 'GET' }],
  [404, { note: null, servedFor: 'GET' }],
  [400, { statusCode: 400, code: 'FST_ERR_VALIDATION', error: 'Bad Request', message: 'params/id must be integer' }],
  [200, { ok: true, notes: 1 }],
];

for (const runner of ['tsc', 'tsx'] as const) {
  test(`the example compiled by ${runner === 'tsc' ? 'tsc and run by node' : 'nobody, run from source by tsx'}, serves its routes over a real socket`, async (t) => {
    if (runner === 'tsc') {
      const { ok, output } = await built;
      t.true(ok, output);
    }
    const { url, line } = await start(t, runner);
    t.deepEqual(await converse(url), expected);
    t.is(line['symbolMetadata'], typeof (Symbol as { metadata?: symbol }).metadata, 'loopsafe installs no Symbol.metadata polyfill');
  });
}

for (const [label, project] of [['standard', 'tsconfig.json'], ['experimentalDecorators', 'tsconfig.legacy.json']] as const) {
  test(`the broken twin fails to compile (${label}) exactly on its wrong or missing inject lists, naming what the constructor or handler takes`, async (t) => {
    const source = 'test/fixtures/standard-decorators/broken/';
    const [{ ok, output }, text] = await Promise.all([tsc(`${source}${project}`), readFile(new URL(`${source}broken.ts`, root), 'utf8')]);
    t.false(ok);
    const marked = new Map<number, string>();
    text.split('\n').forEach((line, i) => {
      const mark = /^\s*@.*\/\/ error(\(standard\))?: (.+)$/.exec(line);
      if (mark !== null && (mark[1] === undefined || label === 'standard')) marked.set(i + 1, mark[2]!.trim());
    });
    t.is(marked.size, label === 'standard' ? 8 : 6);
    // One error per marked line: its first line names the place, the lines after it (indented) explain.
    const errors = new Map<number, string>();
    for (const block of output.split(/\n(?=\S)/)) {
      const place = /broken\.ts\((\d+),\d+\): error/.exec(block);
      if (place !== null) errors.set(Number(place[1]), block);
      else if (block.trim() !== '') t.fail(`unexpected output: ${block}`);
    }
    t.deepEqual([...errors.keys()], [...marked.keys()]);
    for (const [line, text] of marked) t.true(errors.get(line)?.includes(text), `line ${line}: ${text}\n${errors.get(line) ?? ''}`);
  });
}
