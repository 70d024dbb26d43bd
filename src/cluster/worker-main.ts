// The script node:cluster runs in each worker (set with cluster.setupPrimary({ exec })), so the user's main
// module is never re-executed in a worker and needs no `if (cluster.isPrimary)` branches.
import { runWorker } from './worker.js';

await runWorker();
