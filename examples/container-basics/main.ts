// A tour of the container without a web framework: typed tokens, async singletons built once,
// a request scope with a supplied value, boot-time checks and ordered disposal.
// Run it with `npm run build && node dist/examples/container-basics/main.js`.
import { setTimeout as sleep } from 'node:timers/promises';
import { BootError, createContainer, provide, token } from '../../src/index.js';

interface Db {
  query(sql: string): Promise<string>;
  close(): Promise<void>;
}

const Config = token<{ dbUrl: string }>('Config');
const Db = token<Db>('Db');
const RequestId = token<string>('RequestId');
const UnitOfWork = token<{ id: string; commit(): Promise<string> }>('UnitOfWork');

const providers = [
  provide(Config, { useValue: { dbUrl: 'memory://demo' } }),
  provide(Db, {
    inject: [Config],
    eager: true,
    useFactory: async (config) => {
      await sleep(10); // stands in for a real connection handshake
      console.log(`db: connected to ${config.dbUrl}`);
      return { query: async (sql: string) => `rows for ${sql}`, close: async () => console.log('db: closed') };
    },
    dispose: (db) => db.close(),
  }),
  provide(RequestId, { supplied: true }),
  provide(UnitOfWork, {
    lifetime: 'request',
    inject: [Db, RequestId],
    useFactory: (db, id) => ({ id, commit: () => db.query(`COMMIT /* ${id} */`) }),
    dispose: (uow) => console.log(`uow ${uow.id}: released`),
  }),
];

const container = createContainer({ providers });
await container.boot();

// Three concurrent requests, each with its own unit of work; the Db singleton is shared.
await Promise.all(
  ['r1', 'r2', 'r3'].map(async (id) => {
    await using scope = container.createScope().supply(RequestId, id);
    const uow = await scope.resolve(UnitOfWork);
    console.log(`uow ${uow.id}: ${await uow.commit()}`);
  }),
);

// A broken graph is refused at boot, with every problem and its path.
const Cache = token('Cache');
const broken = createContainer({ providers: [...providers, provide(Cache, { inject: [UnitOfWork], useFactory: () => new Map() })] });
try {
  broken.check();
} catch (error) {
  if (!(error instanceof BootError)) throw error;
  for (const problem of error.problems) console.log(`boot refused: ${problem.code}: ${problem.message}`);
}

await container.dispose();
