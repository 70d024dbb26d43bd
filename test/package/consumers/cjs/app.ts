// A consumer's CommonJS app: compiled to `require()` calls, which load the ESM-only package (require(esm)).
import { createContainer, provide, token } from 'loopsafe';
import type { FastifyRequest } from 'fastify';
import { createApp, route } from 'loopsafe/fastify';

const Greeting = token<string>('Greeting');
const hello = route({
  method: 'GET',
  url: '/hello/:name',
  inject: [Greeting],
  handler: ([greeting], request: FastifyRequest<{ Params: { name: string } }>) => ({ text: `${greeting}, ${request.params.name}` }),
});

async function main(): Promise<void> {
  const container = createContainer({ providers: [provide(Greeting, { useValue: 'Hello' })] });
  // @ts-expect-error Greeting is a token<string>
  const wrong: number = await container.resolve(Greeting);
  void wrong;
  await container.dispose();

  const app = await createApp({ providers: [provide(Greeting, { useValue: 'Hello' })], routes: [hello] });
  const response = await app.inject({ method: 'GET', url: '/hello/Ada' });
  await app.close();
  console.log(JSON.stringify({ status: response.statusCode, body: response.json() }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
