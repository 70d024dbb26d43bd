// The package as a user gets it: one `npm pack` of the built tree, linted by publint and attw, then installed into
// fresh consumer projects (ESM NodeNext, ESM bundler, CommonJS, none of them with inversify; and one ESM project
// that installs inversify for loopsafe/inversify) that are type-checked with the repo's tsc and run.
import test from 'ava';
import { execFile } from 'node:child_process';
import { access, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { npm } from './npm.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const consumers = join(root, 'test/package/consumers');
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const attw = join(root, 'node_modules/@arethetypeswrong/cli/dist/index.js');
const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };

interface Project {
  readonly name: string;
  readonly app: 'esm' | 'cjs' | 'inversify';
  readonly type: 'module' | 'commonjs';
  readonly compilerOptions: Record<string, unknown>;
  /** Packages the project installs beside loopsafe, fastify and @types/node. */
  readonly with?: readonly string[];
}

const strict = {
  target: 'ES2023',
  lib: ['ES2023', 'ESNext.Disposable'],
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: false,
  types: ['node'],
  outDir: 'out',
};
const decorators = { experimentalDecorators: true, emitDecoratorMetadata: true };
const projects: Project[] = [
  { name: 'esm-nodenext', app: 'esm', type: 'module', compilerOptions: { ...strict, module: 'NodeNext', moduleResolution: 'NodeNext', ...decorators } },
  { name: 'esm-inversify', app: 'inversify', type: 'module', compilerOptions: { ...strict, module: 'NodeNext', moduleResolution: 'NodeNext', ...decorators }, with: ['inversify'] },
  { name: 'esm-bundler', app: 'esm', type: 'module', compilerOptions: { ...strict, module: 'ES2022', moduleResolution: 'Bundler', experimentalDecorators: true, emitDecoratorMetadata: true } },
  { name: 'cjs-require', app: 'cjs', type: 'commonjs', compilerOptions: { ...strict, module: 'NodeNext', moduleResolution: 'NodeNext' } },
];

const work = await mkdtemp(join(tmpdir(), 'loopsafe-package-'));
test.after.always(() => rm(work, { recursive: true, force: true }));

// `npm test` has just built dist/, so pack without the prepack rebuild: rewriting dist/ under the other test files
// running now would race them.
const packed = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], root).then(({ stdout }) => {
  const [info] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  return { tarball: join(work, info!.filename), files: info!.files.map((f) => f.path) };
});

// Installs run in parallel; the tarball's own dependencies come from the registry (or npm's cache when it has them).
const installed = new Map(projects.map((project) => [project.name, packed.then(({ tarball }) => install(project, tarball))]));

async function install(project: Project, tarball: string): Promise<string> {
  const dir = join(work, project.name);
  await mkdir(dir);
  const pkg = {
    name: `consumer-${project.name}`,
    private: true,
    type: project.type,
    dependencies: Object.fromEntries([
      ['loopsafe', `file:${tarball}`],
      ...['fastify', '@types/node', ...(project.with ?? [])].map((name) => [name, manifest.devDependencies[name]]),
    ]),
  };
  await writeFile(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: project.compilerOptions, include: ['app.ts'] }, null, 2));
  await copyFile(join(consumers, project.app, 'app.ts'), join(dir, 'app.ts'));
  await npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], dir);
  return dir;
}

test('the tarball ships the built entry points, their sources for the source maps, the license and the errors page', async (t) => {
  const { files } = await packed;
  for (const path of ['package.json', 'LICENSE', 'README.md', 'docs/errors.md', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/fastify/index.js', 'dist/src/testing/index.js', 'dist/src/inversify/index.js']) {
    t.true(files.includes(path), path);
  }
  // Every source map's sources are in the tarball, so stack traces and go-to-definition land on real files.
  const maps = files.filter((path) => path.endsWith('.map'));
  t.true(maps.length > 0);
  for (const map of maps) t.true(files.includes(map.replace(/^dist\//, '').replace(/\.d\.ts\.map$|\.js\.map$/, '.ts')), map);
  t.false(files.some((path) => path.startsWith('dist/test/') || path.startsWith('dist/bench/') || path.startsWith('test/')));
});

test('publint finds nothing to report in the tarball', async (t) => {
  const { tarball } = await packed;
  const bytes = await readFile(tarball);
  const { messages, pkg } = await publint({ pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer }, level: 'suggestion' });
  t.deepEqual(messages.map((m) => `${m.type}: ${formatMessage(m, pkg) ?? m.code}`), []);
});

test('attw finds no type resolution problem for ESM consumers (NodeNext and bundler) in the tarball', async (t) => {
  const { tarball } = await packed;
  // esm-only: the package ships no CommonJS build; require() of it is checked by the cjs-require consumer below with
  // the repo's TypeScript (attw's bundled one predates TypeScript's support for require(esm)).
  // attw exits non-zero on any problem, which rejects here.
  const { stdout } = await run(process.execPath, [attw, tarball, '--no-definitely-typed', '--profile', 'esm-only', '--format', 'ascii', '--no-color'], { timeout: 120_000 });
  const entries = ['loopsafe', 'loopsafe/fastify', 'loopsafe/testing', 'loopsafe/otel', 'loopsafe/inversify'];
  for (const entry of entries) t.true(stdout.includes(`"${entry}"`), entry);
  t.is(stdout.match(/^node16 \(from ESM\): 🟢 \(ESM\)\s*$/gm)?.length, entries.length);
  t.is(stdout.match(/^bundler: 🟢\s*$/gm)?.length, entries.length);
});

for (const project of projects) {
  test(`a fresh ${project.name} project type-checks against the installed tarball and runs its app`, async (t) => {
    const dir = await installed.get(project.name)!;
    const compiled = await run(process.execPath, [tsc, '-p', dir], { cwd: dir, timeout: 180_000 }).catch((error: { stdout?: string }) => error);
    t.is('stdout' in compiled ? compiled.stdout : '', '', 'tsc reports no error');
    const output = await readFile(join(dir, 'out/app.js'), 'utf8');
    if (project.type === 'commonjs') t.regex(output, /require\("loopsafe\/fastify"\)/);
    const { stdout } = await run(process.execPath, [join(dir, 'out/app.js')], { cwd: dir, timeout: 60_000 });
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as unknown);
    t.deepEqual(lines, expected[project.app]);
  });
}

const expected = {
  esm: [
    { signed: 'Hi, Grace @1700000000000', inversifyLoads: false },
    { status: 200, body: { text: 'Hello, Ada', at: 1_700_000_000_000 } },
    { threadLeakFree: true },
  ],
  cjs: [{ status: 200, body: { text: 'Hello, Ada' } }],
  inversify: [{ url: 'postgres://legacy', env: 'prod', ready: true }],
};

test('a project that does not install inversify gets neither inversify nor @inversifyjs/* with loopsafe', async (t) => {
  for (const project of projects.filter((p) => p.with === undefined)) {
    const dir = await installed.get(project.name)!;
    await access(join(dir, 'node_modules/loopsafe/package.json'));
    await t.throwsAsync(access(join(dir, 'node_modules/inversify')), { code: 'ENOENT' }, project.name);
    await t.throwsAsync(access(join(dir, 'node_modules/@inversifyjs')), { code: 'ENOENT' }, project.name);
  }
});
