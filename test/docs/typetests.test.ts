// The README's first app is a type test too: test/typetests/readme.tst.ts starts with its block verbatim and adds
// the mistakes a reader makes first, each with the error message tstyche checks (npm test runs tstyche after the
// build). This keeps the copy honest: change the README's block and this fails until the fixture follows.
import test from 'ava';
import { readFile } from 'node:fs/promises';
import { blocks, root } from './markdown.js';

test("test/typetests/readme.tst.ts starts with README.md's \"A first app\" block, verbatim", async (t) => {
  const text = await readFile(`${root}README.md`, 'utf8');
  const start = text.indexOf('### A first app');
  t.true(start >= 0, 'README.md has an "A first app" section');
  const first = blocks({ path: 'README.md', text: text.slice(start) }).find((b) => b.lang === 'ts');
  t.truthy(first, 'the section has a ts block');
  const fixture = await readFile(`${root}test/typetests/readme.tst.ts`, 'utf8');
  t.is(fixture.slice(0, first!.code.length), first!.code);
});
