// Start the notes API: `tsx examples/standard-decorators/main.ts` (from this folder, so tsx reads its tsconfig),
// or compile with `tsc -p examples/standard-decorators` and run the output with node. PORT picks the port
// (0, the default, lets the system choose); SIGTERM or Ctrl-C drains and exits.
import { buildNotesApi } from './app.js';

const app = await buildNotesApi();
const url = await app.listen({ port: Number(process.env['PORT'] ?? 0), host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ msg: 'notes API listening', url, symbolMetadata: typeof (Symbol as { metadata?: symbol }).metadata })}\n`);
