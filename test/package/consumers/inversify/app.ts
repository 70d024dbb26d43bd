// A consumer's ESM app that installs inversify: loopsafe/inversify makes inversify's decorators readable, and an
// inversify Container is attached as it is (its type satisfies the option's without a cast).
import 'loopsafe/inversify';
import { Container as InversifyContainer, inject, injectable, postConstruct } from 'inversify';
import { createContainer, token } from 'loopsafe';

const Url = token<string>('Url');

@injectable()
class Config {
  readonly env = 'prod';
}

@injectable('Singleton')
class Db {
  ready = false;

  constructor(@inject(Url) readonly url: string, readonly config: Config) {}

  @postConstruct()
  init(): void {
    this.ready = true;
  }
}

const legacy = new InversifyContainer();
legacy.bind(Url).toConstantValue('postgres://legacy');
const container = createContainer({ inversify: legacy, providers: [] }).register(Config).register(Db);
await container.boot();
const db = await container.resolve(Db);
console.log(JSON.stringify({ url: db.url, env: db.config.env, ready: db.ready }));
await container.dispose();
