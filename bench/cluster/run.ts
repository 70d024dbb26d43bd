// npm run bench:cluster [-- all|http|cache|shutdown [http rounds] [seconds per run] [cache cycles]]
// The H scenario with 1 and 2 workers (req/s, RSS per worker), the shared cache against direct ioredis calls, and
// SIGTERM under load against a hand-written node:cluster server.
// The machine has 2 cores shared by the load generator, the primary and the workers: read the 2-worker figure as
// what this machine gives, not as a scaling limit.
import { benchCache } from './cache.js';
import { benchHttp } from './http.js';
import { benchShutdown } from './shutdown.js';

const [what = 'all', httpRounds = '3', seconds = '4', cacheCycles = '30'] = process.argv.slice(2);
if (what === 'all' || what === 'http') await benchHttp(Number(httpRounds), Number(seconds));
if (what === 'all' || what === 'cache') await benchCache(Number(cacheCycles));
if (what === 'all' || what === 'shutdown') await benchShutdown(2, 15_000);
