// The layering of src/, read from docs/architecture.md and checked on the real import graph (dependency-cruiser,
// type-only imports included): every file is on a layer, no import points up, no import cycle, no file over 300
// lines. A new import across a layer fails here, not in review.
import test from 'ava';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const root = fileURLToPath(new URL('../../', import.meta.url));

interface Layer { level: number; name: string; paths: string[] }

/** The rows of the layer table in docs/architecture.md: `| level | layer | `a/`, `b.ts` | what |`. */
function layers(): Layer[] {
  const doc = readFileSync(`${root}docs/architecture.md`, 'utf8');
  const rows = [...doc.matchAll(/^\|\s*(\d+)\s*\|\s*([^|]+?)\s*\|([^|]+)\|/gm)];
  return rows.map(([, level, name, cells]) => ({
    level: Number(level), name: name!, paths: [...cells!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!),
  }));
}

/** The layer of a file of src/ (a path relative to src/): the row with the longest matching path. */
function layerOf(table: Layer[], file: string): Layer | undefined {
  let best: { layer: Layer; length: number } | undefined;
  for (const layer of table) {
    for (const path of layer.paths) {
      const matches = path.endsWith('/') ? file.startsWith(path) : file === path;
      if (matches && (best === undefined || path.length > best.length)) best = { layer, length: path.length };
    }
  }
  return best?.layer;
}

let cruised: Promise<ICruiseResult> | undefined;
/** The import graph of src/, once per file. */
function graph(): Promise<ICruiseResult> {
  cruised ??= cruise(
    [`${root}src`],
    {
      validate: true,
      tsPreCompilationDeps: true,
      baseDir: root,
      doNotFollow: { path: 'node_modules' },
      ruleSet: { forbidden: [{ name: 'no-circular', severity: 'error', from: {}, to: { circular: true } }] },
    },
    undefined,
    { tsConfig: extractTSConfig(`${root}tsconfig.json`) },
  ).then((result) => result.output as ICruiseResult);
  return cruised;
}

const local = (path: string): string => path.replace(/^src\//, '');

test('the layer table is read from docs/architecture.md: levels 0 to 10, in order', (t) => {
  const table = layers();
  t.deepEqual(table.map((l) => l.level), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  t.true(table.every((l) => l.paths.length > 0));
});

test('the import graph is read with type-only imports', async (t) => {
  const { modules } = await graph();
  t.true(modules.length > 100, `${modules.length} modules`);
  t.true(modules.some((m) => m.dependencies.some((d) => d.dependencyTypes.includes('type-only'))));
});

test('every file of src/ is on a layer of the table', async (t) => {
  const table = layers();
  const { modules } = await graph();
  const unplaced = modules.map((m) => local(m.source)).filter((f) => f.endsWith('.ts') && layerOf(table, f) === undefined);
  t.deepEqual(unplaced, []);
});

test('no import points up a layer, type imports included', async (t) => {
  const table = layers();
  const { modules } = await graph();
  const upward: string[] = [];
  for (const m of modules) {
    const from = layerOf(table, local(m.source));
    for (const d of m.dependencies) {
      if (!d.resolved.startsWith('src/')) continue;
      const to = layerOf(table, local(d.resolved));
      if (from !== undefined && to !== undefined && to.level > from.level) {
        upward.push(`${local(m.source)} (${from.name}) imports ${local(d.resolved)} (${to.name})`);
      }
    }
  }
  t.deepEqual(upward, []);
});

test('no import cycle in src/, type imports included', async (t) => {
  const { summary } = await graph();
  const cycles = summary.violations
    .filter((v) => v.rule.name === 'no-circular')
    .map((v) => [local(v.from), ...(v.cycle ?? []).map((step) => local(typeof step === 'string' ? step : step.name))].join(' -> '));
  t.deepEqual(cycles, []);
});

test('no file in src/ is over 300 lines', (t) => {
  const long: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = `${dir}/${name}`;
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts')) {
        const lines = readFileSync(path, 'utf8').split('\n').length - 1;
        if (lines > 300) long.push(`${path.slice(root.length)}: ${lines} lines`);
      }
    }
  };
  walk(`${root}src`);
  t.deepEqual(long, []);
});
