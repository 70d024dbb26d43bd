// The users API's providers: a repository singleton, a per-request logger and a request-scoped unit of work.
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

/** Every provider of the users API. */
export const providers = [
  provide(Config, { useValue: { seed: ['Ada Lovelace', 'Alan Turing'] } }),
  provide(UserRepository, { inject: [Config], useFactory: (config) => new UserRepository(config.seed), dispose: (repo) => repo.close(), eager: true }),
  provide(RequestLogger, { lifetime: 'request', inject: [FastifyRequestToken], useFactory: (request) => request.log.child({ unit: 'users' }) }),
  provide(UnitOfWork, { lifetime: 'request', inject: [UserRepository, RequestLogger] }),
];
