// One H server for the bench: `cluster <workers>` (serveCluster) or `single` (the same app, one process, listening
// itself). Prints {"port", "pids"} once serving; SIGTERM stops it.
import { buildApp } from './app.js';
import { serveCluster } from '../../src/index.js';
import { blockLoop } from '../../test/helpers/block.js';

// The accept-queue runs (bench/http/shutdown-queued.ts) block the primary's loop, which owns the port.
process.on('SIGUSR2', () => blockLoop(200, process.env['RELEASE']));

const [mode = 'single', workers = '1', port = '0'] = process.argv.slice(2);
if (mode === 'cluster') {
  const server = await serveCluster({ app: new URL('./app.js', import.meta.url), workers: Number(workers), port: Number(port), onEvent: () => {} });
  const pids = server.workers().map((w) => w.pid);
  process.stdout.write(`${JSON.stringify({ port: server.port, pids })}\n`);
} else {
  const app = await buildApp();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address !== null ? address.port : 0, pids: [process.pid] })}\n`);
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}
