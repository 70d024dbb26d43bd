// package.json's `sideEffects` tells bundlers which modules must stay even when nothing they export is used: every
// built module with a bare import of code that runs (reflect-metadata installs its global polyfill that way) has to
// be listed, and so does a module with a call at its top level. A bare import of a types-only module (the fastify augmentation, `export {}` once built) does not count.
import test from 'ava';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dist = join(root, 'dist/src');

async function runsCode(from: string, specifier: string): Promise<boolean> {
  if (!specifier.startsWith('.')) return true;
  const text = await readFile(join(dirname(from), specifier), 'utf8');
  return text.replace(/\/\/.*$/gm, '').trim() !== 'export {};';
}

test('sideEffects lists exactly the built modules that import something for its side effect', async (t) => {
  const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { sideEffects: unknown };
  const modules = (await readdir(dist, { recursive: true })).filter((file) => file.endsWith('.js'));
  const withSideEffects: string[] = [];
  for (const file of modules) {
    const text = await readFile(join(dist, file), 'utf8');
    for (const [, specifier] of text.matchAll(/^import\s+['"]([^'"]+)['"];?\s*$/gm)) {
      if (await runsCode(join(dist, file), specifier!)) withSideEffects.push(`./dist/src/${file}`);
    }
    // A call at the top level of a module runs on import too (loopsafe/testing switches on its container list).
    if (/^[A-Za-z_$][\w$.]*\(.*\);\s*$/m.test(text)) withSideEffects.push(`./dist/src/${file}`);
  }
  t.true(withSideEffects.length > 0);
  t.deepEqual([...(manifest.sideEffects as string[])].sort(), [...new Set(withSideEffects)].sort());
});
