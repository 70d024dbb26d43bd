// The inject-list form of the decorators called the legacy way (this file is compiled with experimentalDecorators):
// what only the legacy path can get wrong, a route that has an inject list and parameter decorators at once.
import test from 'ava';
import type { FastifyRequest } from 'fastify';
import { provide, token } from '../../src/index.js';
import { Controller, Get, Params, createApp } from '../../src/fastify/index.js';
import { listen } from '../helpers/http.js';

const Greeting = token<string>('Greeting');
const providers = [provide(Greeting, { useValue: 'hello' })];

test('a legacy route with an inject list and parameter decorators fails the boot with the method named', async (t) => {
  @Controller('/mixed')
  class MixedController {
    // The types cannot see parameter decorators: this handler's first parameter fits the list, so only the boot can refuse it.
    @Get('/:id', { inject: [Greeting] })
    show(@Params('id') deps: [string]) {
      return deps;
    }
  }
  const error = await t.throwsAsync(createApp({ providers, controllers: [MixedController], shutdown: false }));
  const problems = (error as unknown as { problems: { code: string; route: string }[] }).problems;
  t.deepEqual(problems.map((p) => [p.code, p.route]), [['LOOPSAFE_ERR_FASTIFY_ROUTE_INVALID', 'MixedController.show']]);
});

test('in one legacy controller, a route with an inject list and a route with parameter decorators both serve', async (t) => {
  @Controller('/both', { inject: [Greeting] })
  class BothController {
    constructor(readonly greeting: string) {}
    @Get('/list/:id', { inject: [Greeting] })
    listed([greeting]: [string], request: FastifyRequest<{ Params: { id: string } }>) {
      return { greeting, id: request.params.id, same: greeting === this.greeting };
    }
    @Get('/decorated/:id')
    decorated(@Params('id') id: string) {
      return { id };
    }
  }
  const app = await createApp({ providers, controllers: [BothController], shutdown: false });
  t.teardown(() => app.close());
  const port = await listen(app);
  t.deepEqual(await (await fetch(`http://127.0.0.1:${port}/both/list/4`)).json(), { greeting: 'hello', id: '4', same: true });
  t.deepEqual(await (await fetch(`http://127.0.0.1:${port}/both/decorated/5`)).json(), { id: '5' });
});
