/** What a worker reports about itself. @internal */
export interface WorkerStats {
  /** OS threads of the worker process, from /proc/self/task; -1 where that does not exist. */
  readonly threads: number;
  readonly inFlight: number;
  readonly connections: number;
}

/** A plain copy of an error, for the IPC channel. @internal */
export interface ErrorData {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly stack?: string;
}

/** Primary -> worker. @internal */
export type ToWorker =
  | { readonly loopsafe: 'conn'; readonly id: number }
  | { readonly loopsafe: 'stats' }
  | { readonly loopsafe: 'closing' }
  | { readonly loopsafe: 'drain' };

/** Worker -> primary. @internal */
export type ToPrimary =
  | { readonly loopsafe: 'ready' }
  | { readonly loopsafe: 'adopted'; readonly id: number }
  | { readonly loopsafe: 'stats'; readonly stats: WorkerStats }
  | { readonly loopsafe: 'failed'; readonly phase: 'start' | 'shutdown'; readonly error: ErrorData };

/** The settings a worker is started with, passed in its environment. @internal */
export interface WorkerConfig {
  readonly app: string;
  readonly slot: number;
  readonly statsInterval: number;
}

/** @internal */
export const CONFIG_ENV = 'LOOPSAFE_CLUSTER_WORKER';

/** True for a message sent by loopsafe's cluster code (user messages pass through untouched). @internal */
export function isOwn<T extends { loopsafe: string }>(message: unknown): message is T {
  return typeof message === 'object' && message !== null && typeof (message as { loopsafe?: unknown }).loopsafe === 'string';
}

/** Copy an error into plain data. @internal */
export function errorData(error: unknown): ErrorData {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code = (error as { code?: unknown }).code;
  return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}), ...(error.stack === undefined ? {} : { stack: error.stack }) };
}

/** Rebuild an error from plain data, to use as a `cause`. @internal */
export function fromErrorData(data: ErrorData): Error {
  const error = new Error(data.message);
  error.name = data.name;
  if (data.code !== undefined) Object.defineProperty(error, 'code', { value: data.code, enumerable: true });
  if (data.stack !== undefined) error.stack = data.stack;
  return error;
}
