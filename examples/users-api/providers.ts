// The users API's providers: a repository singleton, a per-request logger, per-request feature flags and a
// request-scoped unit of work. `offendingFeatureFlags` is the counter-example `npm run demo:prove` runs: the same
// provider reading its flags file on every request, which puts that read on libuv's thread pool.
import { readFile } from 'node:fs/promises';
import type { FastifyBaseLogger } from 'fastify';
import { provide, token } from 'loopsafe';
import { FastifyRequestToken } from 'loopsafe/fastify';

/** A user as stored. */
export interface User {
  id: number;
  name: string;
}

/** The app's configuration. */
export const Config = token<{ seed: readonly string[] }>('Config');

/** The user store: one for the whole app (a stand-in for a database pool). */
export class UserRepository {
  readonly #users = new Map<number, User>();
  #next = 1;
  closed = false;

  constructor(seed: readonly string[]) {
    for (const name of seed) this.insert(name);
  }

  list(): User[] {
    return [...this.#users.values()];
  }

  find(id: number): User | undefined {
    return this.#users.get(id);
  }

  insert(name: string): User {
    const user = { id: this.#next++, name };
    this.#users.set(user.id, user);
    return user;
  }

  remove(id: number): boolean {
    return this.#users.delete(id);
  }

  close(): void {
    this.closed = true;
  }
}

/** A logger for one request, tagged with its id. */
export const RequestLogger = token<FastifyBaseLogger>('RequestLogger');

/**
 * Collects one request's writes and applies them on commit(); disposed with the request, it rolls back whatever
 * was not committed (a client that aborts, a handler that throws).
 */
export class UnitOfWork {
  readonly #pending: (() => void)[] = [];
  #committed = false;

  constructor(readonly users: UserRepository, private readonly log: FastifyBaseLogger) {}

  stage(write: () => void): void {
    this.#pending.push(write);
  }

  commit(): void {
    for (const write of this.#pending.splice(0)) write();
    this.#committed = true;
  }

  [Symbol.dispose](): void {
    if (!this.#committed && this.#pending.length > 0) this.log.warn({ writes: this.#pending.length }, 'unit of work rolled back');
  }
}

/** Feature flags as one request sees them. */
export interface Flags {
  /** List users by name instead of by id. */
  readonly sortByName: boolean;
}

/** The flags of the current request. */
export const FeatureFlags = token<Flags>('FeatureFlags');

/** The flags file the offending variant reads (this very module's folder, so the demo needs no setup). */
const flagsFile = new URL('./flags.json', import.meta.url);

/**
 * The counter-example: the same provider, but it reads its file on every request. `fs.promises.readFile` runs on
 * libuv's thread pool, so the first request starts the pool's threads; the thread monitor names this factory and
 * its source line.
 */
export const offendingFeatureFlags = provide(FeatureFlags, {
  lifetime: 'request',
  useFactory: async (): Promise<Flags> => JSON.parse(await readFile(flagsFile, 'utf8').catch(() => '{"sortByName":false}')) as Flags,
});

/** Every provider of the users API. */
export const providers = [
  provide(Config, { useValue: { seed: ['Ada Lovelace', 'Alan Turing'] } }),
  provide(FeatureFlags, { lifetime: 'request', useFactory: (): Flags => ({ sortByName: false }) }),
  provide(UserRepository, { inject: [Config], useFactory: (config) => new UserRepository(config.seed), dispose: (repo) => repo.close(), eager: true }),
  provide(RequestLogger, { lifetime: 'request', inject: [FastifyRequestToken], useFactory: (request) => request.log.child({ unit: 'users' }) }),
  provide(UnitOfWork, { lifetime: 'request', inject: [UserRepository, RequestLogger] }),
];
