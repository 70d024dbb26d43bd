// The layering the code keeps, checked on the sources: errors/ and findings/ at the ground, declarations below
// resolution, resolution below the container. A new import across a layer fails here, not in review.
import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../../src/', import.meta.url));

/** Every module specifier a source folder's files import or re-export, types included, by file. */
function importsOf(folder: string): [file: string, specifier: string][] {
  const found: [string, string][] = [];
  for (const name of readdirSync(`${src}${folder}`).filter((n) => n.endsWith('.ts'))) {
    const text = readFileSync(`${src}${folder}/${name}`, 'utf8');
    for (const match of text.matchAll(/^(?:import|export)\b[^;]*?from '([^']+)';/gms)) found.push([`${folder}/${name}`, match[1]!]);
    for (const match of text.matchAll(/^import '([^']+)';/gm)) found.push([`${folder}/${name}`, match[1]!]);
  }
  return found;
}

function outside(folder: string, allowed: (specifier: string) => boolean): string[] {
  return importsOf(folder).filter(([, s]) => !allowed(s)).map(([file, s]) => `${file} imports ${s}`);
}

const local = (s: string): boolean => s.startsWith('./');
const builtin = (s: string): boolean => s.startsWith('node:');

test('findings/ imports nothing', (t) => {
  t.deepEqual(outside('findings', () => false), []);
});

test('errors/ imports nothing above it: only itself, findings/ and node builtins', (t) => {
  t.true(importsOf('errors').some(([, s]) => s.startsWith('../findings/')), 'the scan sees type-only imports too');
  t.deepEqual(outside('errors', (s) => local(s) || builtin(s) || s.startsWith('../findings/')), []);
});

test('resolution/ does not import the container, the scopes or the adapters', (t) => {
  t.deepEqual(outside('resolution', (s) => !/^\.\.\/(container|scopes|fastify|cluster|cache|testing|cli)\//.test(s)), []);
});

test('declare/ does not import resolution/ or anything above it', (t) => {
  t.deepEqual(outside('declare', (s) => !/^\.\.\/(resolution|container|scopes|fastify|cluster|cache|testing|cli|inversify)\//.test(s)), []);
});
