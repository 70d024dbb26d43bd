import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The users API through the loopsafe CLI, as its README shows: the graph page, then a doctor run. Its module's
// default export is the defineClusterApp() definition; the CLI builds it as worker 1 would.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'dist/src/cli/main.js');
const app = 'dist/examples/users-api/app.js';

function loopsafe(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: root, timeout: 50_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

test('loopsafe graph draws the users API page: every route and provider in the SVG', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'loopsafe-users-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const out = join(dir, 'users-api.html');
  const run = await loopsafe('graph', app, '--format', 'html', '--out', out);
  t.is(run.code, 0, run.stderr);
  const html = await readFile(out, 'utf8');
  for (const name of ['UserRepository', 'UnitOfWork', 'RequestLogger', 'UsersController', 'Config']) t.regex(html, new RegExp(`<text[^>]*>${name}</text>`));
  for (const r of ['GET /users', 'POST /users', 'DELETE /users/:id', 'GET /health']) t.true(html.includes(`>${r}</text>`), r);
});

test('loopsafe doctor runs every parameterless GET route of the users API and finds nothing', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'loopsafe-users-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const out = join(dir, 'doctor.json');
  // The app logs to stdout, so the report goes to a file.
  const run = await loopsafe('doctor', app, '--json', '--out', out);
  t.is(run.code, 0, run.stdout + run.stderr);
  const report = JSON.parse(await readFile(out, 'utf8')) as { findings: number; phases: { name: string; status?: number }[] };
  t.is(report.findings, 0);
  const phases = report.phases.map((p) => [p.name, p.status ?? null]);
  t.deepEqual(phases[0], ['boot', null]);
  t.deepEqual(phases.at(-1), ['shutdown', null]);
  for (const url of ['/health', '/slow', '/users', '/metrics']) t.true(phases.some(([name, status]) => name === `GET ${url}` && status === 200), url);
  t.false(phases.some(([name]) => String(name).includes(':')), 'no route with a parameter is guessed at');
});
