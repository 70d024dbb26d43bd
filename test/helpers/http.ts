import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';

/** Listen on a free port of 127.0.0.1 and return the port. */
export async function listen(app: FastifyInstance): Promise<number> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return (app.server.address() as AddressInfo).port;
}

/** The outcome of one real HTTP request. */
export interface Outcome {
  status?: number;
  connection?: string | undefined;
  body?: string;
  error?: string;
  /** True when the request went out on a socket that had served an earlier request. */
  reused?: boolean;
}

/** One real GET over `agent` (or a fresh connection); never rejects, so a test can look at every outcome. */
export function get(port: number, path: string, agent: http.Agent | false = false): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body, reused: req.reusedSocket }));
      res.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message, reused: req.reusedSocket }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message, reused: req.reusedSocket }));
  });
}

/** A promise with its resolve function, for awaiting an event instead of sleeping. */
export function signal<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
