// The users API as the loopsafe CLI loads it: `loopsafe graph dist/examples/users-api/app.js --format html` and
// `loopsafe doctor dist/examples/users-api/app.js` build the app from these options.
import type { AppOptions } from 'loopsafe/fastify';
import { providers } from './providers.js';
import { routes } from './routes.js';
import { UsersController } from './users.controller.js';

/** The users API's parts: what main.ts passes to createApp(), with its server options. */
const app: AppOptions = { providers, controllers: [UsersController], routes };
export default app;
