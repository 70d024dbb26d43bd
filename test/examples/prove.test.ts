import test from 'ava';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const prove = fileURLToPath(new URL('../../examples/users-api/prove.js', import.meta.url));

// `npm run demo:prove` runs this same script: the demo as its own process, the seed problems' checks against it.
test('demo:prove passes every check against the users API and names the counter-example with its source line', async (t) => {
  t.timeout(180_000);
  const child = spawn(process.execPath, [prove], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  t.log(out.trim());
  t.is(code, 0, err);
  const rows = out.split('\n').filter((l) => /^(PASS|FAIL) /.test(l));
  t.is(rows.length, 6);
  t.true(rows.every((r) => r.startsWith('PASS')));
  const counter = rows.find((r) => r.includes('counter-example'))!;
  t.regex(counter, /FeatureFlags/);
  t.regex(counter, /providers\.ts:\d+:\d+/);
  t.regex(out, /6 of 6 checks passed/);
});
