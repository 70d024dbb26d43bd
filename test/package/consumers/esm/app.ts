// A consumer's ESM app: strict TypeScript with legacy decorators, importing every public entry point by name but
// loopsafe/inversify, in a project that does not install inversify.
import { createContainer, Injectable, provide, token, type Container } from 'loopsafe';
import { createApp, Controller, Get, Inject, Params } from 'loopsafe/fastify';
import { checkThreadLeaks, type LeakReport } from 'loopsafe/testing';

const Greeting = token<string>('Greeting');

class Clock {
  now(): number {
    return 1_700_000_000_000;
  }
}

@Controller('/hello')
class HelloController {
  constructor(@Inject(Greeting) private readonly greeting: string, private readonly clock: Clock) {}

  @Get('/:name')
  hello(@Params('name') name: string): { text: string; at: number } {
    return { text: `${this.greeting}, ${name}`, at: this.clock.now() };
  }
}

// Class providers without inversify: class-typed constructor parameters are read from the types TypeScript emits
// for a decorated class (loopsafe's Injectable(), or any decorator), other parameters from an inject list.
@Injectable()
class Stamper {
  constructor(readonly clock: Clock) {}
}

class Signer {
  constructor(readonly greeting: string, readonly stamper: Stamper) {}
  sign(name: string): string {
    return `${this.greeting}, ${name} @${this.stamper.clock.now()}`;
  }
}

const classes = createContainer({
  providers: [provide(Greeting, { useValue: 'Hi' }), provide(Clock), provide(Stamper), provide(Signer, { inject: [Greeting, Stamper] })],
});
await classes.boot();
const signed = (await classes.resolve(Signer)).sign('Grace');
await classes.dispose();
// inversify is an optional peer: the package does not bring it.
const inversify = 'inversify';
const inversifyLoads = await import(inversify).then(() => true, () => false);
console.log(JSON.stringify({ signed, inversifyLoads }));

const container: Container = createContainer({ providers: [provide(Greeting, { useValue: 'Hello' })] });
await container.boot();
// The public types are real, not `any`: a token of string does not resolve to a number.
// @ts-expect-error Greeting is a token<string>
const wrong: number = await container.resolve(Greeting);
void wrong;
await container.dispose();

const report: LeakReport = await checkThreadLeaks(async () => {
  const app = await createApp({ providers: [provide(Greeting, { useValue: 'Hello' }), provide(Clock)], controllers: [HelloController] });
  const response = await app.inject({ method: 'GET', url: '/hello/Ada' });
  await app.close();
  console.log(JSON.stringify({ status: response.statusCode, body: response.json() }));
}, { settleMs: 100 });
console.log(JSON.stringify({ threadLeakFree: report.ok }));
