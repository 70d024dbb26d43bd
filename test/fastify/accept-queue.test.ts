// Connections the kernel queued while the process was busy when SIGTERM came: every one is answered (a complete
// 200 with Connection: close), none reset; a connection attempt after the process is gone is refused. Real
// processes, real sockets, counts only.
import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChild } from '../helpers/child.js';
import { queuedClient, tryConnect, type QueuedOutcome } from '../helpers/queued.js';
import { selfSignedFiles } from '../helpers/tls.js';

const script = fileURLToPath(new URL('../fixtures/queued-app.js', import.meta.url));
const QUEUED = 20;

/** Tally outcomes by what a client saw. */
function tally(outcomes: readonly QueuedOutcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) {
    const key = o.error ?? (o.status === undefined ? 'no complete response' : `${o.status} connection: ${o.connection ?? '-'}`);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

for (const tls of [false, true]) {
  test.serial(`${tls ? 'HTTPS' : 'HTTP'}: ${QUEUED} connections queued behind a blocked loop at SIGTERM all get a complete 200 with Connection: close, then connections are refused`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'loopsafe-queued-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const release = join(dir, 'release');
    const env: Record<string, string> = { RELEASE: release, BLOCK_MS: '200' };
    if (tls) Object.assign(env, Object.fromEntries(Object.entries(selfSignedFiles(t)).map(([k, v]) => [k === 'key' ? 'TLS_KEY' : 'TLS_CERT', v])));
    const child = startChild(script, env, (fn) => t.teardown(fn));
    const { port } = (await child.waitFor((l) => l['msg'] === 'listening')) as { port: number };

    child.process.kill('SIGUSR2');
    await child.waitFor((l) => l['msg'] === 'blocking');
    child.process.kill('SIGTERM');
    // The kernel completes every handshake and queues the connection; the blocked process accepts none yet.
    const clients = await Promise.all(Array.from({ length: QUEUED }, () => queuedClient(port, '/work', tls)));
    writeFileSync(release, '');
    const outcomes = await Promise.all(clients.map((c) => c.outcome));

    t.is(await child.exited, 0);
    t.deepEqual(tally(outcomes), { '200 connection: close': QUEUED });
    t.is(await tryConnect(port), 'ECONNREFUSED');
  });
}
