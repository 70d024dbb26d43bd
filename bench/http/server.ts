// One H-scenario server, chosen by argv[2]; prints {"port": n} once listening. Run pinned with taskset by run.ts.
import type { FastifyInstance } from 'fastify';
import { build as bare } from './peers/bare.js';
import { build as map } from './peers/map.js';
import { build as awilix } from './peers/awilix.js';
import { build as inversify } from './peers/inversify.js';
import { buildController, buildFunctions, buildFunctionsFactoryId, buildFunctionsUnwatched, buildPlain } from './peers/loopsafe.js';

/** Every peer, by the name run.ts passes. */
export const peers: Record<string, () => Promise<FastifyInstance>> = {
  'bare fastify': bare,
  'hand-written Map': map,
  '@fastify/awilix': awilix,
  'inversify child': inversify,
  'loopsafe route()': buildFunctions,
  // The same app with every loopsafe tracing channel subscribed (do-nothing handlers): the cost of tracing on.
  'loopsafe route(), traced': async () => {
    (await import('../tracing-on.js')).traceEverything();
    return buildFunctions();
  },
  'loopsafe route(), monitor off': buildFunctionsUnwatched,
  'loopsafe controller': buildController,
  'loopsafe route(), id factory': buildFunctionsFactoryId,
  'loopsafe, no DI used': buildPlain,
};

const name = process.argv[2];
if (name !== undefined) {
  const build = peers[name];
  if (build === undefined) throw new Error(`unknown peer ${name}`);
  const app = await build();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address !== null ? address.port : 0 })}\n`);
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}
