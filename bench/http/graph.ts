// The graph of BENCH.md, shared by every peer: three singletons, a request id, a five-service diamond (E disposes).
import 'reflect-metadata';
import { inject, injectable } from 'inversify';
import { token } from '../../src/index.js';

/** Requests answered and request-scoped E instances disposed, checked against each other after the load. */
export const stats = { served: 0, disposed: 0 };

/** The per-request value. */
export const RequestId = token<number>('RequestId');

@injectable()
export class Config {
  readonly name = 'bench';
}

@injectable()
export class Logger {
  log(_message: string): void {}
}

@injectable()
export class Clock {
  now(): number {
    return 0;
  }
}

@injectable()
export class A {
  constructor(@inject(RequestId) readonly id: number, @inject(Config) readonly config: Config) {}
}

@injectable()
export class B {
  constructor(@inject(RequestId) readonly id: number, @inject(Logger) readonly logger: Logger) {}
}

@injectable()
export class C {
  constructor(@inject(A) readonly a: A, @inject(Config) readonly config: Config) {}
}

@injectable()
export class D {
  constructor(@inject(A) readonly a: A, @inject(B) readonly b: B) {}
}

@injectable()
export class E {
  constructor(@inject(C) readonly c: C, @inject(D) readonly d: D, @inject(Logger) readonly logger: Logger) {}

  get id(): number {
    return this.c.a.id;
  }

  dispose(): void {
    stats.disposed++;
  }
}
