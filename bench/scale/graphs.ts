/**
 * The scale scenario: the M3 graph of BENCH.md plus `unused` request-scoped providers that no request resolves,
 * wired for loopsafe, awilix and the hand-written container. What a request costs should depend on what it
 * resolves, not on how many providers the app registered.
 */
import { asClass, asValue, createContainer as createAwilix, InjectionMode } from 'awilix';
import { createContainer, provide, token, type Registration } from '../../src/index.js';
import { graphProviders, RequestId } from '../graph/loopsafe.js';
import { A, B, C, Config, D, E, Logger } from '../graph/model.js';

/** One open request scope with `E` resolved, and how to close it. */
export interface OpenScope {
  readonly e: E;
  close(): void | Promise<void>;
}

/** A peer's scaled graph. */
export interface ScaleGraph {
  /** Open a scope, supply the id, resolve `E`; the caller closes it. */
  open(id: number): OpenScope | Promise<OpenScope>;
}

/** A request-scoped service nobody asks for. */
class Unused {
  constructor(readonly config: Config) {}
}

function loopsafe(unused: number): ScaleGraph {
  // M3's graph itself, then the unused providers, registered after it as a large app's other modules would be.
  const providers = graphProviders();
  for (let i = 0; i < unused; i++) providers.push(provide(token<Unused>(`Unused${i}`), { lifetime: 'request', useClass: Unused, inject: [Config] }) as Registration);
  const c = createContainer({ providers });
  c.check();
  return {
    async open(id) {
      const s = c.createScope().supply(RequestId, id);
      return { e: await s.resolve(E), close: () => s.dispose() };
    },
  };
}

function awilix(unused: number): ScaleGraph {
  const c = createAwilix({ injectionMode: InjectionMode.CLASSIC });
  c.register({
    config: asClass(Config).singleton(),
    logger: asClass(Logger).singleton(),
    a: asClass(A).scoped(),
    b: asClass(B).scoped(),
    c: asClass(C).scoped(),
    d: asClass(D).scoped(),
    e: asClass(E).scoped().disposer((e) => e.dispose()),
  });
  for (let i = 0; i < unused; i++) c.register(`unused${i}`, asClass(Unused).scoped());
  return {
    open(id) {
      const s = c.createScope();
      s.register({ requestId: asValue(id) });
      return { e: s.resolve<E>('e'), close: () => s.dispose() };
    },
  };
}

function handWritten(unused: number): ScaleGraph {
  type Scope = Map<unknown, unknown>;
  const config = new Config();
  const logger = new Logger();
  const factories = new Map<unknown, (s: Scope) => unknown>();
  const get = (s: Scope, key: unknown): unknown => {
    let value = s.get(key);
    if (value === undefined) s.set(key, (value = factories.get(key)!(s)));
    return value;
  };
  factories.set(A, (s) => new A(s.get('id') as number, config));
  factories.set(B, (s) => new B(s.get('id') as number, logger));
  factories.set(C, (s) => new C(get(s, A) as A, config));
  factories.set(D, (s) => new D(get(s, A) as A, get(s, B) as B));
  factories.set(E, (s) => new E(get(s, C) as C, get(s, D) as D, logger));
  for (let i = 0; i < unused; i++) factories.set(`unused${i}`, () => new Unused(config));
  return {
    open(id) {
      const s: Scope = new Map<unknown, unknown>([['id', id]]);
      const e = get(s, E) as E;
      return { e, close: () => e.dispose() };
    },
  };
}

/** The peers of the scale scenario, by name. */
export const scaleGraphs: Record<string, (unused: number) => ScaleGraph> = {
  'hand-written': handWritten,
  loopsafe,
  awilix,
};
