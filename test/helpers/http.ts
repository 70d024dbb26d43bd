import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { request } from 'undici';

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

/** Listen on a free port of 127.0.0.1 and return the app's origin, `http://127.0.0.1:<port>`. */
export async function originOf(app: FastifyInstance): Promise<string> {
  return `http://127.0.0.1:${await listen(app)}`;
}

/** What a client sees of one response received over a real socket. */
export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** A request for {@link call}: undici's options, reduced to what these tests send. */
export interface Call {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS' | 'HEAD';
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly signal?: AbortSignal;
}

/** One request with undici (a real socket, kept alive by undici's global pool), its whole body read as text. */
export async function call(origin: string, path: string, init: Call = {}): Promise<Answer> {
  const response = await request(`${origin}${path}`, {
    method: init.method ?? 'GET',
    ...(init.headers === undefined ? {} : { headers: init.headers }),
    ...(init.body === undefined ? {} : { body: init.body }),
    ...(init.signal === undefined ? {} : { signal: init.signal }),
  });
  return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
}

/**
 * An ordered log of what providers, hooks and handlers saw, with a promise per entry, so a test waits for an
 * event (a disposal, a hook) instead of sleeping. Entries are free text; tests tag them per request.
 */
export class Journal {
  readonly entries: string[] = [];
  readonly #waiting = new Map<string, (() => void)[]>();

  /** Record an entry and wake whoever waits for it. */
  add(entry: string): void {
    this.entries.push(entry);
    const waiting = this.#waiting.get(entry);
    if (waiting === undefined) return;
    this.#waiting.delete(entry);
    for (const wake of waiting) wake();
  }

  /** Resolves once `entry` is recorded (at once if it already was). */
  until(entry: string): Promise<void> {
    if (this.entries.includes(entry)) return Promise.resolve();
    return new Promise((resolve) => {
      const waiting = this.#waiting.get(entry) ?? [];
      waiting.push(resolve);
      this.#waiting.set(entry, waiting);
    });
  }

  /** The entries that start with `${tag} `, in order, without the tag. */
  of(tag: string): string[] {
    const prefix = `${tag} `;
    return this.entries.filter((entry) => entry.startsWith(prefix)).map((entry) => entry.slice(prefix.length));
  }
}
