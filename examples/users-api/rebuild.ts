// Build the users API, serve one request and close it, N times in one process (the "app rebuilt after a cache
// reset" case): the OS thread count must stay flat. Prints one JSON line; `npm run demo:prove` runs it.
import { readdirSync } from 'node:fs';
import { buildUsersApi } from './app.js';

const rebuilds = Number(process.argv[2] ?? 50);
const threads = (): number => readdirSync('/proc/self/task').length;
const start = threads();
let max = start;
let offloads = 0;
for (let i = 0; i < rebuilds; i++) {
  const app = await buildUsersApi({ fastify: { logger: false }, shutdown: false });
  const response = await app.inject('/users');
  if (response.statusCode !== 200) throw new Error(`rebuild ${i}: GET /users answered ${response.statusCode}`);
  offloads += app.threadMonitor?.stats().offloads ?? 0;
  await app.close();
  max = Math.max(max, threads());
}
process.stdout.write(`${JSON.stringify({ rebuilds, start, max, end: threads(), offloads })}\n`);
