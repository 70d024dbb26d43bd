/**
 * inversify 8 with decorated classes. Per request, as users do: a child `Container` whose parent holds the
 * singletons; the child binds the request id and the five request services `inSingletonScope()` (one per child),
 * `E` with `onDeactivation`, and `child.unbindAll()` runs that deactivation. A second wiring,
 * {@link createRequestScopeGraph}, binds the five in the parent `inRequestScope()` (one per `get()` call), with only
 * the id in the child: inversify has no disposal for request-scoped bindings, so it is reported, never compared.
 * The async singleton is `toDynamicValue(async ...)` `inSingletonScope()`, resolved with `getAsync`.
 */
import 'reflect-metadata';
import { Container, inject, injectable } from 'inversify';
import { Pool } from './model.js';
import { CALLERS, nextTurn, type PeerGraph } from './peer.js';

const RequestId = Symbol('RequestId');
const Db = Symbol('Db');

@injectable() class Config { readonly url = 'postgres://bench/app'; }
@injectable() class Logger { readonly level = 'info'; }
@injectable() class Clock { readonly zone = 'UTC'; }
@injectable() class A {
  readonly id: number;
  constructor(@inject(RequestId) requestId: number, @inject(Config) readonly config: Config) { this.id = requestId; }
}
@injectable() class B {
  readonly id: number;
  constructor(@inject(RequestId) requestId: number, @inject(Logger) readonly logger: Logger) { this.id = requestId; }
}
@injectable() class C {
  constructor(@inject(A) readonly a: A, @inject(Config) readonly config: Config) {}
}
@injectable() class D {
  constructor(@inject(A) readonly a: A, @inject(B) readonly b: B) {}
}
@injectable() class E {
  disposals = 0;
  constructor(@inject(C) readonly c: C, @inject(D) readonly d: D, @inject(Logger) readonly logger: Logger) {}
  dispose(): void { this.disposals++; }
}
@injectable() class Handler {
  constructor(@inject(Config) readonly config: Config, @inject(Logger) readonly logger: Logger, @inject(Clock) readonly clock: Clock) {}
}

function rootContainer(): Container {
  const root = new Container();
  root.bind(Config).toSelf().inSingletonScope();
  root.bind(Logger).toSelf().inSingletonScope();
  root.bind(Clock).toSelf().inSingletonScope();
  root.bind(Handler).toSelf().inTransientScope();
  return root;
}

function common(root: Container): Omit<PeerGraph, 'request' | 'disposesScopes'> {
  return {
    singleton: () => root.get(Config),
    singletons: () => ({ config: root.get(Config), logger: root.get(Logger), clock: root.get(Clock) }),
    transient: () => root.get(Handler),
    async concurrent() {
      let factoryRuns = 0;
      const fresh = new Container();
      fresh.bind<Pool>(Db).toDynamicValue(async () => { factoryRuns++; await nextTurn(); return new Pool(); }).inSingletonScope();
      const calls = new Array<Promise<Pool>>(CALLERS);
      for (let i = 0; i < CALLERS; i++) calls[i] = fresh.getAsync<Pool>(Db);
      return { instances: await Promise.all(calls), factoryRuns };
    },
  };
}

/** Build the graph: a child container per request. */
export function createGraph(): PeerGraph {
  const root = rootContainer();
  return {
    ...common(root),
    disposesScopes: true,
    request(id) {
      const child = new Container({ parent: root });
      child.bind(RequestId).toConstantValue(id);
      child.bind(A).toSelf().inSingletonScope();
      child.bind(B).toSelf().inSingletonScope();
      child.bind(C).toSelf().inSingletonScope();
      child.bind(D).toSelf().inSingletonScope();
      child.bind(E).toSelf().inSingletonScope().onDeactivation((e) => e.dispose());
      const e = child.get(E);
      child.unbindAll();
      return e;
    },
  };
}

/** Build the graph: `inRequestScope()` in the parent, only the id in a child; no disposal. */
export function createRequestScopeGraph(): PeerGraph {
  const root = rootContainer();
  root.bind(A).toSelf().inRequestScope();
  root.bind(B).toSelf().inRequestScope();
  root.bind(C).toSelf().inRequestScope();
  root.bind(D).toSelf().inRequestScope();
  root.bind(E).toSelf().inRequestScope();
  return {
    ...common(root),
    disposesScopes: false,
    request(id) {
      const child = new Container({ parent: root });
      child.bind(RequestId).toConstantValue(id);
      return child.get(E);
    },
  };
}
