// `npm test` starts with scripts/preflight.mjs: on a machine without redis-server, redis-cli or Chromium it must stop
// at once with one message naming each missing tool and the install command, and on a machine with them say nothing.
// The script is run as npm runs it, a real process with a real PATH (a folder of symlinks), not by calling a stub.
import test from 'ava';
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const script = join(root, 'scripts/preflight.mjs');
const INSTALL = 'apt-get update && apt-get install -y redis-server redis-tools chromium';

interface Tool {
  readonly name: string;
}
interface Preflight {
  readonly INSTALL: string;
  readonly CHROMIUM: string;
  missing(options: { path: string; chromium?: string }): Tool[];
  message(absent: Tool[]): string;
}

const preflight = (await import(pathToFileURL(script).href)) as Preflight;

/** A temp folder for one test, removed at its end. */
async function folder(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'loopsafe-preflight-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Where a tool is on this process's PATH (the machine the suite runs on has them: the preflight said so). */
function which(name: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('sh', ['-c', `command -v ${name}`], (error, stdout) => (error ? reject(new Error(`${name} is not on PATH`)) : resolve(stdout.trim()))));
}

/** Run the script with `node` from a PATH of the given folder only, as `npm test` would on that machine. */
function run(path: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(join(path, 'node'), [script], { env: { PATH: path }, cwd: root }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }));
  });
}

test('without redis-server and redis-cli on PATH it exits 1 with one message naming both and the install command', async (t) => {
  const bin = await folder(t);
  await symlink(process.execPath, join(bin, 'node'));
  const { code, stdout, stderr } = await run(bin);
  t.is(code, 1);
  t.is(stdout, '');
  t.regex(stderr, /^npm test needs tools this machine does not have:\n/);
  t.regex(stderr, /^ {2}- redis-server \(not found on PATH\)/m);
  t.regex(stderr, /^ {2}- redis-cli \(not found on PATH\)/m);
  t.is(stderr.split(INSTALL).length - 1, 1, 'the install command, once');
  t.true(stderr.trimEnd().endsWith(INSTALL), 'the command is the last line, ready to copy');
});

test('with redis-server, redis-cli and Chromium present it exits 0 and prints nothing', async (t) => {
  const bin = await folder(t);
  await symlink(process.execPath, join(bin, 'node'));
  for (const tool of ['redis-server', 'redis-cli']) await symlink(await which(tool), join(bin, tool));
  t.deepEqual(await run(bin), { code: 0, stdout: '', stderr: '' });
});

test('Chromium is looked for where the browser test launches it, and named when it is not there', async (t) => {
  const browserTest = await readFile(join(root, 'test/graph/browser.test.ts'), 'utf8');
  t.true(browserTest.includes(`const executablePath = '${preflight.CHROMIUM}';`), 'the same path as test/graph/browser.test.ts');
  const dir = await folder(t);
  const absent = preflight.missing({ path: '', chromium: join(dir, 'chromium') });
  t.deepEqual(absent.map((tool) => tool.name), ['redis-server', 'redis-cli', 'chromium']);
  const text = preflight.message(absent);
  t.regex(text, new RegExp(`^ {2}- chromium \\(not found at ${join(dir, 'chromium')}\\)`, 'm'));
  t.is(preflight.INSTALL, INSTALL);
});

test('a tool counts only as an executable file on PATH: a folder or a file without the x bit of that name does not', async (t) => {
  const dir = await folder(t);
  const bin = join(dir, 'bin');
  await mkdir(join(bin, 'redis-server'), { recursive: true }); // a folder with the tool's name
  await writeFile(join(bin, 'redis-cli'), '#!/bin/sh\n');
  await chmod(join(bin, 'redis-cli'), 0o644); // a file nobody may execute
  await mkdir(join(dir, 'chromium'));
  const path = ['', join(dir, 'nowhere'), bin].join(delimiter); // an empty entry and a missing folder are passed over
  t.deepEqual(preflight.missing({ path, chromium: join(dir, 'chromium') }).map((tool) => tool.name), ['redis-server', 'redis-cli', 'chromium']);
  await chmod(join(bin, 'redis-cli'), 0o755);
  t.deepEqual(preflight.missing({ path, chromium: join(dir, 'chromium') }).map((tool) => tool.name), ['redis-server', 'chromium']);
});

test('npm test runs the preflight first, before it builds anything', async (t) => {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const steps = pkg.scripts['test']!.split('&&').map((step) => step.trim());
  t.is(steps[0], 'node scripts/preflight.mjs');
  t.true(steps.indexOf('npm run build') > 0);
});
