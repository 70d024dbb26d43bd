// Scenario H for one variant, as a real server for autocannon. Prints its port, then stats on signals.
import { countThreads } from '../../src/index.js';
import { buildApp } from './app.js';
import type { Variant } from './graph.js';

const { app, served, disposed } = await buildApp((process.argv[2] ?? 'off') as Variant);
await app.listen({ port: 0, host: '127.0.0.1' });
const threadsBefore = countThreads();
let threadsMax = threadsBefore;
const sampler = setInterval(() => (threadsMax = Math.max(threadsMax, countThreads())), 50);
sampler.unref();
// CPU time per request is less sensitive than req/s to other processes on a shared machine.
const cpu = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
process.stdout.write(`${(app.server.address() as { port: number }).port}\n`);
process.on('SIGUSR2', () => process.stdout.write(`${JSON.stringify({ served: served(), cpu: cpu() })}\n`));
process.on('SIGTERM', () => {
  const measured = { served: served(), cpu: cpu() };
  void app.close().then(() => {
    process.stdout.write(`${JSON.stringify({ ...measured, disposed: disposed(), threadsBefore, threadsMax, threadsAfter: countThreads() })}\n`);
    process.exit(0);
  });
});
