// The users API: `npm run demo` starts it on http://127.0.0.1:3000 (PORT to change); Ctrl-C drains and exits.
import { createApp } from 'loopsafe/fastify';
import { providers } from './providers.js';
import { routes } from './routes.js';
import { UsersController } from './users.controller.js';

const port = Number(process.env['PORT'] ?? 3000);
const app = await createApp({
  providers,
  controllers: [UsersController],
  routes,
  fastify: { logger: true },
  shutdown: { timeout: 10_000 },
});
const url = await app.listen({ port, host: '127.0.0.1' });
app.log.info({ url }, `users API listening on ${url} (try: curl ${url}/users)`);
