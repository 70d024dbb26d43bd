// The code in the docs is code: every ```ts block of README.md and docs/*.md is type-checked against the built
// package, as a reader would paste it into a project that installed loopsafe.
//
// The convention, for whoever writes a page:
// - ```ts      a block that compiles. It is written to a file of its own (a module: `export {}` is added) in a
//              temporary folder inside the repository, so `import ... from 'loopsafe'` and every other entry point
//              resolve through package.json's "exports" to dist/ (a package may import itself by name), and all the
//              blocks are checked in one TypeScript program with the repository's strict tsconfig (unused names
//              allowed: an example may declare what it only shows).
//              Names a page uses without defining them, as prose does ("your providers", "a Db pool"), are declared
//              once, with real types, in PRELUDE below: a block may use them as they are declared there, and
//              anything else it must import or define itself.
// - ```ts fragment
//              a block that is deliberately partial (`...` in place of code, a line out of its context). It is not
//              expected to compile, and must not: a fragment that compiles cleanly fails this test, so the mark is
//              dropped as soon as the block is complete. Fragments are counted and listed in the test's log.
// - <!-- file: path --> right above a ```ts block: the block quotes that file of the repository verbatim, which
//              the build compiles and test/examples/migrations.test.ts compares; it is counted here, not compiled
//              twice.
// Other languages (sh, text, yaml, none) are not compiled.
import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { type Block, blocks, pages, root } from './markdown.js';

/**
 * What the pages take as given. Declared, not defined: the check is that each block uses loopsafe's API as its
 * types say, with these names standing for the reader's own code.
 */
const PRELUDE = `
type Token<T> = import('loopsafe').Token<T>;
type Registration = import('loopsafe').Registration<unknown>;
type RouteDeclaration = import('loopsafe/fastify').RouteDeclaration<readonly any[], any>;
type FastifyInstance = import('fastify').FastifyInstance;

/** A database pool, its connection function and the classes built on it. */
interface Pool { query(sql: string): Promise<unknown[]>; end(): Promise<void> }
declare function connect(url?: string): Promise<Pool>;
declare class Db { query(sql: string): Promise<unknown[]> }
declare class Clock { now(): Date }
declare class UnitOfWork { constructor(db: Pool, requestId: number); insert(row: unknown): Promise<unknown> }
declare const fakeDb: Db;
declare function makeFakeDb(): Db;

/** The users API of the Fastify pages. */
interface User { id: number; name: string }
declare class UserRepository { find(id: number): User | undefined }
declare class UserRepo { find(id: number): User | undefined }
declare const fakeRepo: UserRepo;
declare class CurrentUser { name: string }
interface Logger { info(fields: object, message: string): void }
declare const RequestLogger: Token<Logger>;
declare const IdParams: object;
declare const NewUser: object;
type NewUser = { name: string };

/** The container pages' own examples: a pair that needs lazy(), a thumbnail built in a worker, a priced catalogue. */
declare class Orders { constructor(billing: () => Promise<Billing>) }
declare class Billing { constructor(orders: Orders) }
declare const Upload: Token<{ path: string }>;
declare const Thumbnail: Token<Buffer>;
declare class PricingEngine { compute(sku: string): Promise<number> }
declare class Prices { priceOf(sku: string): Promise<number> }

/** The reader's providers, controllers, routes and app, as createContainer() and createApp() take them. */
declare const providers: Registration[];
declare const routes: RouteDeclaration[];
declare const controllers: import('loopsafe').Class<unknown>[];
declare const health: RouteDeclaration;
declare class UsersController { list(): Promise<unknown[]> }
declare const container: import('loopsafe').Container;
declare const app: FastifyInstance;
declare function buildApp(): Promise<FastifyInstance>;
/** Whatever a thread-leak check runs. */
declare function block(): Promise<void>;
`;

interface Compiled {
  readonly block: Block;
  readonly file: string;
}

function kindOf(block: Block): 'compile' | 'fragment' | 'quoted' | 'other' {
  if (block.lang !== 'ts' && block.lang !== 'typescript') return 'other';
  if (block.quotes !== undefined) return 'quoted';
  return block.flags.includes('fragment') ? 'fragment' : 'compile';
}

