// The core installs without inversify (an optional peer), so nothing an entry point other than loopsafe/inversify
// reaches, in its built code or its declarations, may name inversify: a type import alone would break a strict
// consumer's type check (skipLibCheck off), and a value import would fail at load.
import test from 'ava';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, string | { types: string; default: string }>;
};

// Static and dynamic imports, re-exports, `import type`, `import("x").T` in declarations, and require().
const specifiers = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;

/** Every bare specifier reachable from `entry` through relative imports, with the file that names it. */
async function reach(entry: string): Promise<Map<string, string>> {
  const bare = new Map<string, string>();
  const seen = new Set<string>();
  const pending = [resolve(root, entry)];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = await readFile(file, 'utf8');
    for (const [, specifier] of text.matchAll(specifiers)) {
      if (!specifier!.startsWith('.')) {
        if (!bare.has(specifier!)) bare.set(specifier!, file.slice(root.length));
        continue;
      }
      // Declarations import `./x.js` for `./x.d.ts`.
      const target = resolve(dirname(file), specifier!);
      pending.push(file.endsWith('.d.ts') ? target.replace(/\.js$/, '.d.ts') : target);
    }
  }
  return bare;
}

const entries = Object.entries(manifest.exports).filter(([name, value]) => typeof value !== 'string' && name !== './inversify');

test('the entry points checked here are every export but loopsafe/inversify', (t) => {
  t.deepEqual(entries.map(([name]) => name).sort(), ['.', './fastify', './otel', './testing']);
});

for (const [name, value] of entries) {
  const { types, default: code } = value as { types: string; default: string };
  test(`nothing loopsafe${name.slice(1)} reaches, code or declarations, imports inversify`, async (t) => {
    for (const file of [code, types]) {
      const bare = await reach(file);
      t.true(bare.size > 0, `${file} imports packages`);
      const inversify = [...bare].filter(([specifier]) => specifier === 'inversify' || specifier.startsWith('@inversifyjs/'));
      t.deepEqual(inversify.map(([specifier, from]) => `${from} imports ${specifier}`), [], file);
    }
  });
}

test('loopsafe/inversify does import inversify: the walk sees what it is looking for', async (t) => {
  const inversify = manifest.exports['./inversify'] as { types: string; default: string };
  const bare = await reach(inversify.default);
  t.true(bare.has('inversify'));
  t.true(bare.has('@inversifyjs/core'));
});
