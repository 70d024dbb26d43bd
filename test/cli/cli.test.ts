import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'dist/src/cli/main.js');
const fixture = (name: string) => `dist/test/cli/fixtures/${name}.js`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the real `loopsafe` bin in its own process, from the repository root. */
function loopsafe(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: root, timeout: 50_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

async function tempDir(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'loopsafe-cli-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('package.json names the bin', async (t) => {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  t.is(pkg.bin['loopsafe'], './dist/src/cli/main.js');
  t.regex(await readFile(bin, 'utf8'), /^#!\/usr\/bin\/env node\n/);
});

test('graph prints the JSON graph of createApp() options by default, routes included', async (t) => {
  const run = await loopsafe('graph', fixture('clean'));
  t.is(run.code, 0, run.stderr);
  const graph = JSON.parse(run.stdout) as { providers: { name: string }[]; routes: { method: string; url: string }[] };
  t.deepEqual(graph.providers.map((p) => p.name).slice(0, 2), ['Greeting', 'Session']);
  t.deepEqual(graph.routes.map((r) => `${r.method} ${r.url}`), ['GET /hello', 'GET /items/:id', 'POST /echo']);
});

test('graph reads a container exported as `container` and renders Mermaid and DOT', async (t) => {
  const mermaid = await loopsafe('graph', fixture('container'), '--format', 'mermaid');
  t.is(mermaid.code, 0, mermaid.stderr);
  t.regex(mermaid.stdout, /^flowchart LR\n/);
  t.regex(mermaid.stdout, /Jobs<br\/>singleton · factory · eager/);
  t.regex(mermaid.stdout, /-\. optional \.-> absent0/);
  const dot = await loopsafe('graph', fixture('container'), '--format', 'dot');
  t.regex(dot.stdout, /^digraph loopsafe \{/);
});

test('graph --format html --out writes the page with the SVG inline', async (t) => {
  const dir = await tempDir(t);
  const out = join(dir, 'graph.html');
  const run = await loopsafe('graph', fixture('offender'), '--format', 'html', '--out', out);
  t.is(run.code, 0, run.stderr);
  t.is(run.stdout, '');
  const html = await readFile(out, 'utf8');
  t.regex(html, /<svg[\s\S]*class="node route"[\s\S]*<\/svg>/);
  t.regex(html, /Settings/);
});

test('doctor sends every GET route without parameters, prints a table, exits 0 when clean', async (t) => {
  const run = await loopsafe('doctor', fixture('clean'));
  t.is(run.code, 0, run.stdout + run.stderr);
  t.regex(run.stdout, /^GET \/hello\s+200\s/m);
  t.notRegex(run.stdout, /items/, 'a route with a parameter is not guessed at');
  t.notRegex(run.stdout, /POST/);
  t.regex(run.stdout, /^ {2}Session\s/m);
  t.regex(run.stdout, /No findings/);
  t.regex(run.stderr, /\[1\/1\] GET \/hello/, 'a progress line per request');
});

test('doctor --json reports scope and disposal timings and thread counts per request', async (t) => {
  const run = await loopsafe('doctor', fixture('clean'), '--json', '--requests', 'test/cli/fixtures/requests.json');
  t.is(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as { findings: number; phases: { name: string; status: number | null; scopeMs?: number; disposeMs?: number; threadsBefore?: number; providers: { provider: string; runs: number }[] }[] };
  t.is(report.findings, 0);
  t.deepEqual(report.phases.map((p) => p.name), ['boot', 'GET /hello', 'POST /echo', 'shutdown']);
  const echo = report.phases[2]!;
  t.is(echo.status, 200);
  t.is(typeof echo.scopeMs, 'number');
  t.is(typeof echo.disposeMs, 'number');
  t.is(typeof echo.threadsBefore, 'number');
  t.deepEqual(echo.providers.map((p) => [p.provider, p.runs]), [['Session', 1]]);
});

test('doctor exits 1 and names the provider path when a factory offloads work, and highlights it in --html', async (t) => {
  const dir = await tempDir(t);
  const page = join(dir, 'doctor.html');
  const run = await loopsafe('doctor', fixture('offender'), '--html', page);
  t.is(run.code, 1, run.stdout + run.stderr);
  t.regex(run.stdout, /^GET \/settings\s+200\s.*fs:\d/m);
  t.regex(run.stdout, /^ {2}Settings\s.*fs:\d/m);
  t.regex(run.stdout, /^ {2}Reader\s.*\s-\s+0\s+1$/m, 'Reader itself offloaded nothing');
  t.regex(run.stdout, /findings?:\n {2}GET \/settings: GET \/settings -> Reader -> Settings offloaded fs work \(FSREQPROMISE\)/);
  t.regex(run.stdout, /^GET \/ok\s+200\s.*\s-\s+0$/m, 'the clean route has no finding');
  t.notRegex(run.stderr, /LoopsafeWarning|LOOPSAFE_ERR_THREAD_OFFLOAD/, 'the report, not a warning, tells');
  t.regex(await readFile(page, 'utf8'), /class="node provider request finding"/);
});

test('a module that exports nothing usable fails with LOOPSAFE_ERR_CLI_MODULE_UNUSABLE and what to export', async (t) => {
  const run = await loopsafe('graph', fixture('nothing'));
  t.is(run.code, 2);
  t.regex(run.stderr, /^LOOPSAFE_ERR_CLI_MODULE_UNUSABLE: .*its exports are version.*Export, as default or as `app` or `container`/);
});

test('a module that cannot be loaded fails with LOOPSAFE_ERR_CLI_MODULE_LOAD and its reason', async (t) => {
  const thrown = await loopsafe('doctor', fixture('throws'));
  t.is(thrown.code, 2);
  t.regex(thrown.stderr, /^LOOPSAFE_ERR_CLI_MODULE_LOAD: Cannot load .*throws\.js: the config file is missing/m);
  const missing = await loopsafe('graph', 'no/such/module.js');
  t.regex(missing.stderr, /^LOOPSAFE_ERR_CLI_MODULE_LOAD: Cannot load no\/such\/module\.js/);
});

test('bad usage fails with LOOPSAFE_ERR_CLI_USAGE and the usage line', async (t) => {
  for (const args of [[], ['draw', 'x.js'], ['graph'], ['graph', fixture('clean'), '--format', 'png'], ['graph', fixture('clean'), '--colour']]) {
    const run = await loopsafe(...args);
    t.is(run.code, 2, args.join(' '));
    t.regex(run.stderr, /^LOOPSAFE_ERR_CLI_USAGE: .*Usage: loopsafe graph <module>/, args.join(' '));
  }
  const help = await loopsafe('--help');
  t.is(help.code, 0);
  t.regex(help.stdout, /loopsafe doctor <module>/);
});
