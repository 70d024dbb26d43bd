// Compiling and loading the standard-decorator fixtures (test/fixtures/standard-decorators/), which the root
// tsconfig cannot compile: it has experimentalDecorators on. Each fixture is run three ways, with one source.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tsImport } from 'tsx/esm/api';

const run = promisify(execFile);

/** The repository root (this file runs from dist/test/helpers/). */
export const root = new URL('../../../', import.meta.url);
const tscBin = fileURLToPath(new URL('node_modules/typescript/bin/tsc', root));

/**
 * How a fixture was compiled: tsc with TypeScript 5's default (standard) decorators, tsx (esbuild's standard
 * decorators, no type check), or tsc with experimentalDecorators (the legacy calls of the same decorators).
 */
export type Compiler = 'tsc' | 'tsx' | 'tsc-legacy';

/** Run tsc on a project (a path from the root); the outcome, never a rejection, so a test can assert on a failure. */
export async function tsc(project: string): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout } = await run(process.execPath, [tscBin, '-p', fileURLToPath(new URL(project, root))], { cwd: fileURLToPath(root), timeout: 120_000 });
    return { ok: true, output: stdout };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` || failed.message };
  }
}

async function compiled(project: string): Promise<void> {
  const { ok, output } = await tsc(project);
  if (!ok) throw new Error(`tsc -p ${project} failed:\n${output}`);
}

/**
 * Load the modules of one fixture folder (`test/fixtures/standard-decorators/<folder>/`) as one compiler made them.
 * tsc output lands in dist/test/fixtures/standard-decorators/<folder>/{standard,legacy}/ (see each tsconfig).
 * Call it once per compiler and file: tsc runs once.
 */
export function fixtureLoader(folder: string): (compiler: Compiler, file: string) => Promise<unknown> {
  const source = `test/fixtures/standard-decorators/${folder}/`;
  const builds = new Map<Compiler, Promise<void>>([
    ['tsc', compiled(`${source}tsconfig.json`)],
    ['tsc-legacy', compiled(`${source}tsconfig.legacy.json`)],
    ['tsx', Promise.resolve()],
  ]);
  for (const build of builds.values()) build.catch(() => undefined); // each test awaits its own and reports it
  return async (compiler, file) => {
    await builds.get(compiler);
    if (compiler === 'tsx') {
      const tsconfig = fileURLToPath(new URL(`${source}tsconfig.json`, root));
      return tsImport(new URL(`${source}${file}.ts`, root).href, { parentURL: import.meta.url, tsconfig });
    }
    const out = `dist/test/fixtures/standard-decorators/${folder}/${compiler === 'tsc' ? 'standard' : 'legacy'}/${file}.js`;
    return import(new URL(out, root).href);
  };
}
