// What the boot check finds wrong with a provider graph, and what registration refuses.
import { LoopsafeError, ResolutionPathError } from './base.js';
import { last } from './describe.js';

/** One or more problems in the provider graph, found by `container.boot()` before anything is served. */
export class BootError extends LoopsafeError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_BOOT';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = BootError.code;
  override name = 'BootError' as const;
  /** Every problem found, each a coded error with its provider path. */
  readonly problems: readonly LoopsafeError[];

  constructor(problems: readonly LoopsafeError[]) {
    const lines = problems.map((p) => `  - [${p.code}] ${p.message}`).join('\n');
    super(`The provider graph has ${problems.length} problem(s); nothing was started:\n${lines}`, {
      cause: new AggregateError(problems, 'provider graph problems'),
    });
    this.problems = problems;
  }
}

/** A dependency names a token or class that no provider is registered for. */
export class MissingProviderError extends ResolutionPathError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_PROVIDER_MISSING';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = MissingProviderError.code;
  override name = 'MissingProviderError' as const;

  constructor(path: readonly string[]) {
    const missing = last(path);
    super(
      path,
      `No provider is registered for ${missing}`,
      `Register one with container.register(${missing}, { ... }), or wrap the dependency in optional(${missing}).`,
    );
  }
}

/** Providers depend on each other in a circle. */
export class CycleError extends ResolutionPathError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_CYCLE';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = CycleError.code;
  override name = 'CycleError' as const;

  constructor(path: readonly string[]) {
    const back = path[path.length - 1] ?? '?';
    const holder = path[path.length - 2] ?? '?';
    super(path, 'Dependency cycle', `Move the part both sides need into a third provider, or let one side ask for the other on use: give ${holder} lazy(${back}) instead of ${back}, and call it when needed.`);
  }
}

/** A longer-lived provider depends on a shorter-lived one, which it would keep alive past its lifetime. */
export class CaptiveDependencyError extends ResolutionPathError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_CAPTIVE_DEPENDENCY';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = CaptiveDependencyError.code;
  override name = 'CaptiveDependencyError' as const;

  constructor(path: readonly string[], holder: string, holderLifetime: string, captive: string) {
    super(
      path,
      `The ${holderLifetime} ${holder} would hold the request-scoped ${captive} past its request`,
      `Make ${holder} request-scoped too, or make ${captive} a singleton if it holds no per-request state.`,
    );
  }
}

/** A provider declaration is malformed (bad lifetime, a factory that is not a function, a class without dependency metadata, ...). */
export class InvalidProviderError extends ResolutionPathError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_PROVIDER_INVALID';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = InvalidProviderError.code;
  override name = 'InvalidProviderError' as const;

  constructor(path: readonly string[], detail: string, fix: string, options?: ErrorOptions) {
    super(path, detail, fix, options);
  }
}

/** The same token or class was registered twice. */
export class DuplicateProviderError extends LoopsafeError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_PROVIDER_DUPLICATE';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = DuplicateProviderError.code;
  override name = 'DuplicateProviderError' as const;

  constructor(name: string) {
    super(`${name} is already registered. Use container.override(${name}, { ... }) to replace a provider on purpose (in tests, for example).`);
  }
}

/** Registration was attempted after the container booted and compiled its plans. */
export class ContainerFrozenError extends LoopsafeError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_CONTAINER_FROZEN';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = ContainerFrozenError.code;
  override name = 'ContainerFrozenError' as const;

  constructor(name: string, what: string) {
    super(`Cannot ${what} ${name}: the container has booted and its plans are compiled. Register and override providers before boot() or the first resolve().`);
  }
}
