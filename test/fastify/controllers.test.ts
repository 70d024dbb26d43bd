import test from 'ava';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { provide, token } from '../../src/index.js';
import {
  Body, Controller, Delete, FastifyRequestToken, Get, Headers, Inject, Params, Patch, Post, Put, Query, Reply, Req, createApp,
} from '../../src/fastify/index.js';

class Store {
  readonly items = new Map<string, string>([['1', 'one']]);
}
const Unit = token<{ request: string; steps: string[] }>('Unit');
const providers = [
  provide(Store, { useFactory: () => new Store() }),
  provide(Unit, { lifetime: 'request', inject: [FastifyRequestToken], useFactory: (request) => ({ request: request.id, steps: [] as string[] }) }),
];

let controllersBuilt = 0;

@Controller('/items')
class ItemsController {
  constructor(readonly store: Store) {
    controllersBuilt++;
  }

  @Get('/:id', { schema: { params: { type: 'object', properties: { id: { type: 'string' } } } } })
  get(@Params('id') id: string, @Inject(Unit) unit: { steps: string[] }) {
    unit.steps.push('get');
    return { id, value: this.store.items.get(id) ?? null };
  }

  @Post('', { schema: { body: { type: 'object', properties: { id: { type: 'string' }, value: { type: 'string' } }, required: ['id', 'value'] } } })
  create(@Body() body: { id: string; value: string }, @Reply() reply: FastifyReply) {
    this.store.items.set(body.id, body.value);
    return reply.code(201).send({ created: body.id });
  }

  @Put('/:id')
  replace(@Params() params: { id: string }, @Body() body: { value: string }) {
    this.store.items.set(params.id, body.value);
    return { replaced: params.id };
  }

  @Patch('/:id')
  patch(@Params('id') id: string, @Query('suffix') suffix: string | undefined) {
    this.store.items.set(id, `${this.store.items.get(id) ?? ''}${suffix ?? ''}`);
    return { value: this.store.items.get(id) };
  }

  @Delete('/:id')
  remove(@Params('id') id: string, @Headers('x-reason') reason: string | undefined, @Req() request: FastifyRequest) {
    return { deleted: this.store.items.delete(id), reason, method: request.method };
  }
}

test('decorated methods become routes under the prefix, with request parts and providers as arguments', async (t) => {
  const app = await createApp({ providers, controllers: [ItemsController], shutdown: false });
  t.teardown(() => app.close());
  t.deepEqual((await app.inject('/items/1')).json(), { id: '1', value: 'one' });
  const created = await app.inject({ method: 'POST', url: '/items', payload: { id: '2', value: 'two' } });
  t.is(created.statusCode, 201);
  t.deepEqual(created.json(), { created: '2' });
  t.is((await app.inject({ method: 'POST', url: '/items', payload: { id: '3' } })).statusCode, 400, 'the body schema validates');
  t.deepEqual((await app.inject({ method: 'PUT', url: '/items/2', payload: { value: 'TWO' } })).json(), { replaced: '2' });
  t.deepEqual((await app.inject({ method: 'PATCH', url: '/items/2?suffix=!' })).json(), { value: 'TWO!' });
  t.deepEqual((await app.inject({ method: 'DELETE', url: '/items/2', headers: { 'x-reason': 'test' } })).json(), { deleted: true, reason: 'test', method: 'DELETE' });
  t.is(controllersBuilt, 1, 'a controller is a singleton by default');
});

test('a request-scoped controller is built per request and shares request-scoped instances with hooks and handler parameters', async (t) => {
  let built = 0;
  @Controller('/scoped', { lifetime: 'request' })
  class ScopedController {
    constructor(@Inject(Unit) readonly unit: { request: string; steps: string[] }) {
      built++;
    }

    @Get('', {
      preHandler: async (request) => {
        (await request.di.resolve(Unit)).steps.push('preHandler');
      },
      config: { audited: true },
    })
    show(@Inject(Unit) unit: { request: string; steps: string[] }, @Req() request: FastifyRequest) {
      unit.steps.push('handler');
      return { same: unit === this.unit, steps: unit.steps, mine: unit.request === request.id, config: request.routeOptions.config };
    }
  }
  const app = await createApp({ providers, controllers: [ScopedController], shutdown: false });
  t.teardown(() => app.close());
  const first = (await app.inject('/scoped')).json<{ same: boolean; steps: string[]; mine: boolean; config: { audited?: boolean } }>();
  t.true(first.same);
  t.true(first.mine);
  t.deepEqual(first.steps, ['preHandler', 'handler']);
  t.true(first.config.audited);
  await app.inject('/scoped');
  t.is(built, 2);
});

test('a singleton controller that needs a request-scoped provider fails the boot as a captive dependency', async (t) => {
  @Controller('/captive')
  class CaptiveController {
    constructor(@Inject(Unit) readonly unit: unknown) {}
    @Get()
    show() {
      return 'never';
    }
  }
  const error = await t.throwsAsync(createApp({ providers, controllers: [CaptiveController], shutdown: false }));
  t.is((error as { code?: string }).code, 'LOOPSAFE_ERR_BOOT');
  const problems = (error as unknown as { problems: { code: string; path: string[] }[] }).problems;
  t.deepEqual(problems.map((p) => [p.code, p.path]), [['LOOPSAFE_ERR_CAPTIVE_DEPENDENCY', ['CaptiveController', 'Unit']]]);
});

test('a handler parameter without a decorator, or with two, fails the boot with the method named', async (t) => {
  @Controller('/bad')
  class BadController {
    @Get('/a')
    a(@Params() _params: unknown, _forgotten: unknown) {
      return 'a';
    }
    @Get('/b')
    b(@Params() @Body() _both: unknown) {
      return 'b';
    }
  }
  const error = await t.throwsAsync(createApp({ providers, controllers: [BadController], shutdown: false }));
  const problems = (error as unknown as { problems: { code: string; route: string }[] }).problems;
  t.deepEqual(problems.map((p) => [p.code, p.route]), [
    ['LOOPSAFE_ERR_FASTIFY_ROUTE_INVALID', 'BadController.a'],
    ['LOOPSAFE_ERR_FASTIFY_ROUTE_INVALID', 'BadController.b'],
  ]);
});

test('a handler that injects an unregistered provider fails the boot with the handler in the path', async (t) => {
  const Nowhere = token<string>('Nowhere');
  @Controller()
  class RootController {
    @Get('/')
    home(@Inject(Nowhere) value: string) {
      return value;
    }
  }
  const error = await t.throwsAsync(createApp({ providers, controllers: [RootController], shutdown: false }));
  const problems = (error as unknown as { problems: { code: string; path: string[] }[] }).problems;
  t.deepEqual(problems.map((p) => [p.code, p.path]), [['LOOPSAFE_ERR_PROVIDER_MISSING', ['RootController.home', 'Nowhere']]]);
});
