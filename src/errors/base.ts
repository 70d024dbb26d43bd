const brand = Symbol.for('loopsafe.error');

/**
 * The base of every error loopsafe throws.
 *
 * The `code` is the contract: it is stable across releases and has a row in `docs/errors.md`.
 * The message may improve over time, so match on `code` (or `instanceof` a subclass), never on wording.
 * {@link LoopsafeError.is} recognises errors from a second installed copy of loopsafe too.
 */
export abstract class LoopsafeError extends Error {
  /** The stable string code, for example `LOOPSAFE_ERR_BOOT`. */
  abstract readonly code: string;

  /** @internal */
  readonly [brand] = true;

  /** The class name, for logs and stack traces. */
  override name = 'LoopsafeError';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }

  /**
   * True for any loopsafe error, even one thrown by another installed copy of the package.
   * Pass a code to check for one failure in particular.
   */
  static is(value: unknown, code?: string): value is LoopsafeError {
    if (typeof value !== 'object' || value === null || (value as Record<symbol, unknown>)[brand] !== true) {
      return false;
    }
    return code === undefined || (value as { code?: unknown }).code === code;
  }
}

/**
 * A failure that happened while resolving a provider. `path` lists the providers from the one asked for
 * down to the one that failed, and grows while the error unwinds, so no shared resolution stack exists.
 */
export abstract class ResolutionPathError extends LoopsafeError {
  /** Providers from the one asked for to the one that failed, for example `['UserService', 'Repo', 'Db']`. */
  readonly path: readonly string[];
  /** @internal */
  declare readonly detail: string;
  /** @internal */
  declare readonly fix: string;

  constructor(path: readonly string[], detail: string, fix: string, options?: ErrorOptions) {
    super(formatPath(path, detail, fix), options);
    this.path = path;
    Object.defineProperty(this, 'detail', { value: detail });
    Object.defineProperty(this, 'fix', { value: fix });
  }

  /**
   * A copy of this error, of the same class and code, whose path starts one provider higher.
   * Built while the error unwinds, so concurrent resolutions never share a path.
   * @internal
   */
  withParent(name: string): this {
    const path = [name, ...this.path];
    const message = formatPath(path, this.detail, this.fix);
    // Reflect.construct gives a real native error (loggers and util.types.isNativeError see one) with this
    // subclass's prototype, without rerunning its constructor.
    const copy = Reflect.construct(Error, [message, { cause: this.cause }], this.constructor) as this;
    for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(this))) {
      if (key !== 'stack' && key !== 'message' && key !== 'cause') Object.defineProperty(copy, key, descriptor);
    }
    for (const key of Object.getOwnPropertySymbols(this)) {
      Object.defineProperty(copy, key, Object.getOwnPropertyDescriptor(this, key)!);
    }
    Object.defineProperty(copy, 'path', { value: path, enumerable: true });
    if (typeof this.stack === 'string') {
      const frames = this.stack.indexOf('\n    at ');
      copy.stack = `${this.name}: ${message}${frames === -1 ? '' : this.stack.slice(frames)}`;
    }
    return copy;
  }

}

function formatPath(path: readonly string[], detail: string, fix: string): string {
  return `${detail} while resolving ${path.join(' -> ')}. ${fix}`;
}
