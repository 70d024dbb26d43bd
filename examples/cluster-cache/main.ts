// Serve ./app.js with several worker processes and a shared cache.
//   npm run build && CACHE_URL=redis://127.0.0.1:6379 WORKERS=2 node dist/examples/cluster-cache/main.js
// then: curl 127.0.0.1:3000/price/abc (twice: the second answer comes from the cache, whichever worker serves it).
// Ctrl-C or SIGTERM: the port closes first, every worker drains in parallel, then the process exits 0.
import { availableParallelism } from 'node:os';
import { serveCluster } from '../../src/index.js';

const server = await serveCluster({
  app: new URL('./app.js', import.meta.url),
  workers: Number(process.env.WORKERS ?? availableParallelism()),
  port: Number(process.env.PORT ?? 3000),
  onEvent: (event) => {
    if (event.type === 'shutdown') console.log(`shutting down (${event.reason}): port closed, workers draining`);
    if (event.type === 'stopped') console.log(event.error === undefined ? `stopped cleanly after ${event.connections} connections` : `stopped: ${event.error.code}`);
    if (event.type === 'worker-exit' && !event.expected) console.log(`worker ${event.worker} died (code ${event.code}); replacing it`);
  },
});
console.log(`listening on http://${server.host}:${server.port} with ${server.workers().length} workers`);
for (const { worker, pid, threads } of await server.threadCounts()) console.log(`worker ${worker} (pid ${pid}): ${threads} OS threads`);
