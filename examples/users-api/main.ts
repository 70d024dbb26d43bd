// The users API: `npm run demo` starts it on http://127.0.0.1:3000 (PORT to change); Ctrl-C drains and exits.
import { createApp } from 'loopsafe/fastify';
import users from './app.js';

const port = Number(process.env['PORT'] ?? 3000);
const app = await createApp({
  ...users,
  fastify: { logger: true },
  shutdown: { timeout: 10_000 },
});
const url = await app.listen({ port, host: '127.0.0.1' });
app.log.info({ url }, `users API listening on ${url} (try: curl ${url}/users)`);
