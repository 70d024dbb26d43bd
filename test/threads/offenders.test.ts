import test from 'ava';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { LeakReport } from '../../src/testing/index.js';

// Each case runs in a fresh process (fixtures/offender.ts), so a pool warmed by another case cannot hide anything.
const fixture = fileURLToPath(new URL('./fixtures/offender.js', import.meta.url));
const source = readFileSync(fixture, 'utf8').split('\n');
const run = promisify(execFile);

// Two fixture processes at a time: the machine (and CI) has 2 cores, and other test files run beside this one.
let running = 0;
const waiting: (() => void)[] = [];

async function report(name: string): Promise<LeakReport> {
  if (running >= 2) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    const { stdout } = await run(process.execPath, [fixture, name], { timeout: 20_000 });
    return JSON.parse(stdout) as LeakReport;
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** `offender.js:<line>` of the line marked `// site:<name>` in the compiled fixture. */
function siteOf(name: string): string {
  const line = source.findIndex((l) => l.includes(`site:${name} `) || l.endsWith(`site:${name}`));
  if (line === -1) throw new Error(`no site marker for ${name}`);
  return `offender.js:${line + 1}:`;
}

const offload = test.macro(async (t, name: string, type: string, marker?: string) => {
  const r = await report(name);
  t.false(r.ok);
  const found = r.offloads.find((o) => o.type === type);
  t.truthy(found, `no ${type} in ${JSON.stringify(r.offloads)}`);
  t.deepEqual(found?.path, ['App', 'Offender']);
  t.is(found?.phase, 'during');
  t.true(found?.site?.user?.includes(siteOf(marker ?? name)), `site ${found?.site?.user} is not ${siteOf(marker ?? name)}`);
});

test('a factory reading a file with fs.promises is caught with its path and source line', offload, 'fs-promises', 'FSREQPROMISE');
test('a factory calling dns.lookup("localhost") is caught', offload, 'dns-lookup', 'GETADDRINFOREQWRAP');
test('a factory connecting to "localhost" by name is caught (the name lookup runs on the pool)', offload, 'connect-localhost', 'GETADDRINFOREQWRAP', 'dns-connect');
test('a factory running crypto.pbkdf2 is caught', offload, 'pbkdf2', 'PBKDF2REQUEST');
test('a factory gzipping with async zlib is caught', offload, 'gzip-async', 'ZLIB');

test('a factory starting a Worker that keeps running is caught: attributed, still running, one more OS thread', async (t) => {
  const r = await report('worker-running');
  t.false(r.ok);
  t.deepEqual(r.offloads.map((o) => [o.kind, o.path]), [['worker', ['App', 'Offender']]]);
  t.is(r.workers.length, 1);
  t.false(r.workers[0]!.exited);
  t.true(r.workers[0]!.site.user?.includes(siteOf('worker-running')));
  t.true(r.threads!.after > r.threads!.before);
});

test('a factory starting a Worker that exits inside the block is caught though the thread count is unchanged', async (t) => {
  const r = await report('worker-exits');
  t.false(r.ok);
  t.is(r.threads!.after, r.threads!.before);
  t.true(r.workers[0]!.exited);
  t.deepEqual(r.workers[0]!.path, ['App', 'Offender']);
  t.true(r.offloads[0]!.site?.user?.includes(siteOf('worker-exits')));
  t.deepEqual(r.handles, []);
});

const leftOpen = test.macro(async (t, name: string, type: string) => {
  const r = await report(name);
  t.false(r.ok);
  t.deepEqual(r.offloads, []);
  t.is(r.handles.length, 1);
  t.is(r.handles[0]!.type, type);
  t.deepEqual(r.handles[0]!.path, ['App', 'Offender']);
  t.true(r.handles[0]!.site.user?.includes(siteOf(name)), `site ${r.handles[0]!.site.user}`);
});

test('a factory leaving an interval open is caught', leftOpen, 'interval', 'Timeout');
test('a factory leaving a listening server open is caught', leftOpen, 'server', 'TCPSERVERWRAP');

const clean = test.macro(async (t, name: string) => {
  const r = await report(name);
  t.true(r.ok, JSON.stringify(r));
  t.deepEqual(r.offloads, []);
  t.deepEqual(r.handles, []);
  t.is(r.threads!.after, r.threads!.before);
});

test('pure async factories pass', clean, 'pure-async');
test('setTimeout and setImmediate in a factory pass', clean, 'timers');
test('sync randomUUID, randomBytes and gzipSync pass (their resources never reach the pool)', clean, 'sync-crypto-zlib');
test('a TCP connection to 127.0.0.1 passes', clean, 'connect-127');
test('pool work done by test code outside any resolution passes', clean, 'test-code-pool-work');

test("an unref'd interval passes and is listed as unref'd", async (t) => {
  const r = await report('unref-interval');
  t.true(r.ok);
  t.deepEqual(r.unrefHandles.map((h) => h.type), ['Timeout']);
});
