// serveCluster: connections the kernel queued for the primary's port while its loop was busy when SIGTERM came
// are all handed to workers and answered (a complete 200 with Connection: close), none reset; once the cluster
// is gone, connection attempts are refused. Real processes, real sockets, counts only.
import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPrimary } from '../helpers/cluster.js';
import { queuedClient, tryConnect, type QueuedOutcome } from '../helpers/queued.js';
import { selfSignedFiles } from '../helpers/tls.js';

const QUEUED = 20;

/**
 * Tally outcomes by what a client saw. A connection the primary handed to a worker in the loop turn that ran the
 * signal handler, but before it, reaches the worker ahead of the word that shutdown began (a handle on the IPC
 * channel holds back the next message until the worker acknowledges it): its response may say keep-alive, and the
 * drain closes it after that response. Either way it is answered and then closed by the server.
 */
function tally(outcomes: readonly QueuedOutcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) {
    const closed = o.connection === 'close' || o.connection === 'keep-alive' ? 'then closed' : `connection: ${o.connection ?? '-'}`;
    const key = o.error ?? (o.status === undefined ? 'no complete response' : `${o.status} ${closed}`);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

for (const workers of [2, 4]) {
  for (const tls of [false, true]) {
    test.serial(`${workers} workers, ${tls ? 'HTTPS' : 'HTTP'}: ${QUEUED} connections queued behind the primary's blocked loop at SIGTERM all get a complete 200 with Connection: close, then connections are refused`, async (t) => {
      const dir = mkdtempSync(join(tmpdir(), 'loopsafe-queued-'));
      t.teardown(() => rmSync(dir, { recursive: true, force: true }));
      const release = join(dir, 'release');
      const env: Record<string, string> = { RELEASE: release, BLOCK_MS: '200' };
      if (tls) {
        const files = selfSignedFiles(t);
        Object.assign(env, { TLS_KEY: files.key, TLS_CERT: files.cert });
      }
      const primary = await startPrimary(t, tls ? 'tls-app' : 'app', workers, env);
      const { port } = primary;

      primary.child.kill('SIGUSR2');
      await primary.event('blocking');
      primary.child.kill('SIGTERM');
      const clients = await Promise.all(Array.from({ length: QUEUED }, () => queuedClient(port, '/hello', tls)));
      writeFileSync(release, '');
      const outcomes = await Promise.all(clients.map((c) => c.outcome));

      t.is(await primary.exited, 0, primary.stderr());
      t.deepEqual(tally(outcomes), { '200 then closed': QUEUED });
      t.true(outcomes.filter((o) => o.connection === 'keep-alive').length <= workers, 'only connections handed out before the signal ran keep a connection alive');
      t.is(await tryConnect(port), 'ECONNREFUSED');
    });
  }
}
