// Scenario H without sockets, for one variant: batches of 100 concurrent app.inject('/hello'), median µs/request.
// The median of ~2 ms batches filters out the time the OS gives to other processes, which req/s cannot.
import { buildApp } from './app.js';
import type { Variant } from './graph.js';

const variant = (process.argv[2] ?? 'off') as Variant;
const seconds = Number(process.argv[3] ?? 1);
const { app, served, disposed } = await buildApp(variant);
await app.ready();
const batch = async (): Promise<number> => {
  const start = process.hrtime.bigint();
  const responses = await Promise.all(Array.from({ length: 100 }, () => app.inject('/hello')));
  if (responses.some((r) => r.statusCode !== 200)) throw new Error('a request failed');
  return Number(process.hrtime.bigint() - start) / 100 / 1000;
};
for (const end = Date.now() + 300; Date.now() < end; ) await batch();
const times: number[] = [];
for (const end = Date.now() + seconds * 1000; Date.now() < end; ) times.push(await batch());
await app.close();
if (served() !== disposed()) throw new Error('a scope was not disposed');
times.sort((a, b) => a - b);
process.stdout.write(JSON.stringify({ variant, usPerRequest: times[times.length >> 1], batches: times.length }));
process.exit(0);
