// The default createApp route as a real server, for one monitor mode: the BENCH.md request-scoped diamond behind
// route(), with createApp's default monitor options but the mode given (`off` = production's default, `warn` = the
// default elsewhere). Prints its port, then stats on signals (the protocol of server.ts).
import { createApp, route } from '../../src/fastify/index.js';
import { countThreads, provide } from '../../src/index.js';
import { A, B, C, Clock, Config, D, E, Logger } from './graph.js';

const mode = (process.argv[2] ?? 'off') as 'off' | 'warn';
let served = 0;
let disposed = 0;
let next = 0;
const app = await createApp({
  providers: [
    provide(Config, { useValue: { name: 'bench' } }),
    provide(Logger, { useFactory: () => ({ log: (_m: string) => {} }) }),
    provide(Clock, { useFactory: () => ({ now: () => 0 }) }),
    provide(A, { lifetime: 'request', inject: [Config], useFactory: (config) => ({ id: ++next, config }) }),
    provide(B, { lifetime: 'request', inject: [Logger], useFactory: (logger) => ({ id: next, logger }) }),
    provide(C, { lifetime: 'request', inject: [A, Config], useFactory: (a, config) => ({ a, config }) }),
    provide(D, { lifetime: 'request', inject: [A, B], useFactory: (a, b) => ({ a, b }) }),
    provide(E, { lifetime: 'request', inject: [C, D, Logger], useFactory: (c, d, logger) => ({ c, d, logger }), dispose: () => void disposed++ }),
  ],
  routes: [route({ method: 'GET', url: '/hello', inject: [E], handler: ([e]) => {
    served++;
    return { id: (e.c.a as { id: number }).id };
  } })],
  monitor: { mode, sampleIntervalMs: 1000 },
  shutdown: false,
});
await app.listen({ port: 0, host: '127.0.0.1' });
const threadsBefore = countThreads();
const cpu = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
process.stdout.write(`${(app.server.address() as { port: number }).port}\n`);
process.on('SIGUSR2', () => process.stdout.write(`${JSON.stringify({ served, cpu: cpu() })}\n`));
process.on('SIGTERM', () => {
  const measured = { served, cpu: cpu() };
  void app.close().then(() => {
    process.stdout.write(`${JSON.stringify({ ...measured, disposed, threadsBefore, threadsMax: threadsBefore, threadsAfter: countThreads() })}\n`);
    process.exit(0);
  });
});
