// Failures while resolving: a factory that fails or hangs, a provider asked for in the wrong place.
import { LoopsafeError, ResolutionPathError } from './base.js';
import { last, causeText } from './describe.js';

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
