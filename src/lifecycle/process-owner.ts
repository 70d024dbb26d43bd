import cluster from 'node:cluster';
import { CONFIG_ENV } from '../cluster/messages.js';

/**
 * True in a worker of `serveCluster()`: its primary decides when the worker stops, so the app must not install
 * signal handlers or exit on its own. (Node removes the cluster's own variable from a worker's environment, so a
 * process the worker spawns is not taken for one.) @internal
 */
export function inClusterWorker(): boolean {
  return cluster.isWorker && process.env[CONFIG_ENV] !== undefined;
}
