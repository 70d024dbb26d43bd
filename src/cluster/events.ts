import type { LoopsafeError } from '../errors/base.js';

/** A lifecycle event of a cluster, passed to `onEvent`. */
export type ClusterEvent =
  | { readonly type: 'listening'; readonly host: string; readonly port: number }
  | { readonly type: 'worker-ready'; readonly worker: number; readonly pid: number }
  | {
      readonly type: 'worker-exit';
      readonly worker: number;
      readonly pid: number;
      readonly code: number | null;
      readonly signal: string | null;
      /** False when the worker died on its own, outside a shutdown. */
      readonly expected: boolean;
    }
  | { readonly type: 'worker-restart'; readonly worker: number; readonly delay: number }
  | {
      readonly type: 'shutdown';
      /** The signal, `'close'` for `server.close()`, or `'crash-loop'`. */
      readonly reason: string;
    }
  | {
      readonly type: 'stopped';
      readonly error: LoopsafeError | undefined;
      /** Connections the primary accepted and handed to workers over the cluster's life. */
      readonly connections: number;
    };
