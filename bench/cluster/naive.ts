// The hand-written multi-worker server loopsafe is compared with at shutdown: node:cluster with its default
// round-robin scheduling, each worker listening on the shared port with default Fastify options; on SIGTERM the
// primary forwards SIGTERM to its workers one after another, and each worker runs app.close() then exits.
// Prints {"port", "pids"} once every worker listens.
import cluster from 'node:cluster';
import { once } from 'node:events';
import { buildApp } from './app.js';
import { tlsFromEnv } from '../http/shutdown-tls.js';
import { blockLoop } from '../../test/helpers/block.js';

const workers = Number(process.argv[2] ?? '2');
const port = Number(process.env.NAIVE_PORT ?? '0');
if (cluster.isPrimary) {
  // The accept-queue runs block the primary's loop: with round-robin scheduling it accepts for the workers.
  process.on('SIGUSR2', () => blockLoop(200, process.env['RELEASE']));
  // Workers need a fixed port to share; the runner passes a free one.
  const forked = Array.from({ length: workers }, () => cluster.fork({ NAIVE_PORT: String(port) }));
  await Promise.all(forked.map((w) => once(w, 'listening')));
  process.stdout.write(`${JSON.stringify({ port, pids: forked.map((w) => w.process.pid) })}\n`);
  process.on('SIGTERM', async () => {
    for (const w of forked) {
      w.process.kill('SIGTERM');
      await once(w, 'exit');
    }
    process.exit(0);
  });
} else {
  // Fastify's defaults (return503OnClosing), as a hand-written server would have them.
  const app = await buildApp({ return503OnClosing: true, ...tlsFromEnv() });
  await app.listen({ port, host: '127.0.0.1' });
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}
