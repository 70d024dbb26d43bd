// The users API: `npm run demo` starts it on http://127.0.0.1:3000 (PORT to change); Ctrl-C drains and exits.
// WORKERS=n serves it from n worker processes (serveCluster); DEMO_OFFENDER=1 swaps in the provider that reads a
// file per request, to watch the thread monitor catch it.
import { serveCluster } from 'loopsafe';
import { buildUsersApi } from './app.js';

const port = Number(process.env['PORT'] ?? 3000);
const workers = Number(process.env['WORKERS'] ?? 0);
if (workers > 0) {
  const server = await serveCluster({ app: new URL('./app.js', import.meta.url), workers, port, host: '127.0.0.1' });
  process.stdout.write(`${JSON.stringify({ msg: 'users API listening', url: `http://${server.host}:${server.port}`, workers })}\n`);
} else {
  const app = await buildUsersApi({ offender: process.env['DEMO_OFFENDER'] === '1', shutdown: { timeout: 10_000 } });
  // A warning from the thread monitor goes to the app's log too, as one JSON line with its code.
  process.on('warning', (warning) => {
    if (warning.name === 'LoopsafeWarning') app.log.warn({ code: (warning as { code?: string }).code }, warning.message);
  });
  const url = await app.listen({ port, host: '127.0.0.1' });
  app.log.info({ url }, `users API listening on ${url} (try: curl ${url}/users)`);
}
