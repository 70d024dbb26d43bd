import test from 'ava';
import { readFile } from 'node:fs/promises';
import { LoopsafeError, MissingProviderError } from '../src/index.js';

const root = new URL('../../', import.meta.url);

interface ErrorClass {
  readonly code: string;
  readonly name: string;
  readonly prototype: unknown;
}

/** Every error class exported by every entry point in package.json's `exports` map. */
async function exportedErrorClasses(): Promise<Map<string, ErrorClass>> {
  const pkg = JSON.parse(await readFile(new URL('package.json', root), 'utf8')) as {
    exports: Record<string, string | { default: string }>;
  };
  const classes = new Map<string, ErrorClass>();
  for (const entry of Object.values(pkg.exports)) {
    if (typeof entry === 'string') continue;
    const mod = (await import(new URL(entry.default, root).href)) as Record<string, unknown>;
    for (const value of Object.values(mod)) {
      if (typeof value === 'function' && value.prototype instanceof LoopsafeError) {
        const cls = value as unknown as ErrorClass;
        classes.set(cls.name, cls);
      }
    }
  }
  return classes;
}

async function documentedCodes(): Promise<string[]> {
  const doc = await readFile(new URL('docs/errors.md', root), 'utf8');
  return [...doc.matchAll(/^\| `(LOOPSAFE_ERR_[A-Z_]+)` \|/gm)].map((m) => m[1]!);
}

test('every exported error class has a stable LOOPSAFE_ERR_ code of its own', async (t) => {
  const classes = [...(await exportedErrorClasses()).values()].filter((c) => c.code !== undefined);
  t.true(classes.length > 10);
  const codes = classes.map((c) => c.code);
  for (const code of codes) t.regex(code, /^LOOPSAFE_ERR_[A-Z_]+$/);
  t.is(new Set(codes).size, codes.length, 'no two classes share a code');
});

test('docs/errors.md has exactly one row per code, and no row for a code that does not exist', async (t) => {
  const codes = [...(await exportedErrorClasses()).values()].map((c) => c.code).filter(Boolean).sort();
  const documented = await documentedCodes();
  t.is(new Set(documented).size, documented.length, 'a code is documented twice');
  t.deepEqual([...documented].sort(), codes);
});

test('LoopsafeError.is recognises loopsafe errors by brand and optional code', (t) => {
  const error = new MissingProviderError(['UserService', 'Db']);
  t.true(LoopsafeError.is(error));
  t.true(LoopsafeError.is(error, 'LOOPSAFE_ERR_PROVIDER_MISSING'));
  t.false(LoopsafeError.is(error, 'LOOPSAFE_ERR_CYCLE'));
  t.false(LoopsafeError.is(new Error('plain')));
  t.false(LoopsafeError.is(null));
  // A copy from a second install carries the same Symbol.for brand, not the same class.
  const foreign = Object.assign(new Error('x'), { code: 'LOOPSAFE_ERR_CYCLE', [Symbol.for('loopsafe.error')]: true });
  t.true(LoopsafeError.is(foreign, 'LOOPSAFE_ERR_CYCLE'));
});
