// The route config's reader (src/fastify/route-config.ts) looks for fastify's context symbol once per process. A
// fastify that keeps the context elsewhere is read through routeOptions from then on, without the search again.
// Its own file: the symbol it finds (or not) is kept for the process, and this file must be the first to ask.
import test from 'ava';
import type { FastifyRequest } from 'fastify';
import { routeConfigOf } from '../../src/fastify/route-config.js';

test('a request with no fastify context symbol is read through routeOptions, and the symbol is searched for once', (t) => {
  const config = { url: '/x' };
  let reads = 0;
  let searches = 0;
  const request = {
    get routeOptions() {
      reads++;
      return { config };
    },
  };
  const own = Object.getOwnPropertySymbols;
  Object.getOwnPropertySymbols = (o: object) => {
    if (o === request) searches++;
    return own(o);
  };
  try {
    for (let i = 0; i < 3; i++) t.is(routeConfigOf(request as unknown as FastifyRequest), config);
  } finally {
    Object.getOwnPropertySymbols = own;
  }
  t.is(searches, 1, 'searched on the first request only');
  t.is(reads, 4, 'routeOptions read once for the search, then once per request');
});
