import { LoopsafeError, ResolutionPathError } from './base.js';

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

/** An options object passed to loopsafe has a value it cannot use. */
export class InvalidOptionError extends LoopsafeError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_OPTION_INVALID';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = InvalidOptionError.code;
  override name = 'InvalidOptionError' as const;
  /** The entry point whose options were refused, for example `createApp` or `provider Db`. */
  readonly where: string;
  /** The refused option as a dotted path from the options object, for example `shutdown.timeout` or `signals[1]`. */
  readonly option: string;
  /** For an unknown option, the closest valid name (a likely misspelling), or `undefined` when none is close. */
  readonly suggestion: string | undefined;

  /**
   * `expected` completes "must be ...". Pass `unknown` (the valid names at that level) when `option` is not an
   * option at all; `suggestion` is then the closest valid name.
   */
  constructor(
    where: string, option: string, expected: string, got: unknown,
    unknown?: { readonly known: readonly string[]; readonly suggestion: string | undefined },
  ) {
    super(unknown === undefined
      ? `${where}: option "${option}" must be ${expected}, got ${describe(got)}.`
      : `${where}: "${option}" is not an option${unknown.suggestion === undefined ? '' : `; did you mean \`${unknown.suggestion}\`?`} `
        + `Valid options here: ${unknown.known.map((k) => `\`${k}\``).join(', ')}.`);
    this.where = where;
    this.option = option;
    this.suggestion = unknown?.suggestion;
  }
}

/** A provider's factory or constructor threw, or its promise rejected. The original error is the `cause`. */
export class ProviderFailedError extends ResolutionPathError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_PROVIDER_FAILED';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = ProviderFailedError.code;
  override name = 'ProviderFailedError' as const;

  constructor(path: readonly string[], cause: unknown) {
    super(
      path,
      `The factory of ${last(path)} failed (${causeText(cause)})`,
      'See the cause. Nothing was cached, so the next resolve runs the factory again.',
      { cause },
    );
  }
}

/** A provider's factory returned a promise that did not settle within its timeout. */
export class ProviderTimeoutError extends ResolutionPathError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_PROVIDER_TIMEOUT';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = ProviderTimeoutError.code;
  override name = 'ProviderTimeoutError' as const;

  constructor(path: readonly string[], timeout: number) {
    const name = last(path);
    super(
      path,
      `The factory of ${name} did not settle within ${timeout} ms`,
      `Make sure its promise settles, or raise the limit with { timeout } on the provider or createContainer({ timeout }).`,
    );
  }
}

/** A request-scoped provider (or a transient that needs one) was resolved outside a request scope. */
export class ScopeRequiredError extends ResolutionPathError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_SCOPE_REQUIRED';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = ScopeRequiredError.code;
  override name = 'ScopeRequiredError' as const;

  constructor(path: readonly string[]) {
    super(
      path,
      `${last(path)} is request-scoped and was asked for outside a request scope`,
      'Resolve it from a scope: container.createScope().resolve(...), or request.di in a Fastify route.',
    );
  }
}

/** A value that must be supplied to each request scope was not supplied. */
export class SuppliedValueMissingError extends ResolutionPathError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_SUPPLIED_MISSING';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = SuppliedValueMissingError.code;
  override name = 'SuppliedValueMissingError' as const;

  constructor(path: readonly string[]) {
    const name = last(path);
    super(path, `${name} is supplied per scope and this scope was not given one`, `Call scope.supply(${name}, value) right after createScope().`);
  }
}

/** `scope.supply()` was called for a key not declared with `{ supplied: true }`, or after the value was read. */
export class SupplyError extends LoopsafeError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_SUPPLY_INVALID';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = SupplyError.code;
  override name = 'SupplyError' as const;

  constructor(name: string, reason: string) {
    super(`Cannot supply ${name}: ${reason}`);
  }
}

/** `resolveSync()` reached a provider whose factory returned a promise. */
export class AsyncProviderError extends ResolutionPathError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_ASYNC_PROVIDER';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = AsyncProviderError.code;
  override name = 'AsyncProviderError' as const;

  constructor(path: readonly string[]) {
    super(path, `resolveSync() reached ${last(path)}, which is not built yet and builds asynchronously`, 'Use await resolve() instead, or construct it at boot with { eager: true }.');
  }
}

/** A scope or container was used after `dispose()` began. */
export class DisposedError extends LoopsafeError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_DISPOSED';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = DisposedError.code;
  override name = 'DisposedError' as const;

  constructor(what: 'scope' | 'container', action: string) {
    super(`Cannot ${action}: this ${what} has been disposed. Create a new ${what === 'scope' ? 'scope with container.createScope()' : 'container'}.`);
  }
}

/** One or more disposers threw. Every disposer still ran; the failures are in the `AggregateError` cause. */
export class DisposalError extends LoopsafeError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_DISPOSAL_FAILED';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = DisposalError.code;
  override name = 'DisposalError' as const;

  constructor(what: string, failures: readonly { name: string; error: unknown }[]) {
    const names = failures.map((f) => f.name).join(', ');
    super(
      `${failures.length} disposer(s) of the ${what} failed: ${names}. Every other disposer still ran; see cause.errors for each failure.`,
      { cause: new AggregateError(failures.map((f) => f.error), `disposers failed: ${names}`) },
    );
  }
}

/** A container was created in a worker thread without saying so; it would silently build a second set of singletons. */
export class WrongThreadError extends LoopsafeError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_WRONG_THREAD';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = WrongThreadError.code;
  override name = 'WrongThreadError' as const;

  constructor(threadId: number) {
    super(
      `createContainer() was called in worker thread ${threadId}. A container belongs to the main event loop; a worker would build its own copy of every singleton. ` +
        'Resolve on the main thread and send the worker plain data, or pass createContainer({ allowWorkerThread: true }) if a separate container per worker is what you want.',
    );
  }
}

/** An attached inversify container, or inversify metadata, failed. The inversify error is the `cause`. */
export class InversifyError extends ResolutionPathError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_INVERSIFY';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = InversifyError.code;
  override name = 'InversifyError' as const;

  constructor(path: readonly string[], cause: unknown) {
    super(
      path,
      `inversify failed for ${last(path)} (${causeText(cause)})`,
      'Check the binding in the attached inversify Container, or register the provider with loopsafe directly.',
      { cause },
    );
  }
}

/** The provider a path ends at: the one that failed. */
function last(path: readonly string[]): string {
  return path[path.length - 1] ?? '?';
}

function causeText(cause: unknown): string {
  return cause instanceof Error ? cause.message : describe(cause);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  // String() would say "[object Object]"; the kind of value is what tells a wrong option apart.
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'object' && value !== null && !hasOwnToString(value)) {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' && name !== 'Object' ? `a ${name}` : 'an object';
  }
  try {
    return String(value);
  } catch {
    return typeof value;
  }
}

function hasOwnToString(value: object): boolean {
  const toString = (value as { toString?: unknown }).toString;
  return typeof toString === 'function' && toString !== Object.prototype.toString;
}
