// What the boot check finds wrong with a provider graph, and what registration refuses.
import { LoopsafeError, ResolutionPathError } from './base.js';
import { last } from './describe.js';

/** One problem of a {@link BootError}, with where the declaration it concerns was registered. */
export interface BootProblem {
  /** The coded error: an invalid option, a duplicate, a missing provider, a cycle, a captive dependency... */
  readonly problem: LoopsafeError;
  /**
   * `file:line:column` of the `register()`, `override()`, `provide()` or `createContainer()` call that registered
   * the provider the problem is about (the provider that injects a missing key, the one whose dependency closes a
   * cycle, the longer-lived holder of a captive). With source maps on, the `.ts` position. Absent when no frame
   * outside loopsafe was found, as for the providers a Fastify app makes for its routes.
   */
  readonly site?: string;
}

/**
 * Every problem of a provider graph, found by `container.boot()` (or `check()`, or the first `resolve()`) before
 * anything is served: bad declarations recorded by `register()` and `createContainer()`, and what the graph check
 * finds (missing providers, cycles, captive dependencies), in declaration order, each with where it was registered.
 */
export class BootError extends LoopsafeError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_BOOT';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = BootError.code;
  override name = 'BootError' as const;
  /** Every problem found, each a coded error with its provider path (the `problem` of each of {@link entries}). */
  readonly problems: readonly LoopsafeError[];
  /** Every problem found, in declaration order, each with the site of the registration it concerns. */
  readonly entries: readonly BootProblem[];

  /** Each item is a problem, or a problem with its site. */
  constructor(problems: readonly (LoopsafeError | BootProblem)[]) {
    const entries = problems.map((p): BootProblem => (LoopsafeError.is(p) ? { problem: p } : p));
    const lines = entries.map(({ problem, site }) =>
      `  - [${problem.code}] ${problem.message}${site === undefined ? '' : `\n    registered at ${site}`}`).join('\n');
    super(`The provider graph has ${entries.length} problem(s); nothing was started:\n${lines}`, {
      cause: new AggregateError(entries.map((e) => e.problem), 'provider graph problems'),
    });
    this.entries = entries;
    this.problems = entries.map((e) => e.problem);
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

/** The same token or class was registered twice. Reported in the boot's `BootError`, at the second registration. */
export class DuplicateProviderError extends LoopsafeError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_PROVIDER_DUPLICATE';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = DuplicateProviderError.code;
  override name = 'DuplicateProviderError' as const;

  /** `first` is where the first registration was made, when known. */
  constructor(name: string, first?: string) {
    super(`${name} is already registered${first === undefined ? '' : ` (at ${first})`}. Use container.override(${name}, { ... }) to replace a provider on purpose (in tests, for example).`);
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
