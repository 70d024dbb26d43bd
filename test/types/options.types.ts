// Compile-time tests: `npm test` type-checks this file; each @ts-expect-error must be a real type error,
// or tsc fails on an unused directive. Nothing here runs.
import fastify from 'fastify';
import { createContainer, InvalidOptionError, UnsupportedDecoratorError } from '../../src/index.js';
import { createApp, loopsafePlugin } from '../../src/fastify/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | undefined {
  return undefined;
}

export async function typeTests(error: InvalidOptionError, unsupported: UnsupportedDecoratorError): Promise<void> {
  // The refused option is named by its entry point, its dotted path and, for a misspelling, the intended name.
  expectType<Equal<typeof error.where, string>>();
  expectType<Equal<typeof error.option, string>>();
  expectType<Equal<typeof error.suggestion, string | undefined>>();
  expectType<Equal<typeof unsupported.decorator, string>>();

  // Misspelt keys in literal options are already type errors; the runtime check covers plain JavaScript and casts.
  // @ts-expect-error `timout` is not an option
  createContainer({ timout: 10 });
  // @ts-expect-error `timout` is not a shutdown option
  await createApp({ shutdown: { timout: 10 } });

  // fastify's register options (prefix, logLevel) sit beside the plugin's own.
  await fastify().register(loopsafePlugin, { prefix: '/api', logLevel: 'warn', container: createContainer() });
}