function options(): ts.CompilerOptions {
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), (path) => ts.sys.readFile(path));
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const { rootDir: _rootDir, outDir: _outDir, ...strict } = parsed.options;
  return { ...strict, noEmit: true, declaration: false, declarationMap: false, sourceMap: false, noUnusedLocals: false, noUnusedParameters: false };
}

function describe(diagnostic: ts.Diagnostic, byFile: Map<string, Block>): string {
  const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n  ');
  const block = diagnostic.file && byFile.get(diagnostic.file.fileName);
  if (!diagnostic.file || block === undefined || diagnostic.start === undefined) return text;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return `${block.page}:${block.line + line}:${character + 1}: ${text}`;
}

test('every ts block in README.md and docs/*.md type-checks against the built package; fragments are listed', async (t) => {
  t.timeout(120_000);
  const all = (await pages()).flatMap(blocks);
  const dir = await mkdtemp(join(root, '.docs-blocks-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'prelude.d.ts'), PRELUDE);

  const compiled: Compiled[] = [];
  const fragments: Compiled[] = [];
  let quoted = 0;
  for (const block of all) {
    const kind = kindOf(block);
    if (kind === 'quoted') quoted++;
    if (kind !== 'compile' && kind !== 'fragment') continue;
    const file = join(dir, `${block.page.replace(/[/.]/g, '_')}_${block.line}.ts`);
    await writeFile(file, `${block.code}\nexport {};\n`);
    (kind === 'compile' ? compiled : fragments).push({ block, file });
  }

  const program = ts.createProgram([join(dir, 'prelude.d.ts'), ...[...compiled, ...fragments].map((c) => c.file)], options());
  const byFile = new Map([...compiled, ...fragments].map((c) => [ts.sys.resolvePath(c.file).replace(/\\/g, '/'), c.block]));
  const diagnostics = (file: string) => {
    const source = program.getSourceFile(file);
    if (source === undefined) throw new Error(`${relative(root, file)} is not in the program`);
    return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
  };

  const errors = [
    ...program.getGlobalDiagnostics(),
    ...program.getOptionsDiagnostics(),
    ...program.getSemanticDiagnostics(program.getSourceFile(join(dir, 'prelude.d.ts'))),
    ...compiled.flatMap((c) => diagnostics(c.file)),
  ].map((d) => describe(d, byFile));
  const completeFragments = fragments.filter((f) => diagnostics(f.file).length === 0).map((f) => `${f.block.page}:${f.block.line}`);

  t.log(`${compiled.length} blocks type-checked, ${quoted} quoted from compiled files, ${fragments.length} fragments not compiled:`);
  for (const f of fragments) t.log(`  fragment ${f.block.page}:${f.block.line}`);
  t.deepEqual(errors, [], 'these blocks do not compile: fix them, or mark a deliberately partial one ```ts fragment');
  t.deepEqual(completeFragments, [], 'these fragments compile: drop the fragment mark');
  t.true(compiled.length >= 20, `only ${compiled.length} ts blocks found: the block reader is broken`);
});

test('the block reader finds each fence, its info string and the file it quotes', (t) => {
  const page = {
    path: 'docs/x.md',
    text: ['intro', '```ts', 'const a = 1;', '```', '', '<!-- file: examples/a.ts -->', '', '```ts', 'b', '```', '```ts fragment', '...', '```', '````md', '```ts', '````'].join('\n'),
  };
  const found = blocks(page);
  t.deepEqual(found.map((b) => [b.line, b.lang, b.flags, b.quotes, kindOf(b)]), [
    [3, 'ts', [], undefined, 'compile'],
    [9, 'ts', [], 'examples/a.ts', 'quoted'],
    [12, 'ts', ['fragment'], undefined, 'fragment'],
    [15, 'md', [], undefined, 'other'],
  ]);
  t.is(found[0]!.code, 'const a = 1;\n');
  t.throws(() => blocks({ path: 'docs/y.md', text: '```ts\nconst a = 1;\n' }), { message: /never closes/ });
});
